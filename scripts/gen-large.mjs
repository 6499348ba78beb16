// Writes a large workspace for the scale benchmark (`npm run bench:lsp`) into the git-ignored `large/`:
// 10,000 jump clients, 10,000 Vault endpoints, 50,000 credentials, 5,000 users, as YAML (`large/yaml/`)
// and as JSON (`large/json/`), the same content in both. Deterministic (seeded), so runs compare.
// A handful of deliberate mistakes (case-variant endpoint names, a missing Vault user) keep the
// cross-file rules busy: a clean inventory would publish nothing and measure less.
//   node scripts/gen-large.mjs [--jump-clients N] [--credentials N] [--users N] [--out DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const JUMP = arg('jump-clients', 10_000);
const CREDS = arg('credentials', 50_000);
const USERS = arg('users', 5_000);
const OUT = (() => { const i = args.indexOf('--out'); return path.resolve(i >= 0 ? args[i + 1] : 'large'); })();

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (a) => a[Math.floor(rand() * a.length)];

const DOMAINS = [['corp.example.com', 'CORP'], ['emea.corp.example.com', 'EMEA'], ['apac.corp.example.com', 'APAC']];
const ROLES = ['Rep', 'DBA', 'NetOps', 'Unix', 'Windows', 'Audit', 'Helpdesk', 'Cloud'];
const GROUPS = Array.from({ length: 40 }, (_, i) => ({ name: `Team ${String(i + 1).padStart(2, '0')}`, roles: [ROLES[i % ROLES.length], ROLES[(i * 3 + 1) % ROLES.length]] }));
const ENDPOINT_GROUPS = Array.from({ length: 100 }, (_, i) => ({ name: `Zone ${String(i + 1).padStart(3, '0')}` }));
const POLICIES = Array.from({ length: 60 }, (_, i) => ({
  name: `Policy ${String(i + 1).padStart(2, '0')}`,
  permissions: [
    { principal: `group:${GROUPS[i % GROUPS.length].name}`, actions: ['checkout'] },
    { principal: `role:${ROLES[i % ROLES.length]}`, actions: i % 3 === 0 ? ['checkout', 'modify'] : ['checkout'] },
  ],
}));

const host = (i) => `srv${String(i).padStart(5, '0')}`;
const endpoints = Array.from({ length: JUMP }, (_, i) => {
  const [fqdn] = DOMAINS[i % DOMAINS.length];
  // Every fourth machine is known by FQDN (in PA and in Vault alike), the rest by NetBIOS name.
  const name = i % 4 === 0 ? `${host(i)}.${fqdn}` : host(i).toUpperCase();
  return { name, description: `Server ${i}`, type: i % 5 === 0 ? 'Linux' : 'Windows', network: `Net ${i % 20}`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, groups: [ENDPOINT_GROUPS[i % ENDPOINT_GROUPS.length].name] };
});

const vaultUsers = Array.from({ length: USERS }, (_, i) => {
  const [, nb] = DOMAINS[i % DOMAINS.length];
  const g = GROUPS[i % GROUPS.length].name;
  return { username: `user${String(i).padStart(5, '0')}`, fullName: `User ${i}`, status: 'Active', securityProvider: i % 10 === 9 ? 'CORP' : nb, roles: [ROLES[i % ROLES.length]], groups: [g], email: `user${i}@example.com` };
});

const credentials = Array.from({ length: CREDS }, (_, i) => {
  const shared = i % 50 === 0;
  const ep = endpoints[i % JUMP];
  const [fqdn] = DOMAINS[i % DOMAINS.length];
  return {
    name: `cred-${String(i).padStart(6, '0')}`,
    type: ep.type === 'Linux' ? 'ssh' : pick(['windowsLocal', 'windowsDomain']),
    policy: POLICIES[i % POLICIES.length].name,
    domain: fqdn,
    accessType: shared ? 'Shared' : 'Restricted',
    endpoints: shared ? [] : i % 7 === 0 ? [] : [ep.name],
    endpointGroups: shared ? [] : i % 7 === 0 ? [ENDPOINT_GROUPS[i % ENDPOINT_GROUPS.length].name] : [],
    description: `Account ${i} on ${ep.name}`,
    username: ep.type === 'Linux' ? 'root' : `admin${i % 100}`,
    password: `\${secret:cred-${i}}`,
    checkedOutBy: i % 97 === 0 ? vaultUsers[i % USERS].username : null,
  };
});

const vault = {
  hostname: 'https://vault.example.com',
  domain: 'corp.example.com',
  edition: 'standard',
  securityProviders: DOMAINS.map(([fqdn, nb]) => ({ name: nb, type: 'activeDirectory', fqdn })),
  roles: ROLES.map((name) => ({ name })),
  groups: GROUPS,
  users: vaultUsers,
  endpointGroups: ENDPOINT_GROUPS,
  endpoints,
  credentialPolicies: POLICIES,
  credentials,
};

const pa = {
  site: 'support.example.com',
  securityProviders: [...DOMAINS.map(([fqdn]) => ({ name: fqdn, type: 'activeDirectory' })), { name: 'local', type: 'local' }],
  users: vaultUsers.map((u, i) => ({ username: u.username, email: u.email, securityProvider: i % 10 === 9 ? 'local' : DOMAINS[i % DOMAINS.length][0] })),
  jumpClients: endpoints.map((e, i) => ({ name: e.name, hostname: `${host(i)}.${DOMAINS[i % DOMAINS.length][0]}`, os: e.type === 'Linux' ? 'linux' : 'windows', credentialInjection: i % 11 !== 10 })),
};
// The deliberate mistakes: a few case variants and a PA user Vault does not have.
for (let i = 3; i < JUMP; i += Math.floor(JUMP / 8)) pa.jumpClients[i].name = pa.jumpClients[i].name.toLowerCase();
pa.users.push({ username: 'contractor01', email: 'contractor01@example.com', securityProvider: 'corp.example.com' });

const ecm = {
  name: 'ecm-01', host: '10.20.0.15', site: 'support.example.com', port: 443,
  clientId: '4b1d7c2e-9a0f-4d61-8e3b-5f2a1c9d0e74', clientSecret: '${secret:ecm-01.clientSecret}', plugin: 'vault',
  vault: {
    hostname: 'https://vault.example.com', sharedKey: '${secret:vault.sharedKey}', integration: 'ecm-integration',
    includeUnavailableCredentials: false, enableDomainMatching: false, defaultSecurityProvider: 'CORP',
    securityProviderMappings: DOMAINS.map(([f, n]) => `${f}=${n}`),
  },
};
const integration = {
  name: 'ecm-integration', description: 'ECM access', status: 'Active', authentication: 'application',
  authenticationCredential: '${secret:vault.sharedKey}', allowedIps: ['10.20.0.15'], checkoutReason: 'PA credential injection',
  checkoutRequestTime: 1, justification: 'Used by the ECM', skipWorkflowJustification: 'Injection must not wait',
};

// ——— YAML writer: block style for lists of records (as an export would write them), flow for short lists.
const PLAIN = /^[A-Za-z_][\w .@/-]*$/;
const WORDS = /^(true|false|null|yes|no|on|off|~)$/i;
const y = (v) => {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  return PLAIN.test(v) && !WORDS.test(v) && !/ $/.test(v) && !/: /.test(v) ? v : JSON.stringify(v);
};
const flowList = (a) => `[${a.map(y).join(', ')}]`;
function yamlRecord(o, indent) {
  const pad = ' '.repeat(indent);
  return Object.entries(o).map(([k, v], i) => {
    const lead = i === 0 ? `${pad}- ` : `${pad}  `;
    if (Array.isArray(v) && v.length && typeof v[0] === 'object') {
      return `${lead}${k}:\n${v.map((x) => yamlRecord(x, indent + 4)).join('\n')}`;
    }
    return `${lead}${k}: ${Array.isArray(v) ? flowList(v) : y(v)}`;
  }).join('\n');
}
const yamlFlowRecord = (o, indent) => `${' '.repeat(indent)}- { ${Object.entries(o).map(([k, v]) => `${k}: ${Array.isArray(v) ? flowList(v) : y(v)}`).join(', ')} }`;
function toYaml(doc, flowKeys = []) {
  return Object.entries(doc).map(([k, v]) => {
    if (Array.isArray(v) && v.length && typeof v[0] === 'object') {
      const flow = flowKeys.includes(k);
      return `${k}:\n${v.map((x) => (flow ? yamlFlowRecord(x, 2) : yamlRecord(x, 2))).join('\n')}`;
    }
    if (Array.isArray(v)) return `${k}: ${flowList(v)}`;
    if (v && typeof v === 'object') return `${k}:\n${Object.entries(v).map(([k2, v2]) => `  ${k2}: ${Array.isArray(v2) ? flowList(v2) : y(v2)}`).join('\n')}`;
    return `${k}: ${y(v)}`;
  }).join('\n') + '\n';
}

const files = { 'corp.vault': vault, 'site.pa': pa, 'prod.ecm': ecm, 'ecm.integration': integration };
for (const variant of ['yaml', 'json']) mkdirSync(path.join(OUT, variant), { recursive: true });
for (const [name, doc] of Object.entries(files)) {
  // Endpoints, users and jump clients one per line (flow), credentials and policies as block records.
  writeFileSync(path.join(OUT, 'yaml', `${name}.yaml`), toYaml(doc, ['securityProviders', 'roles', 'groups', 'users', 'endpointGroups', 'endpoints', 'jumpClients']));
  writeFileSync(path.join(OUT, 'json', `${name}.json`), JSON.stringify(doc, null, 2) + '\n');
}
const size = (variant, name) => (Buffer.byteLength(variant === 'json' ? JSON.stringify(files[name], null, 2) : toYaml(files[name])) / 1e6).toFixed(1);
console.log(`large workspace in ${path.relative(process.cwd(), OUT) || '.'}: ${JUMP} jump clients, ${JUMP} endpoints, ${CREDS} credentials, ${USERS} users`);
console.log(`  Vault inventory: ${size('json', 'corp.vault')} MB as JSON, ${size('yaml', 'corp.vault')} MB as YAML (block style)`);
