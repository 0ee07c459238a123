#!/usr/bin/env bash
# Runs a real WordPress with the presence extension and plugin: a private MariaDB, php-fpm
# (pm=static) and nginx on 127.0.0.1, all state under .site/<name>/. See tools/site/README.md.
#
#   tools/site/site.sh up [--foreground]   install what is missing, start, print URL and logins
#   tools/site/site.sh down                stop the site's processes (by PID file)
#   tools/site/site.sh status              what runs, where (exit status 0 only when all of it runs)
#   tools/site/site.sh reset               down, then delete the site (the download cache stays)
#   tools/site/site.sh env                 shell-sourceable settings of the site, for test runners
#   tools/site/site.sh packages [--all]    install the Debian packages the harness needs
set -euo pipefail

SITE_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
REPO_ROOT=$(cd "$SITE_LIB/../../.." && pwd)
SITE_NAME=${PRESENCE_SITE:-dev}

# shellcheck source=lib/log.sh
source "$SITE_LIB/log.sh"
# shellcheck source=lib/config.sh
source "$SITE_LIB/config.sh"
# shellcheck source=lib/packages.sh
source "$SITE_LIB/packages.sh"
# shellcheck source=lib/processes.sh
source "$SITE_LIB/processes.sh"
# shellcheck source=lib/extension.sh
source "$SITE_LIB/extension.sh"
# shellcheck source=lib/wordpress.sh
source "$SITE_LIB/wordpress.sh"
# shellcheck source=lib/mariadb.sh
source "$SITE_LIB/mariadb.sh"
# shellcheck source=lib/php_fpm.sh
source "$SITE_LIB/php_fpm.sh"
# shellcheck source=lib/nginx.sh
source "$SITE_LIB/nginx.sh"
# shellcheck source=lib/redis.sh
source "$SITE_LIB/redis.sh"

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

# Every daemon a site may run, in stop order: `down` stops whatever of them runs, whatever the
# settings of the `up` that started them.
ALL_SERVICES_STOP_ORDER=(nginx php-fpm-4 php-fpm-3 php-fpm-2 php-fpm redis mariadb)

# all_services_running — true when every daemon of the site (as configured) is up.
all_services_running() {
	local service
	for service in $(site_services); do
		service_running "$service" || return 1
	done
}

any_service_running() {
	local service
	for service in "${ALL_SERVICES_STOP_ORDER[@]}"; do
		if service_running "$service"; then
			return 0
		fi
	done
	return 1
}

stop_site() {
	local service
	for service in "${ALL_SERVICES_STOP_ORDER[@]}"; do
		case $service in
			php-fpm*) stop_php_fpm "$service" ;;
			*) "stop_$service" ;;
		esac
	done
	remove_shm_segment
}

prepare_site_dirs() {
	mkdir -p "$SITE_DIR" "$RUN_DIR" "$LOG_DIR" "$PHP_DIR" "$SITE_DIR/tmp"
}

# prepare_extension — build, check and copy the extension (or clear it with PRESENCE_EXTENSION=0).
prepare_extension() {
	if [[ $EXTENSION == 1 ]]; then
		ensure_packages "${BUILD_PACKAGES[@]}"
		build_extension
		install_extension_copy
	fi
	write_extension_ini
}

start_site() {
	local machine
	start_mariadb
	if [[ $BACKEND == redis ]]; then
		start_redis
	fi
	ensure_database
	write_wp_config
	install_wordpress
	install_network
	link_test_mu_plugins
	activate_presence_plugin
	for ((machine = 1; machine <= MACHINES; machine++)); do
		start_php_fpm "$machine"
	done
	start_nginx
}

# print_site — URL and logins, from the settings the running site was started with.
print_site() {
	local extension="not loaded (database backend)"
	if [[ $(state_value EXTENSION) == 1 && -n $(state_value REDIS_URL) ]]; then
		extension="loaded (Redis $(state_value REDIS_URL), key prefix $(state_value KEY_PREFIX))"
	elif [[ $(state_value EXTENSION) == 1 ]]; then
		extension="loaded (segment $(state_value SHM_PATH))"
	fi
	local machines="" count
	count=$(state_value MACHINES)
	if ((${count:-1} > 1)); then
		machines=" on each of $count php-fpm masters (\"machines\", round-robin behind one nginx)"
	fi
	cat <<-TEXT

		Presence site "$SITE_NAME" is up: $(state_value URL)/wp-admin/
		  WordPress $(state_value WP_VERSION), $(state_value WORKERS) php-fpm workers$machines, extension $extension
		  Logins (user / password): admin / admin (administrator), editor1 / editor1, editor2 / editor2 (editors)
		  Demo draft: "Presence demo post" (Posts > Drafts)
		  Logs: $LOG_DIR/
	TEXT
}

cmd_up() {
	local foreground=0
	case ${1-} in
		--foreground) foreground=1 ;;
		"") ;;
		*) die "unknown option for up: $1 (expected --foreground)" ;;
	esac
	if all_services_running && [[ $EXTENSION == 1 && -f $PRESENCE_SO_BUILT && -f $PRESENCE_SO ]] &&
		! cmp -s "$PRESENCE_SO_BUILT" "$PRESENCE_SO"; then
		# Its php-fpm and the CLI's ini load the copy taken at the last up: tests would run the old build.
		info "the extension was built again since the site started: restarting it with the new build"
		stop_site
	fi
	if all_services_running; then
		info "already running (with the settings of its last up; to change them: down, then up)"
	else
		if any_service_running; then
			info "some processes of the site are running, others are not: restarting them all"
			stop_site
		fi
		require_free_port "$HTTP_PORT" "web server" PRESENCE_PORT
		require_free_port "$DB_PORT" "MariaDB" PRESENCE_DB_PORT
		ensure_packages "${SITE_PACKAGES[@]}"
		if [[ $BACKEND == redis ]]; then
			require_free_port "$REDIS_PORT" "Redis" PRESENCE_REDIS_PORT
			ensure_packages "${REDIS_PACKAGES[@]}"
		fi
		prepare_site_dirs
		prepare_extension
		lay_out_docroot
		trap 'stop_after_failed_up $?' EXIT
		start_site
		write_state
		trap - EXIT
	fi
	print_site
	if ((foreground)); then
		wait_in_foreground
	fi
}

# stop_after_failed_up STATUS — a failed `up` leaves nothing running.
stop_after_failed_up() {
	if (($1 != 0)); then
		stop_site 2>>"$LOG_DIR/stop.log" || true
	fi
}

# wait_in_foreground — keep the site up until Ctrl-C / SIGTERM (or a daemon dies), then stop it.
wait_in_foreground() {
	trap 'echo >&2; info "stopping"; stop_site; info "stopped"; exit 0' INT TERM HUP
	echo "Press Ctrl-C to stop." >&2
	while all_services_running; do
		sleep 1 &
		wait $! || true
	done
	warn "a process of the site exited (see $LOG_DIR/); stopping the rest"
	stop_site
	exit 1
}

cmd_down() {
	if any_service_running; then
		stop_site
		info "stopped"
	else
		remove_shm_segment
		info "not running"
	fi
}

cmd_status() {
	local service pid
	if [[ ! -d $SITE_DIR ]]; then
		echo "$SITE_NAME: not installed ($SITE_DIR does not exist)"
		return 3
	fi
	if [[ ! -f $STATE_FILE ]]; then
		echo "$SITE_NAME: never came up completely (see $LOG_DIR/)"
	else
		echo "$SITE_NAME: $(state_value URL) (WordPress $(state_value WP_VERSION), $(state_value WORKERS) workers, extension $(state_value EXTENSION), backend $(state_value BACKEND), test mode $(state_value TEST_MODE))"
	fi
	local stopped=0 recorded
	# The daemons of the settings the site was brought up with.
	recorded=$(state_value BACKEND)
	BACKEND=${recorded:-$BACKEND}
	recorded=$(state_value MACHINES)
	MACHINES=${recorded:-$MACHINES}
	for service in $(site_services); do
		if pid=$(service_pid "$service"); then
			echo "  $service: running (pid $pid)"
		else
			echo "  $service: stopped"
			stopped=1
		fi
	done
	echo "  logs: $LOG_DIR/"
	return $((stopped ? 3 : 0))
}

cmd_reset() {
	cmd_down
	rm -rf -- "$SITE_DIR"
	info "deleted $SITE_DIR (the download cache $CACHE_DIR stays)"
}

cmd_env() {
	[[ -f $STATE_FILE ]] || die "the site has never been brought up; run: PRESENCE_SITE=$SITE_NAME tools/site/site.sh up"
	grep -v '^#' "$STATE_FILE"
}

cmd_packages() {
	local all=0
	[[ ${1-} == --all ]] && all=1
	ensure_packages "${SITE_PACKAGES[@]}" "${BUILD_PACKAGES[@]}" "${PHPUNIT_PACKAGES[@]}" "${REDIS_PACKAGES[@]}" \
		"${LINT_PACKAGES[@]}"
	if ((all)); then
		ensure_packages "${BROWSER_PACKAGES[@]}"
	fi
}

main() {
	local command=${1-}
	[[ -n $command ]] || {
		usage
		exit 2
	}
	shift
	load_config
	case $command in
		up) cmd_up "$@" ;;
		down) cmd_down ;;
		status) cmd_status ;;
		reset) cmd_reset ;;
		env) cmd_env ;;
		packages) cmd_packages "$@" ;;
		-h | --help | help) usage ;;
		*) die "unknown command '$command' (expected up, down, status, reset, env, packages)" ;;
	esac
}

main "$@"
