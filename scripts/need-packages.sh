#!/usr/bin/env bash
# Installs the Debian packages whose files are missing. Arguments: pairs of FILE PACKAGE.
# Runs apt-get update once, first, and only when something is missing.
set -euo pipefail
missing=()
while [ $# -ge 2 ]; do
  [ -e "$1" ] || missing+=("$2")
  shift 2
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing missing packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
