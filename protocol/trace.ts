// The trace of one injection: a step for each decision the ECM makes and each credential it leaves out
// (docs/broker-api.md#the-trace). The engine writes it, the broker serves it, the editor shows it.

/** A 0-based LSP-style range; structurally the same as vscode-languageserver-types' Range. */
export interface Range { start: { line: number; character: number }; end: { line: number; character: number } }

/** A link from a trace step to the file and range it depends on (where to look or what to change). */
export interface SourceRef { uri: string; range: Range }

export type Outcome = 'pass' | 'drop' | 'fail';

/**
 * Stable step names: `ecm`, `jump-client`, `provider`, `identity`, `sign-in`, `user`, `email`,
 * `endpoint`, `credential` (one per credential considered), `others` (a summary of unrelated ones in a
 * large inventory), `result`; the broker adds `vault-sign-in`, `vault-query`, `cross-check`.
 */
export interface TraceStep {
  step: string;
  outcome: Outcome;
  detail: string;
  /** The file and range this step depends on. */
  source?: SourceRef;
  /** For `credential` steps: the credential's name. */
  credential?: string;
}

/** One credential as the find answer lists it. */
export interface CredentialAnswer { id: string; name: string; username: string; type: string; available: boolean }

/** The find answer (broker) and the simulation (files alone): the credentials and why. */
export interface FindAnswer {
  credentials: CredentialAnswer[];
  trace: TraceStep[];
  /** The ECM that served the request and the identity it signed in as. */
  ecm?: string;
  runAs?: string;
  /** Set when the injection stopped early (its trace says where). */
  error?: ErrorBody['error'];
}

/** Every broker error answer (docs/broker-api.md#errors). */
export interface ErrorBody { error: { code: string; message: string }; trace?: TraceStep[] }

/**
 * A step's detail in pieces: plain text and `code` (a detail quotes the file's own text, such as a mapping
 * line, between backticks). The Simulate view shows the code pieces as code.
 */
export function detailPieces(detail: string): { text: string; code: boolean }[] {
  // split() puts what the group caught at the odd places: those are the code pieces.
  return detail.split(QUOTED).map((p, i) => (i % 2 ? { text: p.slice(1, -1), code: true } : { text: p, code: false })).filter((p) => p.text);
}
const QUOTED = /(`[^`\n]+`)/;

/** A step's detail as plain text (logs, the Debug Console): the backticks dropped. */
export function plainDetail(detail: string): string {
  // detailPieces' texts joined, without making the pieces (a busy broker logs every step of every answer).
  return detail.includes('`') ? detail.replace(QUOTED_ALL, '$1') : detail;
}
const QUOTED_ALL = /`([^`\n]+)`/g;
