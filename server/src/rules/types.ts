import type { Range } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import type { FileKind } from '../model/fileKind';
import type { JsonPath } from '../model/tree';
import type { Workspace } from '../model/workspace';
import type { RuleCode } from './codes';

export interface Related {
  uri: string;
  range: Range;
  message: string;
}

/** What a rule reports; severity comes from the code's default or the user's override. */
export interface Finding {
  uri: string;
  code: RuleCode;
  range: Range;
  message: string;
  related?: Related[];
  /** Extra facts a quick fix needs (never a secret value). */
  data?: Record<string, unknown>;
  /**
   * One of many findings with one cause (docs/rules.md#one-mistake-one-finding): the engine reports the
   * cause's root once — the finding with `rootOf` equal to `cause.key`, else the first of them — and counts
   * the others in it ("affects 1,500 PA users, e.g. …"); they are dropped, or kept as hints (`keep`).
   */
  cause?: Cause;
  /** This finding is the root of the cause with this key. */
  rootOf?: string;
}

export interface Cause {
  key: string;
  /** What each dependent is, for the count: "PA user", "reference", "Restricted credential". */
  noun: string;
  /** This dependent's subject, for the example: "`jdoe`". */
  subject: string;
  /** Keep dependents as hints (detail out of the Problems panel) instead of dropping them. */
  keep?: 'hint';
}

export type Report = (finding: Omit<Finding, 'uri'> & { uri?: string }) => void;

/** A rule that looks at one file alone. */
export interface FileRule {
  kinds: readonly FileKind[];
  check(file: ParsedFile, report: Report): void;
  /**
   * Checks only the subtree at `path` (an item of a top-level list), reporting exactly what `check`
   * reports inside it. After an edit of one item of a large inventory, the engine re-checks that item
   * alone and keeps the other findings (engine/check.ts). A rule without it makes the engine check
   * the whole file.
   */
  checkPath?(file: ParsedFile, path: JsonPath, report: Report): void;
}

/** A rule that looks across files; it may report on any file of the workspace. */
export interface WorkspaceRule {
  /**
   * Every file kind the rule reads. While a file of one of them does not parse, the rule does not run:
   * nothing is concluded from what could be read of it (docs/rules.md#one-mistake-one-finding).
   */
  reads: readonly FileKind[];
  check(ws: Workspace, report: Report): void;
  /**
   * Builds, while the server is idle after a check, what this rule's handling of the next edit would
   * otherwise build on that keystroke (the CLI never calls it).
   */
  prepareForEdits?(ws: Workspace): void;
}
