/**
 * Custom LSP requests and notifications shared by the server and the VS Code client; the one place
 * their names and shapes are defined.
 */
export namespace Requests {
  /** Re-check every file of the workspace now (e.g. after a settings change the client saw first). */
  export const recheck = 'ecmkit/recheck';
}

export namespace Notifications {
  /** Server → client: a short status line for the status bar (files indexed, errors). */
  export const status = 'ecmkit/status';
  export interface StatusParams {
    files: number;
    errors: number;
    warnings: number;
  }
}
