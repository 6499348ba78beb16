// Child-process output, line by line: shared by the Vault and broker process units (no vscode import).

/** Calls `line` for each line a child writes to `stream` (stderr, stdout), the last one even without a newline. */
export function pipeLines(stream: NodeJS.ReadableStream | null, line: (s: string) => void): void {
  let buf = '';
  // Decoded by the stream, so a character split between two reads (→, é) arrives whole.
  stream?.setEncoding('utf8');
  stream?.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      line(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream?.on('end', () => { if (buf) line(buf); });
}
