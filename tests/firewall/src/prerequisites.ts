// Checks up front what the firewall tests need (root, `ip`, `nft`, optionally `ufw`) and fails
// with one message that says what is missing and how to get it: these tests never skip silently.
import { findExecutable } from '@gateway/service-kit';

export interface FirewallTools {
  readonly ip: string;
  readonly nft: string;
  readonly ufw?: string;
}

const ensureTools = 'bash infra/firewall/ensure-tools.sh (installs them with apt)';

export function requireFirewallTools({ ufw = false }: { ufw?: boolean } = {}): FirewallTools {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) {
    problems.push('they must run as root: they create network namespaces (ip netns add) and load firewall rules inside them; run them as root (e.g. sudo -E pnpm test)');
  }
  const packages: Record<string, string> = { ip: 'iproute2', nft: 'nftables', ufw: 'ufw' };
  const wanted = ufw ? ['ip', 'nft', 'ufw'] : ['ip', 'nft'];
  const found = new Map(wanted.map((name) => [name, findExecutable(name)]));
  const missing = wanted.filter((name) => found.get(name) === undefined);
  if (missing.length > 0) {
    problems.push(`missing ${missing.map((name) => `\`${name}\` (Debian package ${packages[name] ?? name})`).join(', ')}: run ${ensureTools}`);
  }
  if (problems.length > 0) {
    throw new Error(`The host firewall tests cannot run: ${problems.join('; ')}.`);
  }
  const ipPath = found.get('ip');
  const nftPath = found.get('nft');
  const ufwPath = found.get('ufw');
  if (ipPath === undefined || nftPath === undefined) throw new Error('unreachable: tools checked above');
  return ufwPath === undefined ? { ip: ipPath, nft: nftPath } : { ip: ipPath, nft: nftPath, ufw: ufwPath };
}
