#!/usr/bin/env bash
# php-fpm reloaded (`kill -USR2` to its master) while two editors send heartbeats as fast as
# curl can: every heartbeat must be answered (HTTP 200 with presence in it), no PHP warning or
# error may be logged, the segment must be the same file afterwards, and both editors must still
# be listed. Runs against a site that is up (default: the test site that bin/test starts).
#
#   PRESENCE_SITE=test tests/site/fpm-reload.sh [SECONDS]      (default 8 s, two reloads)
set -euo pipefail

SITE=${PRESENCE_SITE:-test}
SECONDS_TOTAL=${1:-8}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SITE_SH=$REPO_ROOT/tools/site/site.sh

fail() {
	echo "fpm-reload[$SITE]: FAILED: $*" >&2
	exit 1
}

settings=$(PRESENCE_SITE=$SITE "$SITE_SH" env) || fail "the site is not set up"
eval "$settings"
[[ -n ${SHM_PATH:-} && ${EXTENSION:-0} == 1 ]] || fail "the site runs without the extension"
master=$(cat "$SITE_DIR/run/php-fpm.own.pid" 2>/dev/null) || fail "no php-fpm master pid file"
kill -0 "$master" 2>/dev/null || fail "php-fpm master $master is not running"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# login USER — logs in with a cookie jar of its own; prints the heartbeat nonce.
login() {
	local jar=$WORK/$1.jar
	curl -sS --max-time 30 -c "$jar" -b "$jar" -o /dev/null "$URL/wp-login.php"
	curl -sS --max-time 30 -c "$jar" -b "$jar" -o /dev/null --data-urlencode "log=$1" --data-urlencode "pwd=$1" \
		-d testcookie=1 "$URL/wp-login.php"
	curl -sS --max-time 30 -c "$jar" -b "$jar" -o "$WORK/$1-dashboard.html" "$URL/wp-admin/"
	grep -m1 -o 'heartbeatSettings = {"nonce":"[0-9a-f]*"' "$WORK/$1-dashboard.html" | cut -d'"' -f4 || true
}

# heartbeat USER NONCE OUT — one heartbeat; prints the HTTP status, the answer goes to OUT.
heartbeat() {
	curl -sS --max-time 30 -b "$WORK/$1.jar" -o "$3" -w '%{http_code}' -d action=heartbeat -d "_nonce=$2" \
		-d screen_id=dashboard -d 'data[presence-ping][screen]=dashboard' "$URL/wp-admin/admin-ajax.php" || echo 000
}

declare -A nonce
for user in editor1 editor2; do
	nonce[$user]=$(login "$user")
	[[ -n ${nonce[$user]} ]] || fail "could not log in as $user"
	[[ $(heartbeat "$user" "${nonce[$user]}" "$WORK/first.json") == 200 ]] || fail "first heartbeat of $user"
done
inode_before=$(stat -c %i "$SHM_PATH")
fpm_log=$(stat -c %s "$LOG_DIR/php-fpm.log" 2>/dev/null || echo 0)
php_log=$(stat -c %s "$LOG_DIR/php-error.log" 2>/dev/null || echo 0)

# Two heartbeat loops per editor until the deadline; each answer is checked.
deadline=$((SECONDS + SECONDS_TOTAL))
for loop in 1 2; do
	for user in editor1 editor2; do
		(
			n=0
			while ((SECONDS < deadline)); do
				n=$((n + 1))
				out=$WORK/$user-$loop-$n.json
				status=$(heartbeat "$user" "${nonce[$user]}" "$out")
				if [[ $status != 200 ]] || ! grep -q '"presence-online"' "$out"; then
					echo "$user: heartbeat $n answered $status: $(head -c 200 "$out" 2>/dev/null)" >>"$WORK/errors"
				fi
				rm -f "$out"
				echo >>"$WORK/count"
			done
		) &
	done
done
sleep "$((SECONDS_TOTAL / 4))"
kill -USR2 "$master"
sleep "$((SECONDS_TOTAL * 3 / 8))"
kill -USR2 "$master"
reloads=2
wait
answered=$(wc -l <"$WORK/count")
[[ ! -s $WORK/errors ]] || fail "$(wc -l <"$WORK/errors") of $answered heartbeats failed across the reloads: $(head -3 "$WORK/errors")"
kill -0 "$master" 2>/dev/null || fail "the php-fpm master is gone after the reload"
[[ $(stat -c %i "$SHM_PATH") == "$inode_before" ]] || fail "the segment file was replaced by the reload"
[[ $(heartbeat editor1 "${nonce[editor1]}" "$WORK/last.json") == 200 ]] || fail "heartbeat after the reloads"
total=$(grep -o '"presence-online":{[^}]*"total":[0-9]*' "$WORK/last.json" | grep -o '[0-9]*$' || echo 0)
((total >= 2)) || fail "after the reloads only $total users are online: $(head -c 300 "$WORK/last.json")"
{
	tail -c +"$((fpm_log + 1))" "$LOG_DIR/php-fpm.log" 2>/dev/null | grep -E 'ERROR|ALERT|signal' || true
	tail -c +"$((php_log + 1))" "$LOG_DIR/php-error.log" 2>/dev/null | grep -E 'PHP (Warning|Fatal|Parse)|presence' || true
} >"$WORK/log"
[[ ! -s $WORK/log ]] || fail "logged during the reloads: $(head -3 "$WORK/log")"
echo "fpm-reload[$SITE]: $answered heartbeats answered across $reloads reloads of master $master; segment kept, $total users online"
