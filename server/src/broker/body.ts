/**
 * Request bodies as the broker reads them: JSON (the ECM's) or text a plain fetch labels text/plain, at
 * most a given size, read with plain stream events; anything else is a 4xx that says what to send.
 */
import type { IncomingMessage } from 'node:http';
import { BrokerError } from './errors';

/** Bodies are JSON (the ECM's), or text a plain fetch labels text/plain; forms, files and compressed bodies are refused. */
function checkBodyHeaders(req: IncomingMessage, max: number): void {
  const given = req.headers['content-type'];
  const type = given === 'application/json' ? given : (given ?? '').split(';')[0].trim().toLowerCase();
  if (type && type !== 'application/json' && !type.endsWith('+json') && type !== 'text/plain') {
    throw new BrokerError(415, 'bad-request', `Content-Type ${type.slice(0, 60)} is not accepted; send application/json.`);
  }
  const coding = req.headers['content-encoding'];
  const encoding = coding === undefined ? 'identity' : coding.trim().toLowerCase();
  if (encoding !== 'identity') throw new BrokerError(415, 'bad-request', `Content-Encoding ${encoding.slice(0, 30)} is not accepted; send the JSON as is.`);
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > max) throw new BrokerError(413, 'too-large', `The body is over ${Math.round(max / 1024)} KB.`);
}

/** The whole body, at most `max` bytes. Plain stream events: an async iterator per request costs more than the read. */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  checkBodyHeaders(req, max);
  if (req.complete && req.readableLength === 0) { req.resume(); return Promise.resolve(''); }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Settled once; events after that are ignored (the request object and its listeners go with the
    // request, so removing them one by one would only cost time).
    let settled = false;
    const done = (e?: Error): void => {
      if (settled) return;
      settled = true;
      if (e) reject(e);
      else resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    req.on('data', (c: Buffer) => {
      if (settled) return;
      size += c.length;
      if (size > max) { req.pause(); done(new BrokerError(413, 'too-large', `The body is over ${Math.round(max / 1024)} KB.`)); return; }
      chunks.push(c);
    });
    req.on('end', () => done());
    req.on('error', done);
    // The caller went away before the body was complete (for await would reject with a premature close).
    req.on('close', () => { if (!req.complete) done(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })); });
  });
}

/** Reads a body the route does not use, so the connection can carry the next request; its limits still apply. */
export async function drain(req: IncomingMessage, max: number): Promise<void> {
  await readBody(req, max);
}

export async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const text = await readBody(req, max);
  if (!text.trim()) throw new BrokerError(400, 'bad-request', 'The body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BrokerError(400, 'bad-request', `The body is not JSON: ${(e as Error).message}.`);
  }
}
