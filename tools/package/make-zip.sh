#!/usr/bin/env bash
# Builds the plugin zip a site installs (Plugins → Add New → Upload Plugin), and checks it first:
#
#   tools/package/make-zip.sh [DEST_DIR]     -> DEST_DIR/presence-<version>.zip (default: dist/)
#
# The zip holds one folder, presence/, with only what runs on a site: presence.php, uninstall.php,
# live.php (the live lane's entry point), readme.txt, includes/, assets/ and languages/ (the files git tracks under plugin/). Before
# writing it, the script checks that the plugin header is complete, that readme.txt agrees with it,
# that every PHP file parses, and that languages/presence.pot is current.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dest=${1:-$repo/dist}
cd "$repo/plugin"
command -v zip >/dev/null || { echo "make-zip: zip not found (apt-get install zip)" >&2; exit 1; }

fail() { echo "make-zip: $*" >&2; exit 1; }
header() { sed -n "s/^ \\* $1: *//p" presence.php; }
readme() { sed -n "s/^$1: *//p" readme.txt; }

for field in 'Plugin Name' 'Plugin URI' Description Version 'Requires at least' 'Requires PHP' Author License \
	'License URI' 'Text Domain' 'Domain Path' 'Update URI'; do
	[[ -n $(header "$field") ]] || fail "the plugin header of presence.php lacks '$field'"
done
version=$(header Version)
[[ $(readme 'Stable tag') == "$version" ]] || fail "readme.txt Stable tag ($(readme 'Stable tag')) is not the plugin's Version ($version)"
for field in 'Requires at least' 'Requires PHP'; do
	[[ $(readme "$field") == "$(header "$field")" ]] || fail "readme.txt '$field' differs from the plugin header"
done
grep -q "define( 'WPP_VERSION', '$version' );" presence.php || fail "WPP_VERSION is not $version"
for section in Description Installation 'Frequently Asked Questions' Changelog; do
	grep -q "^== $section ==$" readme.txt || fail "readme.txt has no '== $section ==' section"
done
grep -q "^= $version =$" readme.txt || fail "readme.txt's changelog has no entry for $version"
[[ $(header 'Domain Path') == /languages && -f languages/presence.pot ]] || fail "no languages/presence.pot"
"$repo/tools/package/make-pot.sh" --check >/dev/null

if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git -C "$repo/plugin" ls-files -- presence.php uninstall.php live.php readme.txt includes assets languages)
else
	mapfile -t files < <(find presence.php uninstall.php live.php readme.txt includes assets languages -type f | LC_ALL=C sort)
fi
for file in "${files[@]}"; do
	[[ -f $file ]] || fail "$file is tracked but missing (commit or restore it)"
	if [[ $file == *.php ]]; then
		php -l "$file" >/dev/null || fail "$file does not parse"
	fi
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/presence"
cp --parents "${files[@]}" "$stage/presence/"
mkdir -p "$dest"
zip_file=$dest/presence-$version.zip
rm -f "$zip_file"
(cd "$stage" && TZ=UTC find presence -exec touch -d '2000-01-01 00:00:00' {} + && zip -q -X -r "$zip_file" presence)

# What a site gets: one top-level folder, nothing but the plugin's own files.
listing=$(unzip -Z1 "$zip_file")
unexpected=$(grep -Ev '^presence/($|presence\.php$|uninstall\.php$|live\.php$|readme\.txt$|(includes|assets|languages)/)' <<<"$listing" || true)
[[ -z $unexpected ]] || fail "unexpected files in the zip: $unexpected"
for required in presence.php uninstall.php live.php readme.txt languages/presence.pot includes/hooks.php; do
	grep -qx "presence/$required" <<<"$listing" || fail "presence/$required is not in the zip (is it committed?)"
done
echo "make-zip: $zip_file ($(grep -cv '/$' <<<"$listing") files, $(stat -c %s "$zip_file") bytes)"
