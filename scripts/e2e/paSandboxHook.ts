// `npm start` runs the PA sandbox (the site's Configuration API, from examples/site.pa.yaml) beside the
// sandbox Vault. Its client secret is the user's ECMKIT_PA_CLIENT_SECRET when set, else a random one for
// this session only; code-server's environment carries it (and the site URL, client id and CA) to the
// editor and the terminals it opens, so `ecmkit pull pa --site "$ECMKIT_PA_SANDBOX_URL" --client-id
// "$ECMKIT_PA_CLIENT_ID" --ca "$ECMKIT_PA_SANDBOX_CA"` works there as it is. The secret is never printed.
import { randomBytes } from 'node:crypto';
import { startPaSandbox } from '../../server/src/pa/sandbox';
import { PA_SECRET_ENV } from '../../server/src/pa/site';
import type { StartHook } from './startHooks';

export const paSandboxHook: StartHook = {
  name: 'PA sandbox',
  async start({ workspace }) {
    const secret = process.env[PA_SECRET_ENV] || randomBytes(24).toString('base64url');
    const sb = await startPaSandbox({ workspace, clientId: process.env.ECMKIT_PA_CLIENT_ID || undefined, clientSecret: secret });
    return {
      info: [`PA sandbox: ${sb.url} (client id ${sb.clientId}); in the editor's terminal: ecmkit pull pa --site "$ECMKIT_PA_SANDBOX_URL" --client-id "$ECMKIT_PA_CLIENT_ID" --ca "$ECMKIT_PA_SANDBOX_CA" --check`],
      env: { [PA_SECRET_ENV]: secret, ECMKIT_PA_CLIENT_ID: sb.clientId, ECMKIT_PA_SANDBOX_URL: sb.url, ECMKIT_PA_SANDBOX_CA: sb.caPath },
      stop: () => sb.close(),
    };
  },
};
