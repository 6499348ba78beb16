/** ecmkit's version, from package.json (bundled by esbuild): `ecmkit --version` and the SARIF tool version. */
export const VERSION: string = (require('../../../package.json') as { version: string }).version;
