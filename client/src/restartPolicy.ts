// When the language server crashes, restart it — but only a few times: a server that crashes again and
// again (a file that trips it on every start, a broken install) would otherwise flicker forever while the
// user sees nothing. Pure (no VS Code API), so it is unit-tested; languageClient.ts wires it in.

export interface RestartPolicyOptions {
  /** Restarts allowed within `windowMs` (default 3). */
  maxRestarts: number;
  /** The sliding window, in ms (default 3 minutes). */
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = { maxRestarts: 3, windowMs: 3 * 60_000 };

export type CrashDecision = 'restart' | 'give-up';

/**
 * The decision for a crash at `now`, given the times of the crashes before it: restart while fewer than
 * `maxRestarts` of them fall within the window ending now; give up on the next one.
 */
export function decide(previous: readonly number[], now: number, o: RestartPolicyOptions = DEFAULT_RESTART_POLICY): CrashDecision {
  const recent = previous.filter((t) => now - t < o.windowMs && t <= now);
  return recent.length < o.maxRestarts ? 'restart' : 'give-up';
}

/** Remembers crash times and decides; `reset()` after the user restarts the server by hand. */
export class RestartPolicy {
  private crashes: number[] = [];
  constructor(readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Records a crash; `restarts` counts the restarts within the window including this one. */
  onCrash(now: number = Date.now()): { decision: CrashDecision; crashes: number } {
    const decision = decide(this.crashes, now, this.options);
    this.crashes = [...this.crashes.filter((t) => now - t < this.options.windowMs), now];
    return { decision, crashes: this.crashes.length };
  }

  /** Crashes within the window ending `now`. */
  recent(now: number = Date.now()): number {
    return this.crashes.filter((t) => now - t < this.options.windowMs).length;
  }

  reset(): void {
    this.crashes = [];
  }
}

/** The words for the user when the policy gives up (kept here so the test and the e2e scenario agree). */
export function gaveUpMessage(crashes: number, o: RestartPolicyOptions = DEFAULT_RESTART_POLICY): string {
  const minutes = Math.round(o.windowMs / 60_000);
  return `ecmkit: the language server crashed ${crashes} times in ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and was not restarted again. ` +
    'Diagnostics and the other language features are off until it runs. The log says why it stopped.';
}
