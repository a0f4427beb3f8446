// Reading a new password: one line from a pipe, or typed without echo on a terminal (a PassThrough
// that says it is a TTY and records raw mode, fed the bytes a terminal in raw mode would send).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { promptHidden, readPasswordLine } from './password-input.js';

/** A stand-in terminal: bytes written to it are what the user typed. */
function fakeTerminal(): PassThrough & { isTTY: boolean; rawModes: boolean[]; setRawMode(mode: boolean): void } {
  const rawModes: boolean[] = [];
  return Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes,
    setRawMode(mode: boolean) {
      rawModes.push(mode);
    },
  });
}

function textOutput(): { text: string; write(text: string): void } {
  return {
    text: '',
    write(text: string) {
      this.text += text;
    },
  };
}

function piped(...chunks: (string | Buffer)[]): PassThrough {
  const stream = new PassThrough();
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return stream;
}

describe('readPasswordLine', () => {
  it('reads one line and drops its line end', async () => {
    expect(await readPasswordLine(piped('secret\n'))).toBe('secret');
    expect(await readPasswordLine(piped('secret\r\n'))).toBe('secret');
    expect(await readPasswordLine(piped('secret'))).toBe('secret');
    expect(await readPasswordLine(piped('  spaces kept  \n'))).toBe('  spaces kept  ');
    expect(await readPasswordLine(piped('se', 'cr', 'et\n'))).toBe('secret');
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('pässwörd🔑\n', 'utf8');
    expect(await readPasswordLine(piped(bytes.subarray(0, 2), bytes.subarray(2, 11), bytes.subarray(11)))).toBe('pässwörd🔑');
  });

  it('gives an empty string for empty input or a bare newline', async () => {
    expect(await readPasswordLine(piped())).toBe('');
    expect(await readPasswordLine(piped('\n'))).toBe('');
  });

  it('refuses several lines and more than 1 MiB', async () => {
    await expect(readPasswordLine(piped('one\ntwo\n'))).rejects.toThrow('stdin holds several lines');
    await expect(readPasswordLine(piped('one\n\n'))).rejects.toThrow('stdin holds several lines');
    await expect(readPasswordLine(piped('one\rtwo'))).rejects.toThrow('stdin holds several lines');
    await expect(readPasswordLine(piped(Buffer.alloc(1024 * 1024 + 1, 0x61)))).rejects.toThrow('stdin holds more than 1 MiB');
  });
});

describe('promptHidden', () => {
  it('prompts for each answer on the output, reads them in raw mode and restores the terminal', async () => {
    const terminal = fakeTerminal();
    const output = textOutput();
    const answers = promptHidden(terminal, output, ['Password: ', 'Again: ']);
    terminal.write('first\r');
    terminal.write('second\r');
    expect(await answers).toEqual(['first', 'second']);
    expect(output.text).toBe('Password: \nAgain: \n');
    expect(output.text).not.toContain('first');
    expect(terminal.rawModes).toEqual([true, false]);
    expect(terminal.listenerCount('data')).toBe(0);
    expect(terminal.listenerCount('end')).toBe(0);
    expect(terminal.isPaused()).toBe(true);
  });

  it('takes both answers from one chunk and counts \\r\\n as one line end', async () => {
    const terminal = fakeTerminal();
    const answers = promptHidden(terminal, textOutput(), ['a', 'b']);
    terminal.write('one\r\ntwo\n');
    expect(await answers).toEqual(['one', 'two']);
  });

  it('accepts an empty answer (the caller decides what an empty password means)', async () => {
    const terminal = fakeTerminal();
    const answers = promptHidden(terminal, textOutput(), ['a', 'b']);
    terminal.write('\r\r');
    expect(await answers).toEqual(['', '']);
  });

  it('edits with backspace (DEL or ^H), a whole character at a time', async () => {
    const terminal = fakeTerminal();
    const answers = promptHidden(terminal, textOutput(), ['a', 'b']);
    terminal.write('pass🔑\u007f\u007fs\bx\r');
    terminal.write('\u007f\u007fok\r');
    expect(await answers).toEqual(['pasx', 'ok']);
  });

  it('decodes a character whose UTF-8 bytes arrive in two chunks', async () => {
    const terminal = fakeTerminal();
    const answers = promptHidden(terminal, textOutput(), ['a']);
    const bytes = Buffer.from('é🔑\r', 'utf8');
    terminal.write(bytes.subarray(0, 1));
    terminal.write(bytes.subarray(1, 4));
    terminal.write(bytes.subarray(4));
    expect(await answers).toEqual(['é🔑']);
  });

  it('is cancelled by Ctrl-C, and by Ctrl-D on an empty line only', async () => {
    const interrupted = fakeTerminal();
    const first = promptHidden(interrupted, textOutput(), ['a']);
    interrupted.write('half\u0003');
    await expect(first).rejects.toThrow('cancelled');
    expect(interrupted.rawModes).toEqual([true, false]);

    const endOfFile = fakeTerminal();
    const second = promptHidden(endOfFile, textOutput(), ['a', 'b']);
    endOfFile.write('ab\u0004c\r\u0004');
    await expect(second).rejects.toThrow('cancelled');
    expect(endOfFile.rawModes).toEqual([true, false]);

    const midLine = fakeTerminal();
    const third = promptHidden(midLine, textOutput(), ['a']);
    midLine.write('ab\u0004c\r');
    expect(await third).toEqual(['abc']);
  });

  it('fails when the terminal ends before the answers are in', async () => {
    const terminal = fakeTerminal();
    const answers = promptHidden(terminal, textOutput(), ['a', 'b']);
    terminal.write('one\r');
    terminal.end();
    await expect(answers).rejects.toThrow('stdin ended before the password was entered');
    expect(terminal.rawModes).toEqual([true, false]);
  });

  it('refuses a stream that is not a terminal', async () => {
    await expect(promptHidden(new PassThrough(), textOutput(), ['a'])).rejects.toThrow('stdin is not a terminal');
    const noRawMode = Object.assign(new PassThrough(), { isTTY: true });
    await expect(promptHidden(noRawMode, textOutput(), ['a'])).rejects.toThrow('stdin is not a terminal');
  });
});
