#!/usr/bin/env bash
# Builds the presence extension as a Debian package for Debian's PHP 8.2 (Debian 12, or Ubuntu with
# the same php8.2 packages), with dpkg-deb:
#
#   tools/package/make-deb.sh [DEST_DIR]    -> DEST_DIR/php8.2-presence_<version>_<arch>.deb (default: dist/)
#
# It holds presence.so in PHP's extension directory (php-config --extension-dir) and presence.ini in
# /etc/php/8.2/mods-available/, and enables the module for every SAPI on installation the way
# Debian's own PHP extension packages do (php-maintscript-helper: `phpenmod presence`); removing it
# disables it, purging it removes the ini. Restart PHP-FPM after installing.
#
# Uses target/release/libpresence.so (built with `cargo build --release` when missing).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dest=${1:-$repo/dist}
php_version=8.2
so=$repo/target/release/libpresence.so

command -v php-config >/dev/null || { echo "make-deb: php-config not found (apt-get install php$php_version-dev)" >&2; exit 1; }
if [[ ! -f $so ]]; then
	(cd "$repo" && cargo build --release)
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
arch=$(dpkg --print-architecture)
ext_dir=$(php-config --extension-dir)
php_api=$(basename "$ext_dir")
package=php$php_version-presence

root=$(mktemp -d)
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT
install -D -m 0644 "$so" "$root$ext_dir/presence.so"
strip --strip-unneeded "$root$ext_dir/presence.so"
install -d "$root/etc/php/$php_version/mods-available" "$root/usr/share/doc/$package" "$root/DEBIAN"
cat >"$root/etc/php/$php_version/mods-available/presence.ini" <<'INI'
; The presence extension: who is online in WordPress, in shared memory.
; priority=20
extension=presence.so

; Size of the shared segment (256K ... 64G). 32M holds about 60 000 entries.
presence.shm_size=32M
; Largest encoded state; 32K fits every state the WordPress plugin accepts.
presence.max_state_bytes=32K
; Seconds an entry lives without a refresh.
;presence.default_ttl=150
; The segment file. Every process using the same path shares one table: give each site that does
; not trust the others its own (per pool: php_admin_value[presence.shm_path] = ...). Default:
; /dev/shm/presence-v<layout>-<uid>.seg, one per user and layout version.
;presence.shm_path=/run/presence/site.seg
INI
cat >"$root/usr/share/doc/$package/copyright" <<'TXT'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: presence

Files: *
Copyright: the presence contributors
License: GPL-2+
 On Debian systems, the complete text of the GNU General Public License version 2 can be found
 in /usr/share/common-licenses/GPL-2.
TXT
echo "/etc/php/$php_version/mods-available/presence.ini" >"$root/DEBIAN/conffiles"

# Enabled for every SAPI on installation, disabled on removal, its links gone on purge.
cat >"$root/DEBIAN/postinst" <<SH
#!/bin/sh
set -e
if [ "\$1" = configure ] && [ -e /usr/lib/php/php-maintscript-helper ]; then
	. /usr/lib/php/php-maintscript-helper
	php_invoke enmod $php_version ALL presence || exit 1
fi
SH
cat >"$root/DEBIAN/prerm" <<SH
#!/bin/sh
set -e
if [ "\$1" = upgrade ] && [ -e /usr/lib/php/php-maintscript-helper ]; then
	. /usr/lib/php/php-maintscript-helper
	php_invoke dismod $php_version ALL presence || exit 1
fi
SH
cat >"$root/DEBIAN/postrm" <<SH
#!/bin/sh
set -e
if [ "\$1" = remove ] && [ -e /usr/lib/php/php-maintscript-helper ]; then
	. /usr/lib/php/php-maintscript-helper
	php_invoke dismod $php_version ALL presence || exit 1
fi
if [ "\$1" = purge ]; then
	# Links to presence.ini that phpenmod made and that outlived the package.
	find /etc/php/$php_version -xtype l 2>/dev/null | while read -r link; do
		if [ "\$(basename "\$(readlink -m "\$link")")" = presence.ini ]; then
			rm -f "\$link"
		fi
	done
	rm -f /var/lib/php/modules/$php_version/*/enabled_by_maint/presence /var/lib/php/modules/$php_version/*/disabled_by_maint/presence
fi
SH
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

cat >"$root/DEBIAN/control" <<CONTROL
Package: $package
Version: $version
Architecture: $arch
Section: php
Priority: optional
Maintainer: The presence contributors <presence@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: php$php_version-common, phpapi-$php_api, libc6
Provides: php-presence
Description: real-time presence for WordPress in PHP's shared memory
 The presence PHP extension keeps who is online, and on which screen, in one
 file-backed shared-memory table that every PHP process of the machine sees
 (every php-fpm worker, WP-CLI, cron), with expiry and crash-safe locking.
 The Presence WordPress plugin uses it when it is loaded.
CONTROL

mkdir -p "$dest"
deb=$dest/${package}_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "make-deb: $deb ($(stat -c %s "$deb") bytes)"
