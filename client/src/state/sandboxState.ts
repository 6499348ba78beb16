// Which sandbox Vault this window knows to be running: written by the sandbox commands (features/sandbox.ts),
// read by the broker, the Vault test and the walkthrough. A module of its own so they need not import each other.
import * as vscode from 'vscode';

export interface RunningSandbox { url: string; caPath: string; folder: string; /** Started outside this window (npm start). */ external?: boolean }

let running: RunningSandbox | undefined;
const changed = new vscode.EventEmitter<RunningSandbox | undefined>();

/** The sandbox this window started (or `npm start` runs), if it is up. */
export function runningSandbox(): RunningSandbox | undefined {
  return running;
}
export const onDidChangeSandbox = changed.event;

export function setRunningSandbox(next: RunningSandbox | undefined): void {
  running = next;
  changed.fire(next);
}
