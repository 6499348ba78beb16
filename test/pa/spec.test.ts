// Every answer the PA sandbox gives, validated against the vendor's OpenAPI spec (test/fixtures/vendor/):
// bodies against the response schemas of the operations ecmkit reads, with no field the schema does not
// declare; the paging and rate-limit headers against theirs; errors against the documented error shapes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { OpenApi } from '../support/openapi';
import { paWorkspace, sandboxOn } from './helpers';
import type { PaSandbox } from '../../server/src/pa/sandbox';

const RICH = `site: support.example.com
securityProviders:
  - { name: Corp AD, type: ldap, fqdn: corp.example.com }
  - { name: emea.corp.example.com, type: activeDirectory }
  - { name: local, type: local }
  - { name: RADIUS, type: radius }
  - { name: Kerberos, type: kerberos }
  - { name: Okta, type: saml }
  - { name: Entra, type: scim }
users:
${Array.from({ length: 12 }, (_, i) => `  - { username: user${i}, email: user${i}@example.com, securityProvider: ${['Corp AD', 'local', 'Okta'][i % 3]}, enabled: ${i % 5 !== 0} }`).join('\n')}
  - { username: noemail, securityProvider: RADIUS }
jumpGroups:
  - { name: Servers, ecmGroup: "2" }
  - { name: Lab }
jumpClients:
  - { name: WEB01, hostname: WEB01, fqdn: web01.corp.example.com, os: windows, credentialInjection: true, jumpGroup: Servers }
  - { name: db01, hostname: db01, os: linux, jumpGroup: Lab }
  - { name: MAC-7, os: macos }
  - { name: bare }
apiAccounts:
  - { name: ECM prod, clientId: 4b1d0c55e2a94d7e9f0a1b2c3d4e5f60, enabled: true, ecmAccess: true, ecmGroup: "2", ipAddresses: [10.20.0.15, 10.20.0.16] }
  - { name: Reporting, clientId: r2, enabled: false }
`;

describe('PA sandbox answers match the vendor spec', () => {
  const api = new OpenApi();
  let sb: PaSandbox;
  let token: string;
  const call = async (path: string, o: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}) => {
    const res = await request(new URL(path, sb.url), { method: o.method ?? 'GET', headers: { accept: 'application/json', ...(token && !o.headers?.authorization ? { authorization: `Bearer ${token}` } : {}), ...o.headers }, body: o.body, dispatcher: agent });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  let agent: import('undici').Agent;

  before(async () => {
    sb = await sandboxOn(paWorkspace(RICH), { perSecond: 1000 });
    const { Agent } = await import('undici');
    agent = new Agent({ connect: { ca: sb.caPem } });
    const basic = Buffer.from(`${sb.clientId}:${sb.clientSecret}`).toString('base64');
    const t = await call('/oauth2/token', { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    assert.equal(t.status, 200);
    assert.deepEqual(Object.keys(t.body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(t.body.token_type, 'Bearer');
    assert.equal(t.body.expires_in, 3600);
    token = t.body.access_token;
  });
  after(async () => { await agent.close(); await sb.close(); });

  const lists: [string, string][] = [
    ['/security-provider', 'SecurityProvider'], ['/user', 'User'], ['/jump-group', 'JumpGroup'], ['/jump-client', 'JumpClient'], ['/api-account', 'ApiAccount'],
  ];

  for (const [route, name] of lists) {
    it(`GET ${route}: every page and item as the spec says, paged with Link and X-BT-Pagination-*`, async () => {
      const schema = api.responseSchema('GET', route, 200);
      let url: string | undefined = `/api/config/v1${route}?per_page=5`;
      let pages = 0;
      let total = 0;
      while (url) {
        const r = await call(url);
        assert.equal(r.status, 200, url);
        assert.deepEqual(api.errors(schema, r.body), [], `${url} body`);
        for (const item of r.body) assert.deepEqual(api.undeclared(`#/components/schemas/${name}`, item), [], `${route} item ${item.id} has fields the spec does not declare`);
        for (const h of ['X-BT-Pagination-Current-Page', 'X-BT-Pagination-Per-Page', 'X-BT-Pagination-Last-Page', 'X-BT-Pagination-Total']) {
          const v = Number(r.headers[h.toLowerCase()]);
          assert.deepEqual(api.errors(api.headerSchema(h), v), [], `${h}: ${r.headers[h.toLowerCase()]}`);
        }
        assert.equal(Number(r.headers['x-bt-pagination-current-page']), pages + 1);
        const link = String(r.headers.link);
        assert.match(link, /<https:\/\/127\.0\.0\.1:\d+\/api\/config\/v1[^>]*>; rel="first"/);
        assert.match(link, /; rel="last"/);
        assert.ok(Number(r.headers['x-ratelimit-remaining']) >= 0 && Number(r.headers['x-ratelimit-limit']) === 15000);
        pages++;
        total += r.body.length;
        const next = /<([^>]*)>; rel="next"/.exec(link)?.[1];
        url = next ? new URL(next).pathname + new URL(next).search : undefined;
      }
      assert.equal(total, Number((await call(`/api/config/v1${route}`)).headers['x-bt-pagination-total']));
      assert.equal(pages, Math.max(1, Math.ceil(total / 5)));
    });
  }

  it('GET /{resource}/{id}: the type-specific security providers (LDAP with its base DN) and each item', async () => {
    const providers = (await call('/api/config/v1/security-provider')).body as { id: number; type: string }[];
    const byType: Record<string, string> = { ldap: 'LDAPSecurityProvider', local: 'LocalSecurityProvider', radius: 'RadiusSecurityProvider', kerberos: 'KerberosSecurityProvider', saml: 'SAMLSecurityProvider', scim: 'SCIMSecurityProvider' };
    assert.deepEqual([...new Set(providers.map((p) => p.type))].sort(), Object.keys(byType).sort());
    for (const p of providers) {
      const r = await call(`/api/config/v1/security-provider/${p.id}`);
      assert.equal(r.status, 200);
      // The spec's oneOf cannot tell these apart (LocalSecurityProvider accepts any of them), so each answer
      // is checked against the branch its own `type` names.
      const schema = `#/components/schemas/${byType[p.type]}`;
      assert.deepEqual(api.errors(schema, r.body), [], `provider ${p.id}`);
      assert.deepEqual(api.undeclared(schema, r.body), [], `provider ${p.id}`);
      const oneOf = api.responseSchema('GET', '/security-provider/{id}', 200).oneOf as { $ref: string }[];
      assert.ok(oneOf.some((s) => s.$ref === schema));
    }
    const ldap = (await call(`/api/config/v1/security-provider/${providers[0].id}`)).body;
    assert.equal(ldap.search_base_dn, 'OU=Users,DC=corp,DC=example,DC=com');
    for (const [route, name] of lists.slice(1)) {
      const first = (await call(`/api/config/v1${route}?per_page=5`)).body[0];
      const r = await call(`/api/config/v1${route}/${first.id}`);
      assert.deepEqual(api.errors(api.responseSchema('GET', `${route}/{id}`, 200), r.body), []);
      assert.deepEqual(r.body, first);
    }
  });

  it('errors: 404 and 422 as documented, 401 for an unknown query parameter or a bad token, OAuth errors at /oauth2/token', async () => {
    const nf = await call('/api/config/v1/user/999');
    assert.equal(nf.status, 404);
    assert.deepEqual(api.errors(api.responseSchema('GET', '/user/{id}', 404), nf.body), []);
    const bad = await call('/api/config/v1/user?per_page=1000');
    assert.equal(bad.status, 422);
    assert.deepEqual(api.errors(api.responseSchema('GET', '/user/{id}', 422), bad.body), []);
    const unknown = await call('/api/config/v1/user?colour=blue');
    assert.equal(unknown.status, 401);
    assert.deepEqual(api.errors('#/components/schemas/ErrorMessageResponse', unknown.body), []);
    const filtered = await call('/api/config/v1/user?username=USER3');
    assert.deepEqual(filtered.body.map((u: { username: string }) => u.username), ['user3']);
    const noToken = await call('/api/config/v1/user', { headers: { authorization: 'Bearer nope' } });
    assert.equal(noToken.status, 401);
    assert.deepEqual(api.errors('#/components/schemas/OAuthErrorResponse', noToken.body), []);
    assert.equal(noToken.body.error, 'access_denied');
    const wrong = await call('/oauth2/token', { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${sb.clientId}:wrong`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(api.errors('#/components/schemas/OAuthErrorResponse', wrong.body), []);
    assert.equal(wrong.body.error, 'invalid_client');
    const grant = await call('/oauth2/token', { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${sb.clientId}:${sb.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' });
    assert.equal(grant.status, 400);
    assert.deepEqual(api.errors('#/components/schemas/OAuthErrorResponse', grant.body), []);
    const noAccept = await request(new URL('/api/config/v1/user', sb.url), { headers: { authorization: `Bearer ${token}` }, dispatcher: agent });
    assert.equal(noAccept.statusCode, 406, 'Accept: application/json is required');
    await noAccept.body.text();
    sb.setConfigurationPermission(false);
    const forbidden = await call('/api/config/v1/user');
    sb.setConfigurationPermission(true);
    assert.equal(forbidden.status, 403);
    assert.deepEqual(api.errors('#/components/schemas/ErrorMessageResponse', forbidden.body), []);
  });
});

describe('PA sandbox rate limit', () => {
  it('answers 429 with Retry-After past 20 requests in a second, and X-RateLimit-* on every answer', async () => {
    const sb = await sandboxOn(paWorkspace('site: a.example.com\nusers: []\n'), { perHour: 25 });
    const { Agent } = await import('undici');
    const agent = new Agent({ connect: { ca: sb.caPem } });
    try {
      const basic = Buffer.from(`${sb.clientId}:${sb.clientSecret}`).toString('base64');
      const t = await request(new URL('/oauth2/token', sb.url), { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials', dispatcher: agent });
      const token = ((await t.body.json()) as { access_token: string }).access_token;
      const hit = async () => {
        const r = await request(new URL('/api/config/v1/user', sb.url), { headers: { accept: 'application/json', authorization: `Bearer ${token}` }, dispatcher: agent });
        await r.body.text();
        return { status: r.statusCode, remaining: r.headers['x-ratelimit-remaining'], retry: r.headers['retry-after'] };
      };
      const burst = await Promise.all(Array.from({ length: 24 }, hit));
      const ok = burst.filter((b) => b.status === 200);
      const limited = burst.filter((b) => b.status === 429);
      assert.equal(ok.length, 20);
      assert.equal(limited.length, 4);
      assert.ok(limited.every((b) => b.retry === '1' && b.remaining !== undefined));
      assert.equal(Math.min(...ok.map((b) => Number(b.remaining))), 5);
      await new Promise((r) => setTimeout(r, 1100));
      const more = [];
      for (let i = 0; i < 6; i++) more.push(await hit());
      assert.deepEqual(more.map((m) => m.status), [200, 200, 200, 200, 200, 429]);
      assert.ok(Number(more[5].retry) > 3000, 'past the hourly budget, Retry-After says when the hour turns');
      assert.equal(more[5].remaining, '0');
    } finally {
      await agent.close();
      await sb.close();
    }
  });
});

describe('the spec validator itself', () => {
  it('catches what it must (so a passing sandbox means something)', () => {
    const api = new OpenApi();
    assert.deepEqual(api.errors(api.responseSchema('GET', '/jump-client', 200), [{ id: 1, name: 'x' }]), ["/0 must have required property 'jump_group_id'"]);
    assert.equal(api.errors('#/components/schemas/JumpGroup', { id: 1, name: 'a', comments: null }).length, 0, 'nullable is honoured');
    assert.equal(api.errors('#/components/schemas/JumpClient', { jump_group_id: 1, session_policy_id: 'x' }).length, 1);
    assert.deepEqual(api.undeclared('#/components/schemas/LDAPSecurityProvider', { id: 1, type: 'ldap', search_base_dn: 'x', invented: 1 }), ['invented']);
    assert.deepEqual(api.undeclared('#/components/schemas/User', { id: 1, password: 'x' }), ['password'], 'a writeOnly field must not be answered');
  });
});
