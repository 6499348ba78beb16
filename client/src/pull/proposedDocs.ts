// The read-only documents a pull's review shows: the proposed text of the file (and an empty left side when
// the file does not exist yet), under the `ecmkit-pull:` scheme. They live only while the review is open.
import * as vscode from 'vscode';

export const SCHEME = 'ecmkit-pull';

class ProposedDocs implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A document holding `text`, named like `fileName` (so it gets the file's language), and its disposal. */
  add(fileName: string, label: string, text: string): { uri: vscode.Uri; dispose(): void } {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${label}/${fileName}`, query: String(++this.next) });
    this.texts.set(uri.toString(), text);
    return { uri, dispose: () => this.texts.delete(uri.toString()) };
  }
}

let docs: ProposedDocs | undefined;

/** The one provider, registered on first use and disposed with the extension. */
export function proposedDocs(ctx: vscode.ExtensionContext): ProposedDocs {
  if (!docs) {
    const made = new ProposedDocs();
    ctx.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, made), { dispose: () => { if (docs === made) docs = undefined; } });
    docs = made;
  }
  return docs;
}
