// Debian's Chromium, started by us (so we own its PID and process group) and driven by playwright-core
// over the DevTools protocol. Flags: the machine has no network, so background traffic is switched off.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from './paths';
import { start, type Started } from './proc';

export interface RunningBrowser { browser: Browser; process: Started; stop(): Promise<void> }

/** The e2e suite drives Chromium; `npm start` does not need it (the user opens the URL in any browser). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does), or set ECMKIT_CHROMIUM.`);
  }
}

export async function launchChromium(dir: string, logFile: string): Promise<RunningBrowser> {
  requireChromium();
  mkdirSync(dir, { recursive: true });
  const proc = start(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage', '--no-default-browser-check',
    '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', `--user-data-dir=${join(dir, 'profile')}`,
    '--window-size=1600,1000', 'about:blank',
  ], { cwd: dir, logFile });
  let browser: Browser;
  try {
    const [, ws] = await proc.waitForLine(/DevTools listening on (ws:\/\/\S+)/, 30_000);
    browser = await chromium.connectOverCDP(ws);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    browser,
    process: proc,
    async stop() {
      await browser.close().catch(() => undefined);
      await proc.stop();
    },
  };
}
