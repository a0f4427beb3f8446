// Adds up the JSON reports vitest wrote in every workspace (test-results/vitest*.json) and prints
// one closing line, "Tests: N passed, N failed, N skipped"; exits 1 if any test or run failed, or none ran.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
// A run can fail with no failed test (a failing hook marks its tests skipped, an import error has
// no tests): vitest then writes success: false. Such reports are named on their own line.
const unsuccessful = [];
for (const group of ['apps', 'packages', 'tests']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const results = join(dir, name, 'test-results');
    if (!existsSync(results)) continue;
    for (const file of readdirSync(results).filter((entry) => /^vitest.*\.json$/.test(entry))) {
      const json = JSON.parse(readFileSync(join(results, file), 'utf8'));
      passed += json.numPassedTests;
      failed += json.numFailedTests;
      skipped += json.numPendingTests + json.numTodoTests;
      if (json.success === false) unsuccessful.push(join(group, name, 'test-results', file));
    }
  }
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (unsuccessful.length > 0) console.log(`Unsuccessful runs (failed hooks, files or suites): ${unsuccessful.join(', ')}`);
process.exit(failed > 0 || passed === 0 || unsuccessful.length > 0 ? 1 : 0);
