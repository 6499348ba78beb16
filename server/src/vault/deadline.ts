/**
 * One Vault call's time limit, as the signal undici takes (an EventEmitter with `aborted` and `reason`,
 * which undici accepts beside an AbortSignal). An AbortController per call costs ~5 µs of EventTarget
 * machinery, a measurable share of a broker request that is otherwise a few tens of µs of work.
 */
import { EventEmitter } from 'node:events';

export class Deadline extends EventEmitter {
  aborted = false;
  reason: unknown;
  /** True when the time limit, not the caller's signal, ended the call. */
  timedOut = false;
  /** Rejects with the reason once aborted: raced against the call, since undici only notices an abort once a pending connect settles. */
  readonly expired: Promise<never>;
  private reject!: (reason: unknown) => void;
  private readonly timer: NodeJS.Timeout;
  private readonly outer?: AbortSignal;
  private readonly onOuterAbort?: () => void;

  constructor(ms: number, outer?: AbortSignal) {
    super();
    this.expired = new Promise<never>((_, reject) => { this.reject = reject; });
    this.expired.catch(() => undefined); // raced by the caller; never an unhandled rejection
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.abort(new DOMException(`The call did not finish within ${ms} ms.`, 'TimeoutError'));
    }, Math.max(1, ms));
    if (outer?.aborted) this.abort(outer.reason);
    else if (outer) {
      this.outer = outer;
      this.onOuterAbort = () => this.abort(outer.reason);
      outer.addEventListener('abort', this.onOuterAbort, { once: true });
    }
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
    this.reject(reason);
  }

  /** The call is over: no timer left behind (it would keep the call's objects alive for the whole limit). */
  clear(): void {
    clearTimeout(this.timer);
    if (this.onOuterAbort) this.outer!.removeEventListener('abort', this.onOuterAbort);
  }
}
