/**
 * What the broker tells its operator: every request, trace, Vault call, lease and ECM change, as events.
 * The CLI prints them to stderr (text or JSON lines), the debug adapter streams them to the Debug Console.
 * Events carry names, paths, statuses and times, never a key, token or password.
 */
import type { BrokerEvent } from '../../../protocol/broker';

export { formatEvent, type BrokerEvent } from '../../../protocol/broker';

/** `time` is when the event happened (ms since the epoch); a sink that shows it formats it (text lines do not). */
export type EventSink = (e: BrokerEvent, time: number) => void;

export class BrokerLog {
  private readonly sinks = new Set<EventSink>();
  on(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
  /** Whether anyone listens: a caller may skip building an event's text when not. */
  get enabled(): boolean { return this.sinks.size > 0; }
  emit(e: BrokerEvent): void {
    if (this.sinks.size === 0) return;
    const time = Date.now();
    for (const s of this.sinks) {
      try { s(e, time); } catch { /* a broken sink must not break a request */ }
    }
  }
}

/** An event as one JSON line's object, stamped (`--log json`, which the editor reads). */
export function stamped(e: BrokerEvent, time: number): BrokerEvent & { time: string } {
  return { ...e, time: new Date(time).toISOString() };
}
