import type { ParsedFile } from '../model/document';
import type { FileRule, Report } from './types';

/** `vault/https-required`: the ECM's `vault.hostname` and the inventory's `hostname` must be https URLs. */
export const vaultUrlRule: FileRule = {
  kinds: ['ecm', 'vault'],
  // The hostnames are top-level fields, never inside a list item.
  checkPath() {},
  check(file, report) {
    checkUrl(file, file.kind === 'ecm' ? ['vault', 'hostname'] : ['hostname'], report);
  },
};

function checkUrl(file: ParsedFile, path: string[], report: Report): void {
  const { node, depth } = file.at(path);
  if (depth !== path.length || !node || node.type !== 'string') return; // missing or mistyped: schema rules say so
  const problem = httpsProblem(node.value as string);
  if (problem) report({ code: 'vault/https-required', range: file.nodeRange(node), message: problem });
}

/** Why a string is not a usable Vault URL, or undefined when it is one. */
export function httpsProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return /^[\w.-]+$/.test(value)
      ? `The Vault hostname must be an https URL: write \`https://${value}\`.`
      : 'The Vault hostname must be an https URL such as `https://vault.example.com`.';
  }
  if (url.protocol !== 'https:') return `The ECM only talks to Vault over TLS: change \`${url.protocol}//\` to \`https://\`.`;
  if (!url.hostname) return 'The Vault URL has no host name.';
  if (url.username || url.password) return 'Remove the user name and password from the Vault URL; the ECM signs in with the shared key.';
  return undefined;
}
