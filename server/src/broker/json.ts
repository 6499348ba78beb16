/**
 * A find answer explains every credential, so its trace is most of the body (20 KB for 66 credentials,
 * tens of KB in a large inventory). The files' steps are the same objects from one request to the next
 * (the broker caches the resolution), so each is serialized and UTF-8-encoded once and its bytes reused:
 * a find copies cached bytes instead of building, flattening and encoding the whole text again. Only the
 * Vault steps, the cross-check and the result are new each time; they are serialized and not kept (a
 * weak map that grew by four entries per request cost more in its upkeep than it saved).
 */
import type { TraceStep } from '../engine/injection';

const cache = new WeakMap<TraceStep, Buffer>();
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** Marks steps that later answers will carry again (a cached resolution's): their bytes are kept, made on first use. */
export function reusedSteps(steps: readonly TraceStep[]): void {
  for (const s of steps) if (!cache.has(s)) cache.set(s, EMPTY);
}
const EMPTY = Buffer.alloc(0);

function stepBytes(s: TraceStep): Buffer {
  const b = cache.get(s);
  if (b === undefined) return Buffer.from(JSON.stringify(s));
  if (b !== EMPTY) return b;
  const made = Buffer.from(JSON.stringify(s));
  cache.set(s, made);
  return made;
}

/** `head` + the trace as a JSON array + `tail`, as one buffer (head and tail are JSON text). */
export function withTrace(head: string, steps: TraceStep[], tail: string): Buffer {
  const parts: Buffer[] = [Buffer.from(head + '[')];
  for (let i = 0; i < steps.length; i++) {
    if (i) parts.push(COMMA);
    parts.push(stepBytes(steps[i]));
  }
  parts.push(CLOSE, Buffer.from(tail));
  return Buffer.concat(parts);
}

/** The trace alone, as JSON text. */
export function traceJson(steps: TraceStep[]): string {
  return withTrace('', steps, '').toString('utf8');
}

/** A response body already serialized to UTF-8 (withTrace's bytes): sent as is. */
export class RawJson {
  constructor(readonly bytes: Buffer) {}
}
