#!/bin/sh
# Runs a command (npm, pnpm) with the npm registry URL and CA bundle handed to the build as BuildKit
# secrets `npm_registry` and `npm_ca`. They are exported for this one command only: no image layer,
# environment or config file keeps them. Without the secrets the command uses the public registry.
# npm reads npm_config_*; pnpm 11 ignores those and reads pnpm_config_* (checked: with only
# npm_config_registry/npm_config_cafile set, pnpm still used its default registry and failed on the
# CA), so both are set. NODE_EXTRA_CA_CERTS adds the CA to Node's own roots for both tools.
set -eu
if [ -s /run/secrets/npm_registry ]; then
  registry="$(tr -d ' \r\n' </run/secrets/npm_registry)"
  export npm_config_registry="$registry" pnpm_config_registry="$registry"
fi
if [ -s /run/secrets/npm_ca ]; then
  export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca npm_config_cafile=/run/secrets/npm_ca pnpm_config_cafile=/run/secrets/npm_ca
fi
exec "$@"
