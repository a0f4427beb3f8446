// What the benchmark says when Debian's programs it starts (Mosquitto, NGINX) are not installed.

/** `needs`, then what of it is missing and the apt-get line for `packages`; undefined when nothing is missing. */
export function programsMissing(missing: readonly string[], needs: string, packages: string): string | undefined {
  if (missing.length === 0) return undefined;
  return `${needs}, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed. Install Debian's packages: apt-get install -y ${packages}`;
}
