/**
 * What the broker tells its operator: every request, trace, Vault call, lease and ECM change, as events.
 * The CLI prints them to stderr (text or JSON lines), the debug adapter streams them to the Debug Console.
 * Events carry names, paths, statuses and times, never a key, token or password.
 */
import type { TraceStep } from '../engine/injection';

export type BrokerEvent =
  | { type: 'request'; id: number; method: string; path: string; status: number; ms: number; code?: string; summary?: string }
  | { type: 'trace'; id: number; ecm?: string; runAs?: string; endpoint: string; steps: TraceStep[] }
  | { type: 'vault'; ecm: string; runAs?: string; method: string; path: string; status?: number; ms: number; error?: string }
  | { type: 'sandbox'; method: string; path: string; status: number; reason?: string; runAs?: string }
  | { type: 'lease'; action: 'checkout' | 'checkin' | 'expired' | 'shutdown-checkin'; leaseId: string; credential: string; runAs: string; ecm: string; expiresAt?: string }
  | { type: 'ecm'; action: 'connect' | 'disconnect' | 'active'; name: string; active?: string }
  | { type: 'info' | 'warning'; message: string };

export type EventSink = (e: BrokerEvent & { time: string }) => void;

export class BrokerLog {
  private readonly sinks = new Set<EventSink>();
  on(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
  emit(e: BrokerEvent): void {
    if (this.sinks.size === 0) return;
    const stamped = { ...e, time: new Date().toISOString() };
    for (const s of this.sinks) {
      try { s(stamped); } catch { /* a broken sink must not break a request */ }
    }
  }
}

const MARK: Record<TraceStep['outcome'], string> = { pass: '✓', drop: '–', fail: '✗' };

/** One event as readable lines (the CLI's stderr and the Debug Console). */
export function formatEvent(e: BrokerEvent): string {
  switch (e.type) {
    case 'request': return `#${e.id} ${e.method} ${e.path} → ${e.status}${e.code ? ` ${e.code}` : ''} (${e.ms.toFixed(1)} ms)${e.summary ? ` ${e.summary}` : ''}`;
    case 'trace': {
      const head = `#${e.id} trace${e.runAs ? `: ${e.runAs}` : ''} on ${e.endpoint || '?'}${e.ecm ? ` via ${e.ecm}` : ''}`;
      return [head, ...e.steps.map((s) => `    ${MARK[s.outcome]} ${s.step}${s.credential ? ` ${s.credential}` : ''}: ${s.detail}`)].join('\n');
    }
    case 'vault': return `  vault[${e.ecm}${e.runAs ? ` as ${e.runAs}` : ''}] ${e.method} ${e.path} → ${e.status ?? e.error ?? '?'} (${e.ms.toFixed(1)} ms)`;
    case 'sandbox': return `  sandbox ${e.method} ${e.path} → ${e.status}${e.reason ? ` (${e.reason})` : ''}`;
    case 'lease': return `lease ${e.action}: ${e.credential} for ${e.runAs} via ${e.ecm} [${e.leaseId}]${e.expiresAt ? ` until ${e.expiresAt}` : ''}`;
    case 'ecm': return e.action === 'active' ? `ECM ${e.name} is now active` : `ECM ${e.name} ${e.action}ed; active: ${e.active ?? 'none'}`;
    case 'info': return e.message;
    case 'warning': return `warning: ${e.message}`;
  }
}
