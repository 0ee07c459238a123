# shellcheck shell=bash
# Starting, watching and stopping the site's daemons by PID file. Only PIDs this harness wrote
# are ever signalled, and only while their command line still names this site's directory.

pid_file() { echo "$RUN_DIR/$1.pid"; }

# service_pid NAME — the PID of a running service of this site, or nothing.
service_pid() {
	local file pid
	file=$(pid_file "$1")
	[[ -f $file ]] || return 1
	pid=$(<"$file")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	# Guard against a recycled PID: the process must still be ours (its arguments name SITE_DIR).
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$SITE_DIR/" || return 1
	echo "$pid"
}

service_running() { service_pid "$1" >/dev/null; }

# start_service NAME LOG COMMAND... — run a daemon in the foreground mode of its own, detached from
# the terminal (its own session: Ctrl-C reaches only site.sh, which then stops it in order).
start_service() {
	local name=$1 log=$2
	shift 2
	local pid tries=0
	setsid "$@" </dev/null >>"$log" 2>&1 &
	pid=$!
	echo "$pid" >"$(pid_file "$name")"
	# Until the forked shell has exec'd the daemon, its command line is site.sh's own.
	while kill -0 "$pid" 2>/dev/null && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$SITE_DIR/"; do
		((tries++ < 50)) || break
		sleep 0.02
	done
}

# stop_service NAME SIGNAL TIMEOUT — graceful signal, wait, then SIGKILL.
stop_service() {
	local name=$1 signal=$2 timeout=$3 pid waited=0
	if ! pid=$(service_pid "$name"); then
		rm -f "$(pid_file "$name")"
		return 0
	fi
	kill "-$signal" "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && ((waited < timeout * 10)); do
		sleep 0.1
		waited=$((waited + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		warn "$name (pid $pid) did not stop within ${timeout}s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$(pid_file "$name")"
}

# wait_until SECONDS SERVICE LOG CHECK... — poll CHECK until it succeeds; fail in one line if the
# service exits or the time runs out.
wait_until() {
	local seconds=$1 name=$2 log=$3 tries=0
	shift 3
	until "$@" >/dev/null 2>&1; do
		service_running "$name" || die_with_log "$name exited while starting" "$log"
		((tries++ < seconds * 10)) || die_with_log "$name did not come up within ${seconds}s" "$log"
		sleep 0.1
	done
}

# port_in_use PORT — true when something on this machine accepts connections on 127.0.0.1:PORT.
port_in_use() {
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# require_free_port PORT WHAT VARIABLE — fail in one line when PORT is taken (VARIABLE changes it).
require_free_port() {
	if port_in_use "$1"; then
		die "port $1 ($2) is already in use; pick another with $3=<port>"
	fi
}
