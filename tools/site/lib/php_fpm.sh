# shellcheck shell=bash
# php-fpm 8.2: one master per site, pm=static with WORKERS workers, the extension loaded for the
# whole master through PHP_INI_SCAN_DIR (Debian's fpm conf.d plus the site's own directory).

write_php_fpm_config() {
	local user_lines=""
	if ((EUID == 0)); then
		user_lines=$'user = root\ngroup = root'
	fi
	cat >"$RUN_DIR/php-fpm.conf" <<-CONF
		; Written by tools/site/site.sh for the site "$SITE_NAME" on every \`up\`.
		[global]
		pid = $RUN_DIR/php-fpm.own.pid
		error_log = $LOG_DIR/php-fpm.log
		daemonize = no
		; A reload (USR2) lets workers finish their requests instead of killing them (502s).
		process_control_timeout = 10s

		[presence-$SITE_NAME]
		$user_lines
		listen = $FPM_SOCKET
		listen.mode = 0600
		pm = static
		pm.max_children = $WORKERS
		catch_workers_output = yes
		decorate_workers_output = no
		php_admin_value[error_log] = $LOG_DIR/php-error.log
		php_admin_flag[log_errors] = on
		php_admin_flag[display_errors] = off
	CONF
}

start_php_fpm() {
	local log=$LOG_DIR/php-fpm.log
	write_php_fpm_config
	rm -f "$FPM_SOCKET"
	local root_flag=()
	((EUID == 0)) && root_flag=(-R)
	PHP_INI_SCAN_DIR=$PHP_FPM_CONF_D:$PHP_SITE_CONF_D \
		start_service php-fpm "$log" php-fpm8.2 "${root_flag[@]}" -F -y "$RUN_DIR/php-fpm.conf"
	wait_until 20 php-fpm "$log" test -S "$FPM_SOCKET"
}

stop_php_fpm() {
	# SIGQUIT: graceful, lets running requests finish.
	stop_service php-fpm QUIT 15
}
