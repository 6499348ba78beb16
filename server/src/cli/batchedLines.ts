/**
 * Lines for a stream, written together once per turn of the event loop. A busy broker logs three events
 * per request, and stderr to a file or a pipe is written synchronously on Linux: one write per event cost
 * it more CPU than its own answer (BENCHMARKS.md, "The request log"). Whatever is pending is written
 * when the process exits and before Node prints an uncaught exception; `flush()` lets the command's own
 * messages keep their place after the lines before them.
 */
export class BatchedLines {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    process.once('exit', () => this.flush());
    process.once('uncaughtExceptionMonitor', () => this.flush());
  }

  write(line: string): void {
    this.pending.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (!this.pending.length) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.stream.write(text);
  }
}
