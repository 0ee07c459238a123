#!/usr/bin/env bash
# Installs the extension's .deb into this machine's PHP, checks that PHP loads it (`php --ri
# presence`) for the CLI and for PHP-FPM, then purges it and checks that the machine is as it was:
# no presence.ini enabled in any /etc/php/8.2/*/conf.d, no presence.so, a CLI PHP without the
# extension (what the plugin suite's database runs rely on).
#
#   tools/package/check-deb.sh DEB
#
# Refuses to run (exit 3) when the package is installed already or some PHP configuration of the
# machine loads the extension already: it would not leave that as it found it. Root only.
set -euo pipefail
deb=${1:?usage: check-deb.sh DEB}
package=php8.2-presence
php_conf=/etc/php/8.2

fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }
enabled_links() { find "$php_conf" -path '*/conf.d/*' -xtype l -o -path '*/conf.d/*' -type l 2>/dev/null | while read -r link; do
	[[ $(basename "$(readlink -m "$link")") == presence.ini ]] && echo "$link"; done; true; }

if [[ $(dpkg-query -W -f '${Status}' "$package" 2>/dev/null || true) == 'install ok installed' ]]; then
	echo "check-deb: $package is installed on this machine already: not touching it" >&2
	exit 3
fi
# (Whole outputs are captured before grep: `grep -q` closing a pipe early fails it under pipefail.)
modules=$(php -m 2>/dev/null || true)
if grep -qx presence <<<"$modules" || [[ -n $(enabled_links) ]]; then
	echo "check-deb: this machine's PHP loads presence already: not touching it" >&2
	exit 3
fi

segment=$(mktemp -u /dev/shm/presence-check-deb-XXXXXX)
purge() {
	dpkg --purge "$package" >/dev/null 2>&1 || true
	rm -f "$segment"
}
trap purge EXIT

dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
[[ -f $php_conf/mods-available/presence.ini ]] || fail "no $php_conf/mods-available/presence.ini"
ext_dir=$(php-config --extension-dir)
[[ -f $ext_dir/presence.so ]] || fail "no $ext_dir/presence.so"
for sapi in cli fpm; do
	if [[ -d $php_conf/$sapi/conf.d ]]; then
		[[ -L $php_conf/$sapi/conf.d/20-presence.ini ]] || fail "phpenmod did not enable presence for $sapi"
	fi
done
info=$(php -d "presence.shm_path=$segment" --ri presence) || fail "php --ri presence: the CLI does not load it"
grep -q 'presence support => enabled' <<<"$info" || fail "php --ri presence: $info"
grep -q 'presence.max_state_bytes => 32768' <<<"$info" || fail "presence.ini's settings are not in force: $info"
echo "check-deb: installed; php --ri presence:"
while IFS= read -r line; do
	echo "  $line"
done <<<"$info"
if command -v php-fpm8.2 >/dev/null; then
	fpm_modules=$(php-fpm8.2 -m 2>/dev/null) || fail "php-fpm8.2 -m"
	grep -qx presence <<<"$fpm_modules" || fail "php-fpm8.2 -m does not list presence"
	echo "check-deb: php-fpm8.2 loads it too"
fi

dpkg --purge "$package" >/dev/null || fail "dpkg --purge $package"
trap - EXIT
rm -f "$segment"
[[ -z $(enabled_links) ]] || fail "links to presence.ini left after purge: $(enabled_links)"
[[ ! -e $php_conf/mods-available/presence.ini && ! -e $ext_dir/presence.so ]] || fail "files left after purge"
php -r 'exit(extension_loaded("presence") ? 1 : 0);' || fail "the CLI PHP still loads presence after purge"
echo "check-deb: purged; this machine's PHP is as it was (no presence in $php_conf)"
