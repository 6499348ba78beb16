/**
 * A find answer explains every credential, so its trace is most of the body (tens of KB in a large
 * inventory). The files' steps are the same objects from one request to the next (the broker caches the
 * resolution), so each is serialized once and reused; only the Vault steps are new each time.
 */
import type { TraceStep } from '../engine/injection';

const cache = new WeakMap<TraceStep, string>();

export function traceJson(steps: TraceStep[]): string {
  let out = '[';
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    let j = cache.get(s);
    if (j === undefined) cache.set(s, (j = JSON.stringify(s)));
    out += (i ? ',' : '') + j;
  }
  return out + ']';
}
