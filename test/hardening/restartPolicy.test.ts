// Language server restarts (issue 7, item 7): the policy the client's error handler follows
// (client/src/restartPolicy.ts): restart a crashed server at most 3 times in 3 minutes, then give up and
// tell the user (the notification and its "Show Log" button: test/e2e/scenarios/serverCrash.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, DEFAULT_RESTART_POLICY, gaveUpMessage, RestartPolicy } from '../../client/src/restartPolicy';

const MIN = 60_000;

describe('language server restart policy', () => {
  it('restarts the first three crashes within 3 minutes and gives up on the fourth', () => {
    const p = new RestartPolicy();
    const t0 = 1_000_000;
    assert.deepEqual(p.onCrash(t0), { decision: 'restart', crashes: 1 });
    assert.deepEqual(p.onCrash(t0 + 1000), { decision: 'restart', crashes: 2 });
    assert.deepEqual(p.onCrash(t0 + 2000), { decision: 'restart', crashes: 3 });
    assert.deepEqual(p.onCrash(t0 + 3000), { decision: 'give-up', crashes: 4 });
    // And keeps giving up while the crashes stay that frequent.
    assert.equal(p.onCrash(t0 + 4000).decision, 'give-up');
  });

  it('forgets crashes older than the window: a server that crashes now and then is always restarted', () => {
    const p = new RestartPolicy();
    for (let i = 0; i < 20; i++) assert.equal(p.onCrash(i * 61 * 1000).decision, 'restart', `crash ${i}`); // one a minute
    assert.equal(p.recent(20 * 61 * 1000), 2);
  });

  it('counts within a sliding window: the fourth crash 3 minutes after the first is restarted', () => {
    const t0 = 5_000_000;
    assert.equal(decide([t0, t0 + MIN, t0 + 2 * MIN], t0 + 3 * MIN), 'restart'); // the first has left the window
    assert.equal(decide([t0, t0 + MIN, t0 + 2 * MIN], t0 + 3 * MIN - 1), 'give-up');
    assert.equal(decide([], t0), 'restart');
    assert.equal(decide([t0, t0, t0], t0), 'give-up');
  });

  it('starts afresh after a restart by hand', () => {
    const p = new RestartPolicy();
    for (let i = 0; i < 4; i++) p.onCrash(i);
    assert.equal(p.onCrash(10).decision, 'give-up');
    p.reset();
    assert.equal(p.onCrash(11).decision, 'restart');
    assert.equal(p.recent(11), 1);
  });

  it('takes other limits, and ignores clock jumps backwards', () => {
    const once = new RestartPolicy({ maxRestarts: 1, windowMs: 10_000 });
    assert.equal(once.onCrash(0).decision, 'restart');
    assert.equal(once.onCrash(5000).decision, 'give-up');
    assert.equal(once.onCrash(20_000).decision, 'restart');
    assert.equal(decide([10_000, 20_000, 30_000], 5_000), 'restart', 'crashes "in the future" do not count');
    assert.equal(new RestartPolicy({ maxRestarts: 0, windowMs: MIN }).onCrash(0).decision, 'give-up');
  });

  it('tells the user how often and how fast, and where to look', () => {
    const m = gaveUpMessage(4, DEFAULT_RESTART_POLICY);
    assert.match(m, /crashed 4 times in 3 minutes and was not restarted/);
    assert.match(m, /log/);
    assert.match(gaveUpMessage(2, { maxRestarts: 1, windowMs: MIN }), /2 times in a minute/);
  });
});
