// `npm start` runs the sandbox Vault beside the editor, served from the opened examples/. Its key is the
// user's ECMKIT_SECRET_VAULT_SHAREDKEY when set, else a random one for this session only; the editor gets
// it (and where the sandbox listens) through code-server's environment, so "Test Vault Connectivity"
// against the sandbox works without storing anything. The key is never printed.
import { randomBytes } from 'node:crypto';
import { startSandbox } from '../../server/src/vault/sandbox';
import { secretEnvName } from '../../server/src/model/secrets';
import type { StartHook } from './startHooks';

export const sandboxHook: StartHook = {
  name: 'sandbox Vault',
  async start({ workspace }) {
    const envName = secretEnvName('vault.sharedKey');
    const key = process.env[envName] || randomBytes(24).toString('base64url');
    const sb = await startSandbox({ workspace, apiKey: key });
    return {
      info: [`Sandbox Vault: ${sb.url} (CA ${sb.caPath}); in the editor: "ecmkit: Test Vault Connectivity" → the sandbox Vault.`],
      env: { [envName]: key, ECMKIT_SANDBOX_URL: sb.url, ECMKIT_SANDBOX_CA: sb.caPath, ECMKIT_SANDBOX_FOLDER: workspace },
      stop: () => sb.close(),
    };
  },
};
