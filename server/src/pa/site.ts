/** The PA site named by `--site`: `https://host[:port]` (or just the host), its API base and token URL. */
import { PaError } from './errors';

export const API_PATH = '/api/config/v1/';
/** Where the CLI reads the API account's OAuth client secret (never a flag, never printed). */
export const PA_SECRET_ENV = 'ECMKIT_PA_CLIENT_SECRET';

export interface PaSite {
  origin: string;
  /** host[:port], the file's `site`. */
  host: string;
  apiBase: URL;
  tokenUrl: URL;
}

export function paSite(site: string): PaSite {
  const text = site.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new PaError('config', `"${site}" is not a site URL; give --site like https://support.example.com.`);
  }
  if (url.protocol !== 'https:') throw new PaError('config', `The site URL ${url.origin} is not https; the Configuration API is served over https only.`);
  if (url.username || url.password) throw new PaError('config', 'The site URL must not carry a user name or password.');
  if (!url.hostname) throw new PaError('config', `"${site}" names no host.`);
  return { origin: url.origin, host: url.host, apiBase: new URL(API_PATH, url.origin), tokenUrl: new URL('/oauth2/token', url.origin) };
}
