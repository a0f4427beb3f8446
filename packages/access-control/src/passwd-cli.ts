#!/usr/bin/env node
// The gateway-passwd executable: runs the command line in src/passwd-command.ts on the real stdio.
import { runPasswd } from './passwd-command.js';

process.exitCode = await runPasswd(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
