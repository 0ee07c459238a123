# shellcheck shell=bash
# php-fpm 8.2: one master per site and "machine" (PRESENCE_MACHINES), pm=static with WORKERS
# workers, the extension loaded for the whole master through PHP_INI_SCAN_DIR (Debian's fpm
# conf.d plus the site's own directory). Machine 1 is the php-fpm service; machines 2..4 are
# php-fpm-N, each with a socket, a log and a shared-memory segment of its own, as separate
# servers of a fleet would have.

# fpm_file N SUFFIX — a per-machine file name: php-fpm.SUFFIX for machine 1, php-fpm-N.SUFFIX else.
fpm_file() { echo "$RUN_DIR/$(fpm_service "$1").$2"; }

# fpm_socket N — the socket nginx passes machine N's requests to.
fpm_socket() {
	if (($1 == 1)); then echo "$FPM_SOCKET"; else fpm_file "$1" sock; fi
}

# write_php_fpm_config N — the master configuration of machine N.
write_php_fpm_config() {
	local machine=$1 user_lines="" machine_lines="" name
	name=$(fpm_service "$machine")
	if ((EUID == 0)); then
		user_lines=$'user = root\ngroup = root'
	fi
	if ((machine > 1)); then
		machine_lines="php_admin_value[presence.shm_path] = $SHM_PATH-m$machine"
	fi
	cat >"$(fpm_file "$machine" conf)" <<-CONF
		; Written by tools/site/site.sh for the site "$SITE_NAME" (machine $machine) on every \`up\`.
		[global]
		pid = $RUN_DIR/$name.own.pid
		error_log = $LOG_DIR/$name.log
		daemonize = no
		; A reload (USR2) lets workers finish their requests instead of killing them (502s).
		process_control_timeout = 10s

		[presence-$SITE_NAME${machine_lines:+-m$machine}]
		$user_lines
		listen = $(fpm_socket "$machine")
		listen.mode = 0600
		pm = static
		pm.max_children = $WORKERS
		catch_workers_output = yes
		decorate_workers_output = no
		env[PRESENCE_MACHINE] = $machine
		$machine_lines
		php_admin_value[error_log] = $LOG_DIR/php-error.log
		php_admin_flag[log_errors] = on
		php_admin_flag[display_errors] = off
	CONF
}

# start_php_fpm N — machine N's master (1 when omitted).
start_php_fpm() {
	local machine=${1:-1} name log socket
	name=$(fpm_service "$machine")
	log=$LOG_DIR/$name.log
	socket=$(fpm_socket "$machine")
	write_php_fpm_config "$machine"
	rm -f "$socket"
	local root_flag=()
	((EUID == 0)) && root_flag=(-R)
	PHP_INI_SCAN_DIR=$PHP_FPM_CONF_D:$PHP_SITE_CONF_D \
		start_service "$name" "$log" php-fpm8.2 "${root_flag[@]}" -F -y "$(fpm_file "$machine" conf)"
	wait_until 20 "$name" "$log" test -S "$socket"
}

# stop_php_fpm [SERVICE] — stop one master (php-fpm, php-fpm-2, ...).
stop_php_fpm() {
	# SIGQUIT: graceful, lets running requests finish.
	stop_service "${1:-php-fpm}" QUIT 15
}
