#!/usr/bin/env bash
# Smoke check of a running site, the way a browser uses it: log in with curl, load the dashboard,
# send a heartbeat to admin-ajax.php and expect a JSON answer. Prints one line per step.
#
#   PRESENCE_SITE=dev tools/site/check-site.sh [USER [PASSWORD]]     (default editor1 / editor1)
set -euo pipefail

SITE=${PRESENCE_SITE:-dev}
LOGIN=${1:-editor1}
PASSWORD=${2:-$LOGIN}
SITE_SH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/site.sh

fail() {
	echo "check-site[$SITE]: FAILED: $*" >&2
	exit 1
}

URL=$("$SITE_SH" env | sed -n 's/^URL=//p')
[[ -n $URL ]] || fail "no URL for the site (is it up?)"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
JAR=$WORK/cookies

curl_site() { curl -sS --max-time 30 -c "$JAR" -b "$JAR" "$@"; }

status=$(curl_site -o /dev/null -w '%{http_code}' "$URL/wp-login.php")
[[ $status == 200 ]] || fail "GET /wp-login.php answered $status"

status=$(curl_site -o /dev/null -w '%{http_code}' --data-urlencode "log=$LOGIN" \
	--data-urlencode "pwd=$PASSWORD" -d testcookie=1 --data-urlencode "redirect_to=$URL/wp-admin/" \
	"$URL/wp-login.php")
[[ $status == 302 ]] || fail "logging in as $LOGIN answered $status (expected a 302 redirect)"

curl_site -o "$WORK/dashboard.html" "$URL/wp-admin/"
grep -q '<title>Dashboard' "$WORK/dashboard.html" || fail "the dashboard did not load for $LOGIN"
nonce=$(grep -m1 -o 'heartbeatSettings = {"nonce":"[0-9a-f]*"' "$WORK/dashboard.html" | cut -d'"' -f4 || true)
[[ -n $nonce ]] || fail "no heartbeat nonce in the dashboard"
echo "check-site[$SITE]: $LOGIN logged in and loaded the dashboard"

curl_site -D "$WORK/headers" -o "$WORK/heartbeat.json" -d action=heartbeat -d "_nonce=$nonce" \
	-d screen_id=dashboard -d 'data[presence-ping][screen]=dashboard' "$URL/wp-admin/admin-ajax.php"
grep -q '"server_time"' "$WORK/heartbeat.json" || fail "heartbeat not answered: $(head -c 200 "$WORK/heartbeat.json")"
pid=$(sed -n 's/^X-Presence-Worker-Pid: *\([0-9]*\).*/\1/ip' "$WORK/headers")
echo "check-site[$SITE]: heartbeat answered${pid:+ by php-fpm worker $pid}: $(head -c 300 "$WORK/heartbeat.json")"
