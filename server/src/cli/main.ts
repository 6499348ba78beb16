import { UsageError } from './args';
import { VERSION } from './version';

const USAGE = `Usage: ecmkit <command> [options]

Commands:
  check [PATH…] [--workspace DIR] [--format text|json|sarif] [--rule CODE=SEVERITY] [--rules FILE] [--max-file-size MB]
                      Check ECM, integration, Vault and PA files (default: the current folder).
                      Exit 0: no errors; 1: errors found; 2: usage or I/O failure.
  vault-test ECM_FILE [--ca PEM] [--timeout MS] [--user RUNAS] [--tls-only] [--format text|json]
                      Test the ECM's connection to its Vault, stage by stage.
  sandbox [--workspace DIR] [--port N] [--pa | --pa-only] [--pa-port N]
                      Serve a sandbox Vault built from the workspace's files; --pa also the PA
                      site's Configuration API from its PA file (--pa-only: that alone).
  broker [--workspace DIR] [--ecm FILE] [--port N] [--sandbox]
                      Run the local broker that plays the ECM.
  pull pa --site URL --client-id ID [--ca PEM] [--out FILE] [--check] [--timeout MS]
                      Read the PA site's Configuration API into the PA file (secret: env
                      ECMKIT_PA_CLIENT_SECRET). --check: print the differences, write nothing.
                      Exit 0: written or no differences; 1: differences (--check); 2: failure.
  pull vault --vault URL --user RUNAS [--ca PEM] [--out FILE] [--check] [--grants none|per-user] [--timeout MS]
                      Read the Vault (Password Safe API v3) into the Vault file (key: env
                      ECMKIT_VAULT_KEY). --grants per-user: also what each active user may request.
  lsp --stdio         Run the language server.
`;

type Command = (args: string[]) => Promise<number>;

/** The USAGE lines of one command: its synopsis and the description under it. */
function usageOf(name: string): string {
  const out: string[] = [];
  let on = false;
  for (const l of USAGE.split('\n')) {
    if (/^  \S/.test(l)) on = l.startsWith(`  ${name} `) || l === `  ${name}`; // `pull pa` and `pull vault` both
    if (on) out.push(l);
  }
  return out.join('\n').trim() + '\n';
}

/**
 * Defined by the build (scripts/build.mjs): true in the core bundle, which holds check and the language
 * server but not the networked commands — their undici and node-forge are half the code, which every
 * start would read. dist/cli.js (launcher.ts) sends those commands to the full bundle.
 */
declare global { var ECMKIT_CORE_BUNDLE: boolean | undefined }

/** Subcommands load lazily, so `ecmkit check` does not pay for the broker's code. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  // The core bundle's commands: CORE_COMMANDS (coreCommands.ts).
  check: async () => (await import('./check')).run,
  lsp: async () => (await import('../server')).run,
  ...(globalThis.ECMKIT_CORE_BUNDLE ? {} : {
    'vault-test': async () => (await import('./vaultTest')).run,
    sandbox: async () => (await import('./sandbox')).run,
    broker: async () => (await import('./broker')).run,
    pull: async () => (await import('./pull')).run,
  }),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`ecmkit: unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  if (name !== 'broker' && (rest.includes('--help') || rest.includes('-h'))) { // broker has its own, longer help
    process.stdout.write(`Usage: ecmkit ${usageOf(name)}`);
    return 0;
  }
  // `ecmkit check | head`: the reader went away; what is left to write has no one to read it.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`ecmkit ${name}: cannot write the output (${e.code ?? e.message}).\n`); // e.g. a full disk
    process.exit(2);
  });
  try {
    return await (await load())(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ecmkit ${name}: ${err.message}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.path) {
      const verb = e.syscall === 'mkdir' || e.syscall === 'mkdtemp' ? 'create' : /^(open|read|stat|lstat|scandir|realpath)$/.test(e.syscall ?? 'open') ? 'read' : 'write';
      process.stderr.write(`ecmkit ${name}: cannot ${verb} ${e.path} (${e.code}).\n`);
      return 2;
    }
    process.stderr.write(`ecmkit ${name}: ${e.message}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { if (code !== -1) process.exitCode = code; },
    (err) => { process.stderr.write(`ecmkit: ${err?.message ?? err}\n`); process.exitCode = 2; },
  );
}
