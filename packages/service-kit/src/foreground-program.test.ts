import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startProgram } from './foreground-program.js';

describe('foreground programs', () => {
  it('reports the output of a program that exits instead of listening', async () => {
    const program = startProgram('sh', ['-c', 'echo "bad config on line 3" >&2; exit 1']);
    try {
      await expect(program.listening([1])).rejects.toThrow(/sh did not start: bad config on line 3/);
    } finally {
      await program.stop('SIGTERM');
    }
  });

  it('waits for the ports, then stops the program with the signal given', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const program = startProgram('sleep', ['30']);
    try {
      await program.listening([port]);
      expect(program.pid).toBeGreaterThan(0);
    } finally {
      await program.stop('SIGTERM');
      server.close();
    }
    expect(program.child.signalCode).toBe('SIGTERM');
  });
});
