// The broker's log writer: lines keep their order, go out in one write per turn of the event loop, and
// nothing pending is lost when the process exits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { BatchedLines } from '../../server/src/cli/batchedLines';

const ROOT = path.resolve(__dirname, '../..');

function sink(): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { writes.push(String(chunk)); done(); } });
  return { stream, writes };
}

describe('BatchedLines', () => {
  it('writes the lines of one turn together, in order, on the next turn', async () => {
    const { stream, writes } = sink();
    const lines = new BatchedLines(stream);
    lines.write('#1 POST /v1/credentials/find → 200');
    lines.write('#1 trace: CORP\\jdoe on WEB01');
    assert.deepEqual(writes, [], 'nothing written in the turn that logs');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['#1 POST /v1/credentials/find → 200\n#1 trace: CORP\\jdoe on WEB01\n']);
    lines.write('#2 POST /v1/credentials/find → 200');
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.length, 2);
    assert.equal(writes[1], '#2 POST /v1/credentials/find → 200\n');
  });

  it('flush() writes what is pending at once, so a direct write after it keeps its place', () => {
    const { stream, writes } = sink();
    const lines = new BatchedLines(stream);
    lines.write('a');
    lines.flush();
    stream.write('ecmkit broker: port 1 is in use\n');
    assert.deepEqual(writes, ['a\n', 'ecmkit broker: port 1 is in use\n']);
    lines.flush();
    assert.equal(writes.length, 2, 'an empty flush writes nothing');
  });

  it('writes what is pending when the process exits before the next turn', () => {
    const code = `const { BatchedLines } = require(${JSON.stringify(path.join(ROOT, 'server/src/cli/batchedLines.ts'))});
      const lines = new BatchedLines(process.stderr);
      lines.write('last words'); lines.write('really last');
      process.exit(3);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 3);
    assert.equal(r.stderr, 'last words\nreally last\n');
  });

  it('writes what is pending before Node prints an uncaught exception', () => {
    const code = `const { BatchedLines } = require(${JSON.stringify(path.join(ROOT, 'server/src/cli/batchedLines.ts'))});
      const lines = new BatchedLines(process.stderr);
      lines.write('the request before');
      throw new Error('boom');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.ok(r.stderr.startsWith('the request before\n'), r.stderr.slice(0, 200));
    assert.match(r.stderr, /Error: boom/);
    assert.equal(r.stderr.split('the request before').length, 2, 'written once');
  });
});
