/** The commands of the core bundle (launcher.ts): no network, so no undici or node-forge to load. */
export const CORE_COMMANDS: readonly (string | undefined)[] = ['check', 'lsp'];
