#!/usr/bin/env bash
# Builds the Debian package with dpkg-deb alone (no debhelper):
#   /usr/bin/candor                              the binary (release, Swift standard library static)
#   /usr/share/candor/Templates, docs/openapi.json
#   /usr/share/candor/settings.default.json      copied to /var/lib/candor/settings.json by postinst if none is there
#   /lib/systemd/system/candor.service           the README's unit and hardening
#   DEBIAN/postinst prerm postrm                 the candor system user, /var/lib/candor and /etc/candor/keys 0700; data never removed
#
#   scripts/make-deb.sh [--binary PATH] [--out DIR]   (default: .build/release/candor, .build/deb)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=.build/release/candor
out=.build/deb
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: scripts/make-deb.sh [--binary PATH] [--out DIR]" >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] || { echo "no executable $binary: run make release" >&2; exit 1; }
version=$(git describe --tags --always 2>/dev/null | sed 's/^v//; s/[^A-Za-z0-9.+~]/./g')
case "$version" in [0-9]*) ;; *) version="0.0~git$version" ;; esac
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/candor/docs" "$root/lib/systemd/system" "$root/usr/share/doc/candor"
install -m 0755 "$binary" "$root/usr/bin/candor"
cp -r Templates "$root/usr/share/candor/Templates"
install -m 0644 docs/openapi.json "$root/usr/share/candor/docs/openapi.json"
install -m 0644 docs/configuration.md "$root/usr/share/doc/candor/configuration.md"
install -m 0644 packaging/debian/candor.service "$root/lib/systemd/system/candor.service"
# The default settings, as `candor init` writes them (in a throwaway folder).
scratch=$(mktemp -d)
printf 'package-default-settings-password\n' > "$scratch/pw"
"$binary" init --data "$scratch/data" --keys "$scratch/keys" --admin packager --password-file "$scratch/pw" \
  --recovery-key-out "$scratch/recovery.key" >/dev/null 2>&1 </dev/null
install -m 0644 "$scratch/data/settings.json" "$root/usr/share/candor/settings.default.json"
rm -rf "$scratch"
for f in postinst prerm postrm; do install -m 0755 "packaging/debian/$f" "$root/DEBIAN/$f"; done
find "$root/usr/share/candor" -type d -exec chmod 0755 {} +
find "$root/usr/share/candor" -type f -exec chmod 0644 {} +
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: candor
Version: $version
Architecture: $arch
Maintainer: Candor maintainers <candor@localhost>
Installed-Size: $size
Depends: libc6, libssl3 | libssl3t64, libsqlite3-0, passwd
Section: web
Priority: optional
Homepage: https://localhost/candor
Description: confidential whistleblowing gateway (举报平台)
 Candor takes reports over the web and the Tor onion service, seals them under keys only
 the department's readers hold, and keeps a chained audit log. The package installs the
 binary, the templates, a hardened systemd unit, and makes the candor user with its data
 (/var/lib/candor) and key (/etc/candor/keys) folders at 0700. Removing it keeps the data.
CONTROL
mkdir -p "$out"
deb="$out/candor_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "$deb"
