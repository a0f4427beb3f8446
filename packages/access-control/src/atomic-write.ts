// Replacing a file atomically: write a private temporary file beside it, flush it, rename it over.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes `text` to `path` so that readers see the old file or the new one, never half of it. The new
 * file has `mode` (0600 unless told otherwise) whatever the old one had.
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    // Name the file the caller asked for, not our temporary one (the CLI prints `<path>: no such file`).
    const failure = error as NodeJS.ErrnoException;
    if (failure.path === temporary) failure.path = path;
    throw error;
  }
}
