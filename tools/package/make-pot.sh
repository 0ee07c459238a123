#!/usr/bin/env bash
# Builds plugin/languages/presence.pot, the translation template, from the plugin's PHP and
# JavaScript with GNU gettext's xgettext and WordPress's gettext functions as keywords.
#
#   tools/package/make-pot.sh           write plugin/languages/presence.pot
#   tools/package/make-pot.sh --check   fail when the committed template is not what the source gives
#
# The template has no POT-Creation-Date, so it only changes when a string does. JavaScript strings
# are referenced by their file (assets/js/…), which is what `wp i18n make-json` keys the JSON
# translations on that wp_set_script_translations() loads.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../plugin"
command -v xgettext >/dev/null || { echo "make-pot: xgettext not found (apt-get install gettext)" >&2; exit 1; }

version=$(sed -n 's/^ \* Version: *//p' presence.php)
out=languages/presence.pot
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# WordPress's PHP i18n functions (and which arguments are the singular, plural and context).
# The commas belong to xgettext's keyword syntax: quoted, they read as one element each.
php_keywords=(__ _e esc_html__ esc_html_e esc_attr__ esc_attr_e '_x:1,2c' '_ex:1,2c' 'esc_html_x:1,2c'
	'esc_attr_x:1,2c' '_n:1,2' '_nx:1,2,4c' '_n_noop:1,2' '_nx_noop:1,2,3c')
js_keywords=(__ '_x:1,2c' '_n:1,2' '_nx:1,2,4c')

plugin_uri=$(sed -n 's/^ \* Plugin URI: *//p' presence.php)
common=(--from-code=UTF-8 --add-comments=translators: --sort-by-file --no-wrap --package-name=Presence
	"--package-version=$version" "--msgid-bugs-address=$plugin_uri" --copyright-holder="the Presence contributors")

find . -name '*.php' -not -path './languages/*' | LC_ALL=C sort >"$tmp/php-files"
find assets/js -name '*.js' | LC_ALL=C sort >"$tmp/js-files"
xgettext --language=PHP "${php_keywords[@]/#/--keyword=}" "${common[@]}" -f "$tmp/php-files" -o "$tmp/all.pot"

# WordPress's JavaScript formatting (Prettier) puts a long call's string on the line after `__(`,
# so a translators comment above the call ends up two lines above the string, where xgettext
# drops it. xgettext reads copies that repeat such a comment on the string's own line, so every
# line number stays the source's.
while read -r js; do
	mkdir -p "$tmp/js/$(dirname "$js")"
	awk '
		keep != "" && /^[[:space:]]*["\047]/ {
			match($0, /^[[:space:]]*/)
			$0 = substr($0, 1, RLENGTH) keep " " substr($0, RLENGTH + 1)
		}
		{ keep = "" }
		comment != "" && /(^|[^[:alnum:]_])(__|_x|_n|_nx)\([[:space:]]*$/ { keep = comment }
		{ comment = "" }
		/^[[:space:]]*\/\* translators:.*\*\/[[:space:]]*$/ { comment = $0; sub(/^[[:space:]]*/, "", comment) }
		{ print }
	' "$js" >"$tmp/js/$js"
done <"$tmp/js-files"
(cd "$tmp/js" && xgettext --join-existing --language=JavaScript "${js_keywords[@]/#/--keyword=}" "${common[@]}" \
	-f "$tmp/js-files" -o "$tmp/all.pot")

# The plugin header's name and description, as WordPress shows them translated on the Plugins screen.
for field in 'Plugin Name' Description; do
	value=$(sed -n "s/^ \\* $field: *//p" presence.php)
	printf '\n#. %s of the plugin\n#: presence.php\nmsgid "%s"\nmsgstr ""\n' "$field" "${value//\"/\\\"}" >>"$tmp/all.pot"
done
msguniq --use-first --sort-by-file --no-wrap "$tmp/all.pot" -o "$tmp/all.pot"

# The header WordPress's tools write, without the creation date (so the file changes only with a
# string) and with the text domain.
sed -e '/^"POT-Creation-Date:/d' \
	-e 's/^"Content-Type: text\/plain; charset=CHARSET\\n"/"Content-Type: text\/plain; charset=UTF-8\\n"/' \
	-e '1s/.*/# Translation template of the Presence plugin./' \
	-e 's/^"Language: \\n"$/"Language: \\n"\n"X-Domain: presence\\n"/' "$tmp/all.pot" >"$tmp/presence.pot"

msgcat "$tmp/presence.pot" >/dev/null # Well-formed.

if [[ ${1:-} == --check ]]; then
	if ! diff -u "$out" "$tmp/presence.pot"; then
		echo "make-pot: $out is out of date: run tools/package/make-pot.sh" >&2
		exit 1
	fi
	echo "make-pot: $out is current ($(grep -c '^msgid "[^"]' "$out") strings)"
else
	cp "$tmp/presence.pot" "$out"
	echo "make-pot: wrote $out ($(grep -c '^msgid "[^"]' "$out") strings)"
fi
