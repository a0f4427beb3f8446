// writeFileAtomic on a real temporary directory: new and replaced files, the mode, no leftovers, and
// readers that only ever see a whole file.
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atomic-write-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates a file with mode 0600 by default and leaves no temporary file', async () => {
    const path = join(directory, 'passwd');
    await writeFileAtomic(path, 'alice:x\n');
    expect(await readFile(path, 'utf8')).toBe('alice:x\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(directory)).toEqual(['passwd']);
  });

  it('replaces an existing file and gives it the new mode whatever the old one had', async () => {
    const path = join(directory, 'passwd');
    await writeFile(path, 'old contents that are longer than the new ones\n');
    await chmod(path, 0o644);
    await writeFileAtomic(path, 'new\n');
    expect(await readFile(path, 'utf8')).toBe('new\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeFileAtomic(path, 'group readable\n', 0o640);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(directory)).toEqual(['passwd']);
  });

  it('fails with the fs error and removes its temporary file when the rename fails', async () => {
    const path = join(directory, 'a-directory');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    const error: unknown = await writeFileAtomic(path, 'text').catch((failure: unknown) => failure);
    expect((error as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST)$/);
    expect((error as NodeJS.ErrnoException).path).toBe(path);
    expect(await readdir(directory)).toEqual(['a-directory']);
  });

  it('fails naming the path when the directory does not exist', async () => {
    const path = join(directory, 'missing', 'passwd');
    await expect(writeFileAtomic(path, 'text')).rejects.toMatchObject({ code: 'ENOENT', path });
    expect(await readdir(directory)).toEqual([]);
  });

  it('readers see the old file or the new one, never a mix', async () => {
    const path = join(directory, 'passwd');
    const versions = ['a'.repeat(256 * 1024), 'b'.repeat(128 * 1024)];
    await writeFileAtomic(path, versions[0]!);
    const state = { writing: true };
    const writer = (async () => {
      for (let round = 0; round < 40; round += 1) await writeFileAtomic(path, versions[round % 2]!);
      state.writing = false;
    })();
    let reads = 0;
    while (state.writing) {
      const text = await readFile(path, 'utf8');
      expect(versions).toContain(text);
      reads += 1;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(await readdir(directory)).toEqual(['passwd']);
  });
});
