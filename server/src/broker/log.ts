/**
 * What the broker tells its operator: every request, trace, Vault call, lease and ECM change, as events.
 * The CLI prints them to stderr (text or JSON lines), the debug adapter streams them to the Debug Console.
 * Events carry names, paths, statuses and times, never a key, token or password.
 */
import type { BrokerEvent } from '../../../protocol/broker';

export { formatEvent, type BrokerEvent } from '../../../protocol/broker';

export type EventSink = (e: BrokerEvent & { time: string }) => void;

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
    const stamped = { ...e, time: new Date().toISOString() };
    for (const s of this.sinks) {
      try { s(stamped); } catch { /* a broken sink must not break a request */ }
    }
  }
}
