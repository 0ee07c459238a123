# shellcheck shell=bash
# Messages: progress on stderr, failures as one line (plus a log tail where it helps).

info() { printf '%s\n' "site[$SITE_NAME]: $*" >&2; }

warn() { printf '%s\n' "site[$SITE_NAME]: warning: $*" >&2; }

# die MESSAGE — stop with one line.
die() {
	printf '%s\n' "site[$SITE_NAME]: error: $*" >&2
	exit 1
}

# die_with_log MESSAGE LOGFILE — one line, then the last 5 lines of the log that explains it.
die_with_log() {
	local message=$1 log=$2
	printf '%s\n' "site[$SITE_NAME]: error: $message (last lines of $log:)" >&2
	if [[ -s $log ]]; then
		tail -n 5 "$log" | sed 's/^/    /' >&2
	fi
	exit 1
}
