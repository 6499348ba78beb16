import type { FileRule } from './types';
import { unknownVaultProvider } from './causes';
import { mappingLines, type MappingLine } from '../domain/mappingLines';

const FQDN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;
/** Whether the left side of a mapping line is a domain FQDN (else `mapping/syntax`). */
export const isMappingFqdn = (s: string): boolean => FQDN.test(s);
// NetBIOS names: up to 15 characters, none of \ / : * ? " < > | and no dots or spaces.
const NETBIOS_BAD = /[\\/:*?"<>|.\s,=]/;

/** `mapping/syntax`, `mapping/netbios-invalid`, `mapping/duplicate`: one diagnostic per offending line. */
export const mappingsRule: FileRule = {
  kinds: ['ecm'],
  // Mappings live under `vault`, never inside a top-level list item.
  checkPath() {},
  check(file, report) {
    const seen = new Map<string, MappingLine>();
    for (const line of mappingLines(file)) {
      if (line.folded) {
        report({ code: 'mapping/syntax', range: line.range, message: 'YAML folds a plain value written over several lines into one line, so these mappings run together: write `securityProviderMappings: |` (a literal block) and keep one `fqdn=NETBIOS` per line under it.' });
        continue;
      }
      if (!line.fqdn || !line.netbios) {
        report({ code: 'mapping/syntax', range: line.range, message: `\`${line.text}\` is not a mapping: write one \`fqdn=NETBIOS\` per line, e.g. \`corp.example.com=CORP\`.` });
        continue;
      }
      if (!isMappingFqdn(line.fqdn)) {
        report({ code: 'mapping/syntax', range: line.fqdnRange!, message: `\`${line.fqdn}\` is not a domain FQDN: write the AD domain as PA reports it, e.g. \`corp.example.com\`.` });
        continue;
      }
      if (line.netbios.length > 15 || NETBIOS_BAD.test(line.netbios)) {
        report({
          code: 'mapping/netbios-invalid',
          range: line.netbiosRange!,
          message: line.netbios.length > 15
            ? `NetBIOS name \`${line.netbios}\` has ${line.netbios.length} characters; NetBIOS names have at most 15. Use the domain's pre-Windows 2000 name.`
            : `NetBIOS name \`${line.netbios}\` contains characters NetBIOS does not allow (\\ / : * ? " < > | . or spaces).`,
          // Users of this domain are then looked up under a provider Vault cannot have: this is why.
          rootOf: unknownVaultProvider(line.netbios),
        });
      }
      const key = line.fqdn.toLowerCase();
      const first = seen.get(key);
      if (first) {
        report({
          code: 'mapping/duplicate',
          range: line.range,
          message: `\`${line.fqdn}\` is mapped twice (first to \`${first.netbios}\`): keep one line.`,
          related: [{ uri: file.uri, range: first.range, message: 'first mapping of this domain' }],
        });
      } else seen.set(key, line);
    }
  },
};
