// The error for a malformed password or ACL file: it names the file and the line, like a compiler;
// and reading such a file so that an fs error names it too.
import { readFile } from 'node:fs/promises';

/** A problem at one line of a password or ACL file; the message reads `<source>:<line>: <reason>`. */
export class AccessFileError extends Error {
  override readonly name = 'AccessFileError';

  constructor(
    readonly source: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}: ${reason}`);
  }
}

/** The lines of a file's text without a byte-order mark or carriage returns, numbered from 1. */
export function numberedLines(text: string): { line: number; text: string }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((content, index) => ({ line: index + 1, text: content.endsWith('\r') ? content.slice(0, -1) : content }));
}

/**
 * Reads the UTF-8 text of the file at `path`. An fs error keeps its code and carries `path` even
 * where Node leaves it out (reading a directory gives EISDIR without one).
 */
export async function readAccessFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    if (failure.code !== undefined && failure.path === undefined) {
      failure.path = path;
      failure.message = `${failure.message} '${path}'`;
    }
    throw error;
  }
}
