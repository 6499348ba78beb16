// domain/memo.ts: a result cached on a value object while its inputs are the same objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Memo } from '../../server/src/domain/memo';

describe('Memo', () => {
  it('computes once per key while the inputs are the same objects', () => {
    const memo = new Memo<number>();
    const key = {}, dep = [1];
    let runs = 0;
    const compute = () => ++runs;
    assert.equal(memo.get(key, [dep], compute), 1);
    assert.equal(memo.get(key, [dep], compute), 1);
    assert.equal(runs, 1);
  });

  it('recomputes when an input is another object, even an equal one, and hands over the previous result', () => {
    const memo = new Memo<string>();
    const key = {};
    memo.get(key, [[1]], () => 'first');
    let seen: unknown;
    const again = memo.get(key, [[1]], (prev) => { seen = prev?.value; return 'second'; });
    assert.equal(again, 'second');
    assert.equal(seen, 'first', 'the previous result is offered for patching');
    assert.equal(memo.get(key, [[1], 2], () => 'third'), 'third', 'a different number of inputs is a different input');
  });

  it('keeps results of different keys apart', () => {
    const memo = new Memo<string>();
    const a = {}, b = {};
    memo.get(a, [], () => 'a');
    assert.equal(memo.get(b, [], () => 'b'), 'b');
    assert.equal(memo.get(a, [], () => 'never'), 'a');
  });
});
