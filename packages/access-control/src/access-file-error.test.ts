// The file-and-line error of password and ACL files, how their lines are numbered, and reading them
// so that an fs error names the file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessFileError, numberedLines, readAccessFile } from './access-file-error.js';

describe('AccessFileError', () => {
  it('reads <source>:<line>: <reason> and keeps each part', () => {
    const error = new AccessFileError('/etc/gw/acl', 7, 'unknown keyword "topc"');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AccessFileError');
    expect(error.message).toBe('/etc/gw/acl:7: unknown keyword "topc"');
    expect(error).toMatchObject({ source: '/etc/gw/acl', line: 7, reason: 'unknown keyword "topc"' });
  });
});

describe('numberedLines', () => {
  it('numbers lines from 1, drops carriage returns before line ends and a leading byte-order mark', () => {
    expect(numberedLines('\uFEFFa\r\nb\n\nc\r')).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: '' },
      { line: 4, text: 'c' },
    ]);
    expect(numberedLines('')).toEqual([{ line: 1, text: '' }]);
    expect(numberedLines('a\rb')).toEqual([{ line: 1, text: 'a\rb' }]);
  });
});

describe('readAccessFile', () => {
  it('reads UTF-8 text, and fs errors name the path even for a directory', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'access-file-'));
    try {
      const path = join(directory, 'acl');
      await writeFile(path, 'topic read Zoë/#\n');
      expect(await readAccessFile(path)).toBe('topic read Zoë/#\n');
      await expect(readAccessFile(join(directory, 'absent'))).rejects.toMatchObject({ code: 'ENOENT', path: join(directory, 'absent') });
      const error: unknown = await readAccessFile(directory).catch((failure: unknown) => failure);
      expect(error).toMatchObject({ code: 'EISDIR', path: directory });
      expect((error as Error).message).toContain(directory);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
