#!/usr/bin/env bash
# Installs the Debian packages the tests use, only when one is missing.
set -euo pipefail
packages=(prosody lua-event lua-unbound lua-readline chromium libkrb5-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian starts a system Prosody on install; the tests run their own on free ports.
if pgrep -x prosody >/dev/null 2>&1 && [ -f /etc/init.d/prosody ]; then /etc/init.d/prosody stop >/dev/null 2>&1 || true; fi
