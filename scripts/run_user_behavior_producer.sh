#!/usr/bin/env bash
# Run the user-behavior-producer CLI, passing every flag through.
# Uses the project's Node 24 (node_modules/.bin/node) when installed, else `node` on PATH.
set -euo pipefail

# Resolved through links, so a link to this script elsewhere works too.
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "${here}/.." && pwd)"

node_bin="${root}/node_modules/.bin/node"
if [[ ! -x "${node_bin}" ]]; then
  node_bin="node"
fi

exec "${node_bin}" "${root}/dist/src/cli/main.js" "$@"
