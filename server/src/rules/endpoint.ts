import { crossIndex, patchedKeys } from '../domain/crossIndex';
import { Memo } from '../domain/memo';
import type { PaJumpClient } from '../model/inventory';
import { eachItem, has, MAX_RELATED, names, occRange, relatedAt, relatedOcc } from './crossHelpers';
import type { WorkspaceRule } from './types';
import { unknownName } from './causes';

/**
 * `endpoint/name-mismatch`, `endpoint/not-in-vault`: the ECM asks Vault for credentials of the endpoint
 * named exactly as PA shows the jump client. A case, whitespace or NetBIOS↔FQDN variant finds nothing.
 * Skipped for jump clients without injection, and when every Vault inventory is Vault Go! (no endpoints).
 */
const inexact = new Memo<number[]>();

/** Jump client indexes by exact name, cached on the list. */
const byNameCache = new WeakMap<object, Map<string, number[]>>();
function jumpClientsByName(list: unknown[]): Map<string, number[]> {
  let m = byNameCache.get(list);
  if (!m) {
    const map = new Map<string, number[]>();
    eachItem<PaJumpClient>(list, (jc, i) => { if (typeof jc.name === 'string') map.set(jc.name, [...(map.get(jc.name) ?? []), i]); });
    byNameCache.set(list, (m = map));
  }
  return m;
}

export const endpointRule: WorkspaceRule = {
  reads: ['pa', 'vault'],
  check(ws, report) {
    const index = crossIndex(ws);
    if (!index.endpointVaults.length) return;
    const home = index.endpointVaults[0];
    const deps = index.declMaps('endpoint');
    for (const pa of index.pas) {
      // Which jump clients have no exact Vault endpoint: kept while the jump clients and endpoints are unchanged.
      const list = pa.value.jumpClients;
      const lacks = (jc: PaJumpClient): boolean => typeof jc.name === 'string' && !!jc.name.trim() && jc.credentialInjection !== false && !index.has('endpoint', jc.name);
      const missing = Array.isArray(list) ? inexact.get(list, deps, (prev) => {
        // Vault endpoints renamed, added or removed by an edit: only the jump clients of those names change.
        const changed = prev?.deps.length === 1 && deps.length === 1 ? patchedKeys('endpoint', prev.deps[0], deps[0]) : undefined;
        if (prev && changed) {
          const out = new Set(prev.value);
          const byName = jumpClientsByName(list);
          for (const name of changed) for (const i of byName.get(name) ?? []) { if (lacks(list[i] as PaJumpClient)) out.add(i); else out.delete(i); }
          return [...out].sort((a, b) => a - b);
        }
        const out: number[] = [];
        eachItem<PaJumpClient>(list, (jc, i) => { if (lacks(jc)) out.push(i); });
        return out;
      }) : [];
      for (const i of missing) {
        const jc = (pa.value.jumpClients as PaJumpClient[])[i];
        const name = jc.name as string;
        const path = ['jumpClients', i, 'name'];
        const variants = index.endpointVariants(name, jc.hostname);
        if (variants.length) {
          const target = variants[0];
          report({
            uri: pa.file.uri,
            code: 'endpoint/name-mismatch',
            range: pa.file.rangeAt(path),
            message: `Vault has no endpoint named exactly \`${name}\`, only ${names(variants.map((v) => v.name))}: the ECM asks for the name PA shows, so no Restricted credential is injected here. Rename the Vault endpoint (and the credentials that list it) to \`${name}\`, or the jump client to \`${target.name}\`.`,
            related: variants.slice(0, MAX_RELATED).map((v) => relatedOcc(v, `Vault endpoint ${v.name}`)),
            data: { jumpClient: name, endpoint: target.name, endpointUri: target.file.uri, endpointRange: occRange(target) },
            cause: { key: unknownName('endpoint', name), noun: 'reference', subject: `jump client \`${name}\`` },
          });
        } else {
          const near = index.nearName('endpoint', name);
          report({
            uri: pa.file.uri,
            code: 'endpoint/not-in-vault',
            range: pa.file.rangeAt(path),
            message: near
              ? `Vault has no endpoint named \`${name}\`: did you mean \`${near}\`? The ECM asks for the name PA shows and finds no Restricted credential for this jump client. Rename the Vault endpoint to \`${name}\`, or add endpoint \`${name}\` (or set \`credentialInjection: false\` if it needs none).`
              : `Vault has no endpoint named \`${name}\` (nor any similar name): the ECM finds no Restricted credential for this jump client. Add endpoint \`${name}\` to the Vault inventory, or set \`credentialInjection: false\` if it needs none.`,
            cause: { key: unknownName('endpoint', name), noun: 'reference', subject: `jump client \`${name}\`` },
            related: [relatedAt(home.file, has(home.file, ['endpoints']) ? ['endpoints'] : [], 'endpoints of the Vault inventory', 'key')],
            data: { jumpClient: name, vaultUri: home.file.uri, os: typeof jc.os === 'string' ? jc.os : undefined },
          });
        }
      }
    }
  },
};
