import { describe, expect, it } from 'vitest';
import { programsMissing } from './missing-programs.js';

describe('programsMissing', () => {
  it('names what is missing and the apt-get line', () => {
    expect(programsMissing([], 'x needs NGINX', 'nginx')).toBeUndefined();
    expect(programsMissing(['nginx'], 'x needs NGINX', 'nginx libnginx-mod-stream')).toBe(
      "x needs NGINX, but nginx is not installed. Install Debian's packages: apt-get install -y nginx libnginx-mod-stream",
    );
    expect(programsMissing(['mosquitto', 'nginx'], 'x', 'p')).toMatch(/mosquitto, nginx are not installed/);
  });
});
