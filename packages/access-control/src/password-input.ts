// Reading a new password for the CLI: one line from stdin (--password-stdin), or typed twice on a
// terminal without echo.
import { StringDecoder } from 'node:string_decoder';

/** Standard input as the CLI needs it: a stream, which on a terminal can be put in raw mode. */
export interface PasswordInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Where prompts go. */
export interface TextOutput {
  write(text: string): unknown;
}

/** More than any password; stdin beyond this is a mistake (a file piped in by accident). */
const MAX_STDIN_BYTES = 1024 * 1024;

/** Reads all of `input` as one line: a trailing newline (`\n` or `\r\n`) is dropped; more lines are an error. */
export async function readPasswordLine(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_STDIN_BYTES) throw new Error('stdin holds more than 1 MiB: expected one line with the password');
    chunks.push(bytes);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (/[\r\n]/.test(text)) throw new Error('stdin holds several lines: expected one line with the password');
  return text;
}

/**
 * Asks each of `prompts` in turn on a terminal and reads the answers without echoing them. Backspace
 * edits; Ctrl-C, or Ctrl-D on an empty line, cancels.
 */
export function promptHidden(terminal: PasswordInput, output: TextOutput, prompts: readonly string[]): Promise<string[]> {
  if (terminal.setRawMode === undefined || terminal.isTTY !== true) return Promise.reject(new Error('stdin is not a terminal'));
  const setRawMode = (mode: boolean): void => {
    terminal.setRawMode?.(mode);
  };
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    const decoder = new StringDecoder('utf8');
    let current = '';
    let afterCarriageReturn = false;

    const finish = (error?: Error): void => {
      terminal.off('data', onData);
      terminal.off('end', onEnd);
      setRawMode(false);
      terminal.pause();
      if (error) reject(error);
      else resolve(answers);
    };
    const endLine = (): boolean => {
      output.write('\n');
      answers.push(current);
      current = '';
      const next = prompts[answers.length];
      if (next === undefined) return true;
      output.write(next);
      return false;
    };
    const onData = (chunk: Buffer | string): void => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const char of text) {
        const skip = afterCarriageReturn && char === '\n';
        afterCarriageReturn = char === '\r';
        if (skip) continue;
        if (char === '\r' || char === '\n') {
          if (endLine()) return finish();
        } else if (char === '\u0003' || (char === '\u0004' && current === '')) {
          output.write('\n');
          return finish(new Error('cancelled'));
        } else if (char === '\u007f' || char === '\b') {
          current = current.replace(/[\s\S]$/u, ''); // the last code point, a whole surrogate pair
        } else if (char !== '\u0004') {
          current += char;
        }
      }
    };
    const onEnd = (): void => finish(new Error('stdin ended before the password was entered'));

    setRawMode(true);
    output.write(prompts[0] ?? '');
    terminal.on('data', onData);
    terminal.on('end', onEnd);
    terminal.resume();
  });
}
