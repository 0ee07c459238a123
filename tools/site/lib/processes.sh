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
	process_running "$pid" || return 1
	# Guard against a recycled PID: the process must still be ours (its arguments name SITE_DIR).
	names_site_dir "$pid" || return 1
	echo "$pid"
}

# process_running PID — true while PID exists and has not exited. An exited daemon whose parent
# (site.sh, gone) was replaced by init stays a zombie until init reaps it, which can take seconds.
process_running() {
	local stat state
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	read -r state _ <<<"${stat##*) }"
	[[ $state != Z && $state != X ]]
}

# names_site_dir PID — true when the command line of PID mentions this site's directory. Read a
# few times: it is briefly empty or partial while a process execs or rewrites its title (php-fpm
# and nginx do, at start-up).
names_site_dir() {
	local cmdline tries
	for tries in 1 2 3 4 5 6 7 8 9 10; do
		cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
		[[ $cmdline == *"$SITE_DIR/"* ]] && return 0
		((tries < 10)) && sleep 0.02
	done
	return 1
}

service_running() { service_pid "$1" >/dev/null; }

# start_service NAME LOG COMMAND... — run a daemon (in a foreground mode of its own) in a new
# session, so that Ctrl-C reaches only site.sh, which then stops it in order; the daemon leads its
# own process group, which holds every process it forks.
start_service() {
	local name=$1 log=$2
	shift 2
	local pid tries=0
	# A background job of a script starts with SIGINT and SIGQUIT ignored, and a signal that comes
	# before the daemon installs its handlers would be lost: give it the default dispositions.
	setsid env --default-signal=INT,QUIT "$@" </dev/null >>"$log" 2>&1 &
	pid=$!
	echo "$pid" >"$(pid_file "$name")"
	# Until the forked shell has exec'd, its command line is site.sh's own.
	while process_running "$pid" && ! names_site_dir "$pid" && ((tries++ < 50)); do
		sleep 0.02
	done
}

# stop_service NAME SIGNAL TIMEOUT — graceful SIGNAL to the daemon, then, after TIMEOUT seconds,
# SIGKILL to its process group (the daemon and the workers it forked, nothing else).
stop_service() {
	local name=$1 signal=$2 timeout=$3 pid waited=0
	if ! pid=$(service_pid "$name"); then
		rm -f "$(pid_file "$name")"
		return 0
	fi
	kill "-$signal" "$pid" 2>/dev/null || true
	while process_running "$pid" && ((waited < timeout * 10)); do
		sleep 0.1
		waited=$((waited + 1))
	done
	if process_running "$pid"; then
		warn "$name (pid $pid) did not stop within ${timeout}s; sending SIGKILL to its process group"
	fi
	# Also reaps workers a master left behind (its group id is its pid: setsid made it a leader).
	# Linux does not reuse a PID while a process group of that id exists: the group is still ours.
	if process_group_exists "$pid"; then
		kill -KILL -- "-$pid" 2>/dev/null || true
	fi
	# Reap it when this shell started it (foreground mode), without a job notice.
	wait "$pid" 2>/dev/null || true
	rm -f "$(pid_file "$name")"
}

# process_group_exists PGID — true while some process belongs to that process group.
process_group_exists() {
	local stat fields pgrp
	for stat in /proc/[0-9]*/stat; do
		read -r fields 2>/dev/null <"$stat" || continue
		# After "pid (comm) ": state, ppid, pgrp.
		fields=${fields##*) }
		read -r _ _ pgrp _ <<<"$fields"
		[[ $pgrp == "$1" ]] && return 0
	done
	return 1
}

# wait_until SECONDS SERVICE LOG CHECK... — poll CHECK until it succeeds; fail in one line if the
# service exits or the time runs out.
wait_until() {
	local seconds=$1 name=$2 log=$3 tries=0
	shift 3
	until "$@" >/dev/null 2>&1; do
		if ! service_running "$name"; then
			die_with_log "$name exited while starting ($(exit_reason "$(<"$(pid_file "$name")")"))" "$log"
		fi
		((tries++ < seconds * 10)) || die_with_log "$name did not come up within ${seconds}s" "$log"
		sleep 0.1
	done
}

# exit_reason PID — how a daemon this shell started ended ("exit status 1", "killed by signal 11").
exit_reason() {
	local status=0
	wait "$1" 2>/dev/null || status=$?
	if ((status == 127)); then
		echo "it is not a child of this shell; its exit status is unknown"
	elif ((status > 128)); then
		echo "killed by signal $((status - 128))"
	else
		echo "exit status $status"
	fi
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
