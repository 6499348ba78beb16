import { constants } from 'node:buffer';
import { promises as fs } from 'node:fs';

/**
 * A file's text, as `fs.readFile(file, 'utf8')` gives it (less a byte-order mark: see decode), read and
 * decoded in one piece. `fs.readFile` reads 512 KB at a time, each piece a round trip through the event
 * loop: while the server parsed one file, a 20 MB inventory being read beside it waited ~40 times for the
 * parse to finish; one read of the whole file runs on the I/O thread from start to end. (The `'utf8'` form
 * also decodes into a rope that the first parse copies again.)
 */
export async function readText(file: string): Promise<string> {
  return (await readTextUpTo(file, Infinity)).text;
}

/** What a file too large to check keeps of its text: enough for the diagnostic that says so. */
export const HEAD_BYTES = 4096;

/**
 * Like readText, but a file of more than `maxChars` characters whatever its bytes hold (more than 3 bytes of
 * UTF-8 per UTF-16 unit is impossible), or longer than V8's longest string, is not read whole: `text` is
 * its first HEAD_BYTES and `bytes` its size.
 * A 600 MB file would otherwise take 600 MB of buffer and fail as a string longer than V8 allows.
 */
export async function readTextUpTo(file: string, maxChars: number): Promise<{ text: string; bytes?: number }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > 3 * maxChars || size > constants.MAX_STRING_LENGTH) {
      const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return { text: decode(head.subarray(0, bytesRead)), bytes: size };
    }
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break; // shrank since the stat: what is there is the file
      filled += bytesRead;
    }
    // Grew since the stat (being written): read it the ordinary way.
    if (filled === size && (await handle.read(Buffer.alloc(1), 0, 1, size)).bytesRead > 0) return { text: decode(await fs.readFile(file)) };
    return { text: decode(bytes.subarray(0, filled)) };
  } finally {
    await handle.close();
  }
}

/**
 * The text as VS Code shows it: UTF-8, without the byte-order mark Windows tools write (JSON.parse
 * refuses it, and the editor's copy has none, so offsets would differ by one); UTF-16 when its BOM says so.
 */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.toString('utf8', 3);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le', 2);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2))).swap16().toString('utf16le');
  return bytes.toString('utf8');
}
