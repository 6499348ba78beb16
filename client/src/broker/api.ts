// A small client of the broker's HTTP API (docs/broker-api.md; shapes in protocol/broker.ts) for the editor and the debug console.
import type { BrokerInfo } from './process';
import type { FindAnswer, TraceStep } from '../../../protocol/trace';

export type { FindAnswer, TraceStep };

export class BrokerApi {
  constructor(private readonly info: BrokerInfo) {}

  async call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(this.info.url + route, {
      method,
      headers: { authorization: `Bearer ${this.info.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** A find, with an error answer turned into the same shape (its trace says why). */
  async find(user: string, securityProvider: string, endpoint: string): Promise<FindAnswer> {
    const r = await this.call('POST', '/v1/credentials/find', { user, securityProvider, endpoint });
    return r.status === 200 ? r.body : { credentials: [], trace: r.body?.trace ?? [], error: r.body?.error };
  }

  health() { return this.call('GET', '/v1/health'); }
  ecms() { return this.call('GET', '/v1/ecms'); }
  setConnected(name: string, connected: boolean) { return this.call('POST', `/v1/ecms/${encodeURIComponent(name)}/${connected ? 'connect' : 'disconnect'}`); }
  leases() { return this.call('GET', '/v1/leases'); }
}
