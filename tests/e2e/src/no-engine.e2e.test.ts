// Requirement 5: a container test with no Docker engine to talk to fails, with a message that says
// what is wrong and how to fix it; it never passes or skips. Proven on the real suite: the port
// exposure file is run by a nested vitest whose DOCKER_HOST points at a socket nobody listens on.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '@gateway/service-kit/testing';
import { describe, expect, test } from 'vitest';
import { DOCKER_UNREACHABLE, requireDockerEngine } from './fixtures/docker-engine.js';
import { e2eDir } from './fixtures/environment.js';

interface VitestJsonReport {
  readonly numTotalTests: number;
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
  readonly testResults: readonly { readonly message?: string; readonly assertionResults: readonly { readonly failureMessages: readonly string[] }[] }[];
}

describe('without a Docker engine', () => {
  test('requireDockerEngine names the cause and the script that starts an engine', async () => {
    const previous = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      await expect(requireDockerEngine()).rejects.toThrow(`${DOCKER_UNREACHABLE} (DOCKER_HOST=unix:///nonexistent/docker.sock)`);
    } finally {
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
    }
  });

  test('every port exposure test fails with that message: none passes or is skipped, and no image is built', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-e2e-no-engine-'));
    try {
      const report = join(dir, 'report.json');
      const vitest = join(e2eDir, 'node_modules/.bin/vitest');
      const result = await runCommand(vitest, ['run', 'src/port-exposure.e2e.test.ts', '--reporter=json', `--outputFile.json=${report}`], {
        cwd: e2eDir,
        env: { DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}`, GATEWAY_E2E_SKIP_BUILD: '0' },
        timeoutMs: 120_000,
      });
      expect(result.code, result.stderr).toBe(1);
      const json = JSON.parse(await readFile(report, 'utf8')) as VitestJsonReport;
      expect(json.numPassedTests).toBe(0);
      expect(json.numPendingTests + json.numTodoTests).toBe(0);
      expect(json.numFailedTests).toBe(json.numTotalTests);
      expect(json.numTotalTests).toBeGreaterThan(0);
      const messages = json.testResults.flatMap((file) => [file.message ?? '', ...file.assertionResults.flatMap((test) => test.failureMessages)]).join('\n');
      expect(messages).toContain(DOCKER_UNREACHABLE);
      expect(result.stderr + result.stdout).not.toContain('build-images');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
