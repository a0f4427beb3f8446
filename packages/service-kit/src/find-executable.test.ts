import { describe, expect, it } from 'vitest';
import { findExecutable } from './find-executable.js';

describe('findExecutable', () => {
  it('finds a program on PATH, and one in the sbin directories without them on PATH', () => {
    expect(findExecutable('sh')).toMatch(/^\/.*\/sh$/);
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      // Every Debian system has /sbin/ldconfig (libc-bin, essential).
      expect(findExecutable('ldconfig')).toMatch(/^\/(usr\/)?sbin\/ldconfig$/);
      expect(findExecutable('sh')).toMatch(/^\/(usr\/)?bin\/sh$/);
    } finally {
      if (path === undefined) delete process.env['PATH'];
      else process.env['PATH'] = path;
    }
  });

  it('says when there is none', () => {
    expect(findExecutable('no-such-program-here')).toBeUndefined();
  });
});
