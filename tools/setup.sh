#!/usr/bin/env bash
# Everything `npm start` and `npm test` need beyond `npm install`, on a fresh Debian machine:
# the Debian packages (Prosody, Chromium, libkrb5-dev) and the real VS Code (code-server with
# Node 24) in .tools/. Runs as the `prestart`/`pretest` npm hooks; idempotent and quiet when
# everything is already there, so a warm run costs well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/apt-deps.sh
bash tools/setup-vscode.sh
