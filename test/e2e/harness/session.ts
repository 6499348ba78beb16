// Everything a run of the e2e suite shares: the code-server install, the packaged VSIX, one code-server per
// trust mode (started on first use) and one Chromium with one browser context per code-server. Each scenario
// gets a fresh copy of examples/ and its own editor window (page) on it. Everything started here is stopped
// in close(), by PID and process group.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { ensureCodeServer } from '../../../scripts/e2e/install';
import { packageVsix, type Vsix } from '../../../scripts/e2e/vsix';
import { installExtension, makeProfile, QUIET_SETTINGS, startCodeServer, type CodeServer } from '../../../scripts/e2e/codeServer';
import { launchChromium, requireChromium, type RunningBrowser } from '../../../scripts/e2e/browser';
import { EXAMPLES, RESULTS } from '../../../scripts/e2e/paths';
import { START_HOOKS, type StartedService, type StartHook } from '../../../scripts/e2e/startHooks';
import type { Scenario, ScenarioContext } from './scenario';
import { Workbench } from './workbench';

/** Settings for the test profile: quiet, plus no typing aids that would change what the test types. */
const TEST_SETTINGS: Record<string, unknown> = {
  ...QUIET_SETTINGS,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.formatOnType': false,
  'editor.hover.delay': 200,
  'editor.minimap.enabled': false,
  'workbench.panel.defaultLocation': 'bottom',
};

export type Mode = NonNullable<Scenario['trust']> | 'npm start';

/** Which code-server a scenario runs in. */
export function modeOf(s: Scenario): Mode {
  return s.editor === 'npm start' ? 'npm start' : s.trust ?? 'trusted';
}

export class Session {
  readonly work = mkdtempSync(join(tmpdir(), 'ecmkit-e2e-'));
  readonly results: string;
  readonly logs: string;
  vsix?: Vsix;
  private browser?: RunningBrowser;
  private servers = new Map<Mode, Promise<CodeServer>>();
  /** One browser context per code-server: its HTTP cache makes every window after the first load faster. */
  private contexts = new Map<Mode, Promise<BrowserContext>>();
  /** Services the scenarios asked for (started before code-server) and the environment they give it. */
  private services: StartedService[] = [];
  private serviceEnv: Record<string, string> = {};
  /** npm start's services for the 'npm start' editor alone, their environment, and the folder they serve. */
  private npmStartServices: StartedService[] = [];
  private npmStartEnv: Record<string, string> = {};
  private readonly npmStartWorkspace = join(this.work, 'workspaces', 'npm-start');

  constructor(
    private readonly say: (m: string) => void = (m) => console.log(`[e2e] ${m}`),
    /** More VSIX files to install beside ecmkit's, and more environment for code-server, per trust mode. */
    private readonly extra: { vsix?: string[]; env?: (mode: Mode) => Record<string, string>; results?: string } = {},
  ) {
    this.results = extra.results ?? RESULTS;
    this.logs = join(this.results, 'logs');
    rmSync(this.results, { recursive: true, force: true });
    mkdirSync(this.logs, { recursive: true });
  }

  /** Installs (once), packages the VSIX, starts `services`, then Chromium and the code-servers for `modes` side by side. */
  async prepare(modes: Mode[] = ['trusted'], services: StartHook[] = []): Promise<void> {
    requireChromium(); // before the long install, not after it
    for (const hook of services) {
      const s = await hook.start({ workspace: EXAMPLES, logDir: this.logs });
      this.services.push(s);
      Object.assign(this.serviceEnv, s.env);
      this.say(`started ${hook.name}`);
    }
    let t = Date.now();
    await ensureCodeServer(this.say);
    this.say(`code-server ready (${Date.now() - t} ms)`);
    t = Date.now();
    this.vsix = await packageVsix(join(this.work, 'vsix'), join(this.logs, 'vsce.log'));
    this.say(`packaged ${this.vsix.path} (${(this.vsix.bytes / 1024).toFixed(1)} KiB) in ${Date.now() - t} ms`);
    this.record('vsix', { file: basename(this.vsix.path), bytes: this.vsix.bytes, at: new Date().toISOString() });
    const [browser] = await Promise.all([
      launchChromium(join(this.work, 'chromium'), join(this.logs, 'chromium.log')),
      ...modes.map((m) => this.server(m)),
    ]);
    this.browser = browser;
  }

  /** One code-server per trust mode, each with its own fresh profile that has the VSIX installed. */
  server(mode: Mode): Promise<CodeServer> {
    let s = this.servers.get(mode);
    if (!s) {
      s = (async () => {
        const name = mode.replace(/\s+/g, '-');
        const profile = makeProfile(join(this.work, `profile-${name}`), TEST_SETTINGS);
        for (const vsix of [this.vsix!.path, ...(this.extra.vsix ?? [])]) {
          await installExtension(profile, vsix, join(this.logs, `install-extension-${name}.log`));
        }
        if (mode === 'npm start') await this.startNpmStartServices();
        const server = await startCodeServer({
          profile,
          env: { ...this.serviceEnv, ...this.extra.env?.(mode), ...(mode === 'npm start' ? this.npmStartEnv : {}) },
          workspaceTrust: mode === 'untrusted' ? 'enabled' : 'disabled',
          logFile: join(this.logs, `code-server-${name}.log`),
        });
        this.say(`code-server (${mode}) at ${server.url}, pid ${server.process.pid}`);
        return server;
      })();
      this.servers.set(mode, s);
    }
    return s;
  }

  /** What `npm start` runs beside the editor (its START_HOOKS), on a copy of examples/ as it serves examples/. */
  private async startNpmStartServices(): Promise<void> {
    cpSync(EXAMPLES, this.npmStartWorkspace, { recursive: true });
    for (const hook of START_HOOKS) {
      const s = await hook.start({ workspace: this.npmStartWorkspace, logDir: this.logs });
      this.npmStartServices.push(s);
      Object.assign(this.npmStartEnv, s.env);
      this.say(`npm start's ${hook.name} is up`);
    }
  }

  async runScenario(id: string, scenario: Scenario): Promise<void> {
    const mode = modeOf(scenario);
    const server = await this.server(mode);
    // Folder name = scenario id, so the window title says which scenario a screenshot is from; npm start's
    // window opens the folder its services serve.
    const workspace = mode === 'npm start' ? this.npmStartWorkspace : join(this.work, 'workspaces', id);
    if (mode !== 'npm start') cpSync(EXAMPLES, workspace, { recursive: true });
    let context = this.contexts.get(mode);
    if (!context) {
      context = this.browser!.browser.newContext({ viewport: { width: 1600, height: 1000 } });
      this.contexts.set(mode, context);
    }
    const page = await (await context).newPage();
    const ui = new Workbench(page);
    const ctx: ScenarioContext = {
      page, ui, workspace,
      log: (m) => this.say(`${id}: ${m}`),
      screenshot: async (label) => { await page.screenshot({ path: join(this.results, `${id}.${label}.png`) }); },
      record: (name, data) => this.record(name, data),
      editorEnv: mode === 'npm start' ? { ...this.npmStartEnv } : {},
    };
    try {
      await page.goto(server.folderUrl(workspace));
      await scenario.run(ctx);
      await page.screenshot({ path: join(this.results, `${id}.png`) });
    } catch (e) {
      await page.screenshot({ path: join(this.results, `${id}.failed.png`) }).catch(() => undefined);
      throw e;
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  /** Writes a JSON file of measurements next to the screenshots. */
  record(name: string, data: unknown): void {
    writeFileSync(join(this.results, `${name}.json`), JSON.stringify(data, null, 2) + '\n');
  }

  async close(): Promise<void> {
    await this.browser?.stop();
    for (const [mode, s] of this.servers) {
      const server = await s.catch(() => undefined);
      if (!server) continue;
      await server.stop();
      // Keep VS Code's own logs (extension host, the ecmkit log channel) next to the screenshots.
      const logs = join(server.profile.userDataDir, 'logs');
      if (existsSync(logs)) cpSync(logs, join(this.logs, `vscode-${mode.replace(/\s+/g, '-')}`), { recursive: true });
    }
    for (const s of [...this.services, ...this.npmStartServices].reverse()) await s.stop().catch((e) => this.say(`could not stop a service: ${e}`));
    rmSync(this.work, { recursive: true, force: true });
  }
}
