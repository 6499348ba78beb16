// The editor as a user drives it: keyboard shortcuts and visible text, waiting on conditions only.
// Selectors are VS Code workbench classes (stable across releases for years): .monaco-workbench,
// .quick-input-widget, .markers-panel, .monaco-hover, .suggest-widget, .action-widget, .notifications-toasts.
import type { Locator, Page } from 'playwright-core';

export const TIMEOUT = 60_000;

export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits for the workbench and for the ecmkit language server to be running (status bar item with a check). */
  async waitForEcmkit(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT });
    await this.statusItem().locator('.codicon-check').waitFor({ timeout: TIMEOUT });
  }

  statusItem(): Locator {
    return this.page.locator('.statusbar-item', { hasText: 'ecmkit' }).first();
  }

  /** Opens a workspace file by name with Quick Open (Ctrl+P) and waits for its tab to be active. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: TIMEOUT });
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: TIMEOUT });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: TIMEOUT });
    await this.focusEditor();
  }

  /**
   * Opens a workspace file by clicking it in the Explorer, as a user does when a view beside has the keyboard
   * (Quick Open's keys would go to it) or the file is new (Quick Open's file list may not have it yet).
   */
  async openFromExplorer(name: string): Promise<void> {
    const row = this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: TIMEOUT });
    await row.click();
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: TIMEOUT });
    await this.focusEditor();
  }

  async focusEditor(): Promise<void> {
    await this.page.keyboard.press('Control+1');
    await this.page.locator('.part.editor .monaco-editor.focused').waitFor({ timeout: TIMEOUT });
  }

  /** Ctrl+G to a 1-based line; the cursor lands at its start. */
  async gotoLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: TIMEOUT });
    await this.page.keyboard.type(String(line));
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUT });
    await this.page.locator('.part.editor .monaco-editor.focused').waitFor({ timeout: TIMEOUT });
  }

  /** Replaces a line's text after its indentation by typing, as a user would. */
  async retypeLine(line: number, text: string): Promise<void> {
    await this.gotoLine(line);
    await this.page.keyboard.press('End');
    await this.page.keyboard.press('Shift+Home');
    await this.page.keyboard.type(text);
  }

  /** Types a new line after `line`; the editor keeps that line's indentation. */
  async typeLineAfter(line: number, text: string): Promise<void> {
    await this.gotoLine(line);
    await this.page.keyboard.press('End');
    await this.page.keyboard.press('Enter');
    await this.page.keyboard.type(text);
  }

  /**
   * Ctrl+. at `column` of `line` until the Quick Fix menu offers `fix`; returns that menu row. On a loaded
   * machine the menu has come up without our fix (the server answers the same request over LSP in
   * milliseconds): a user presses Ctrl+. again, and so does this, up to three times.
   */
  async openQuickFix(line: number, column: number, fix: RegExp, problem: string): Promise<Locator> {
    const row = this.page.locator('.action-widget .monaco-list-row', { hasText: fix }).first();
    for (let attempt = 1; ; attempt++) {
      await this.focusEditor();
      await this.cursorAt(line, column);
      await this.page.keyboard.press('Control+.');
      if (await row.waitFor({ timeout: attempt < 3 ? 20_000 : TIMEOUT }).then(() => true, () => false)) return row;
      if (attempt === 3) throw new Error(`the Quick Fix menu never offered ${fix}`);
      console.log(`[quick fix] attempt ${attempt}: the menu did not offer ${fix}; asking again`);
      await this.page.keyboard.press('Escape');
      await this.waitForProblem(problem);
    }
  }

  /** Puts the cursor on `column` (1-based) of `line`. */
  async cursorAt(line: number, column: number): Promise<void> {
    await this.gotoLine(line);
    // From the line end, Home goes to the first non-blank and a second Home to column 1 (on an unindented
    // line both are column 1), so the cursor is at column 1 whatever the indentation.
    await this.page.keyboard.press('End');
    await this.page.keyboard.press('Home');
    await this.page.keyboard.press('Home');
    for (let i = 1; i < column; i++) await this.page.keyboard.press('ArrowRight');
  }

  /** The visible text of the active editor (Monaco renders spaces as no-break spaces). */
  async editorText(): Promise<string> {
    const text = await this.page.locator('.part.editor .monaco-editor .view-lines').first().innerText();
    return text.replace(/\u00a0/g, ' ');
  }

  async waitForEditorText(predicate: (text: string) => boolean, what: string): Promise<string> {
    return this.poll(async () => { const t = await this.editorText(); return predicate(t) ? t : undefined; }, what);
  }

  /** Opens the Problems panel (Ctrl+Shift+M) unless it is already showing. */
  async showProblems(): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.page.keyboard.press('Control+Shift+M');
      await panel.waitFor({ timeout: TIMEOUT });
    }
    return panel;
  }

  async problemsText(): Promise<string> {
    return (await this.showProblems()).innerText();
  }

  async waitForProblem(code: string): Promise<void> {
    await this.poll(async () => ((await this.problemsText()).includes(code) ? true : undefined),
      `a problem with code ${code} in the Problems panel`);
  }

  async waitForNoProblem(code: string): Promise<void> {
    await this.poll(async () => (!(await this.problemsText()).includes(code) ? true : undefined),
      `no problem with code ${code} left in the Problems panel`);
  }

  /**
   * Whether the command palette lists a command titled `title` (e.g. "ecmkit: Store Secret…"): F1, type the
   * title, wait until the list has settled on rows or on "No matching commands", then read it.
   */
  async paletteHas(title: string): Promise<boolean> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: TIMEOUT });
    await input.fill(`>${title}`);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    const found = await this.poll(async () => {
      const labels = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
      if (labels.some((l) => l.includes(title))) return 'yes';
      const widget = await this.page.locator('.quick-input-widget').innerText();
      return /No matching commands/i.test(widget) || labels.length > 0 ? 'no' : undefined;
    }, `the command palette to answer "${title}"`);
    await this.closeQuickInput();
    return found === 'yes';
  }

  /** Runs a command by its palette title, e.g. "ecmkit: Store Secret…". */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: TIMEOUT });
    await input.fill(`>${title}`);
    // Enter runs the focused row: wait until the list has settled on the command (on a loaded machine the
    // list may still show an earlier filter's first row when the wanted one appears).
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor({ timeout: TIMEOUT });
    await this.page.keyboard.press('Enter');
  }

  async closeQuickInput(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUT });
  }

  /** A notification toast containing `text`. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  /** The modal dialog (e.g. a confirmation), if any. */
  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** Polls `probe` until it returns a value; fails with `what` after TIMEOUT. */
  async poll<T>(probe: () => Promise<T | undefined>, what: string, timeout = TIMEOUT): Promise<T> {
    const deadline = Date.now() + timeout;
    let last: unknown;
    for (;;) {
      try {
        const v = await probe();
        if (v !== undefined) return v;
      } catch (e) { last = e; }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
      await this.page.waitForTimeout(100); // poll interval between condition checks, not a fixed wait
    }
  }
}

/** 1-based line number of the first line of `text` matching `re`. */
export function lineOf(text: string, re: RegExp): number {
  const i = text.split('\n').findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`no line matches ${re}`);
  return i + 1;
}
