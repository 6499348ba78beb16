// The broker's keyed lock (broker/keyedLock.ts): one holder per key, in the order they asked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLock } from '../../server/src/broker/keyedLock';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedLock', () => {
  it('lets one holder in per key, the others in the order they asked', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const hold = async (name: string, key: string) => {
      const release = await lock.acquire(key);
      order.push(`${name}+`);
      await tick();
      order.push(`${name}-`);
      release();
    };
    await Promise.all([hold('a', 'k'), hold('b', 'k'), hold('c', 'k')]);
    assert.deepEqual(order, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  });

  it('does not hold up other keys', async () => {
    const lock = new KeyedLock();
    const releaseA = await lock.acquire('a');
    const releaseB = await lock.acquire('b'); // would never resolve if keys shared one lock
    releaseB();
    releaseA();
  });

  it('a second release does nothing, and a released key is free again', async () => {
    const lock = new KeyedLock();
    const first = await lock.acquire('k');
    let second = false;
    const waiting = lock.acquire('k').then((release) => { second = true; return release; });
    await tick();
    assert.equal(second, false);
    first();
    first();
    const release = await waiting;
    assert.equal(second, true);
    release();
    (await lock.acquire('k'))();
  });
});
