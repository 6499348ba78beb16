// The Simulate view's HTML (client/src/broker/simulationView.ts, pure): the header says who the ECM signs in
// as, or where a refused request stopped — never "no run-as identity" for a request the broker refused
// before it knew one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderSimulation, type SimulationMeta } from '../../client/src/broker/simulationView';
import type { FindAnswer } from '../../protocol/trace';

const meta: SimulationMeta = { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', via: 'broker', viaDetail: 'broker at http://127.0.0.1:1 (sandbox Vault)', label: (u) => u.split('/').pop()! };
const render = (a: FindAnswer) => renderSimulation(a, meta, 'n0nce', 'vscode-resource:');

describe('Simulate view', () => {
  it('names the run-as identity when the ECM chose one', () => {
    const html = render({ credentials: [], runAs: 'CORP\\jdoe', ecm: 'ecm-a', trace: [{ step: 'result', outcome: 'fail', detail: 'none' }] });
    assert.match(html, /Runs as <b>CORP\\jdoe<\/b> · served by ECM <b>ecm-a<\/b>/);
  });

  it('says where a refused request stopped instead of "No run-as identity"', () => {
    const html = render({
      credentials: [], error: { code: 'user-not-found', message: 'No Vault user for jdoe.' },
      trace: [
        { step: 'provider', outcome: 'pass', detail: 'corp.example.com maps to `CORP`.' },
        { step: 'user', outcome: 'fail', detail: 'The Vault has no user `CORP\\jdoe`.' },
        { step: 'result', outcome: 'fail', detail: 'The ECM returns no credentials.' },
      ],
    });
    assert.doesNotMatch(html, /No run-as identity/);
    assert.match(html, /Stopped at the <b>user<\/b> step, before a run-as identity/);
    assert.match(html, /<b>user-not-found<\/b>: No Vault user for jdoe\./);
    assert.match(html, /maps to <code>CORP<\/code>\./, 'code pieces as code, no literal backticks');
  });
});
