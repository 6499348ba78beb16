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
  check(ws: Workspace, report: Report): void;
  /**
   * Builds, while the server is idle after a check, what this rule's handling of the next edit would
   * otherwise build on that keystroke (the CLI never calls it).
   */
  prepareForEdits?(ws: Workspace): void;
}
