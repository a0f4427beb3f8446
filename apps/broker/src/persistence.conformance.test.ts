// Runs aedes-persistence's abstract conformance suite against the broker's LevelDB persistence. The suite is
// written for node:test (and vitest's realm changes how structuredClone treats Buffers), so it runs in a child node.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const suite = `
const test = require('node:test');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const abstractPersistence = require('aedes-persistence/abstract');
const levelPersistence = require('aedes-persistence-level');
const { Level } = require('level');
const root = mkdtempSync(join(tmpdir(), 'broker-conformance-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
abstractPersistence({ test, persistence: () => levelPersistence(new Level(join(root, String(++count)))) });
`;

describe('aedes-persistence-level', () => {
  it('passes the aedes-persistence abstract suite', () => {
    const result = spawnSync(process.execPath, ['--test-reporter=tap', '--input-type=commonjs', '--eval', suite], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 120_000,
    });
    const failures = result.stdout.split('\n').filter((line) => line.startsWith('not ok'));
    expect(failures, result.stderr).toEqual([]);
    expect(result.stdout).toMatch(/^# pass [1-9]\d*$/m);
    expect(result.status).toBe(0);
  });
});
