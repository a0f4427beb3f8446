// Where the firewall tests run their commands from: the repository root (infra/firewall/... paths).
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
