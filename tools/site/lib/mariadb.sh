# shellcheck shell=bash
# A private MariaDB: data and socket in the site directory, listening on 127.0.0.1 only.

MARIADB_LOG_NAME=mariadb.log

# mariadb_user_flag — mariadbd refuses to run as root unless told to.
mariadb_user_flag() {
	if ((EUID == 0)); then
		echo --user=root
	fi
}

initialize_mariadb() {
	[[ -d $DB_DATA_DIR/mysql ]] && return 0
	local log=$LOG_DIR/$MARIADB_LOG_NAME
	info "creating the database files ($DB_DATA_DIR)"
	rm -rf "$DB_DATA_DIR"
	mkdir -p "$DB_DATA_DIR"
	# shellcheck disable=SC2046
	mariadb-install-db --no-defaults $(mariadb_user_flag) --datadir="$DB_DATA_DIR" \
		--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve >>"$log" 2>&1 ||
		die_with_log "mariadb-install-db failed" "$log"
}

start_mariadb() {
	local log=$LOG_DIR/$MARIADB_LOG_NAME
	initialize_mariadb
	rm -f "$DB_SOCKET"
	# shellcheck disable=SC2046
	start_service mariadb "$log" mariadbd --no-defaults $(mariadb_user_flag) \
		--datadir="$DB_DATA_DIR" --socket="$DB_SOCKET" --pid-file="$RUN_DIR/mysqld.own.pid" \
		--bind-address=127.0.0.1 --port="$DB_PORT" --skip-name-resolve --log-error="$log" \
		--tmpdir="$SITE_DIR/tmp" --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
		--skip-log-bin --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
	wait_until 60 mariadb "$log" mariadb_root -e 'SELECT 1'
}

# mariadb_root ARGS... — the mariadb client as the database's root user, over the socket.
mariadb_root() {
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot "$@"
}

# ensure_database — WordPress' database and user (idempotent).
ensure_database() {
	mariadb_root --batch <<-SQL || die "could not create the database '$DB_NAME' and user '$DB_USER'"
		CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
		CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
		GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
		GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
	SQL
}

stop_mariadb() {
	# SIGTERM is MariaDB's clean shutdown (flushes InnoDB); give it time.
	stop_service mariadb TERM 60
}
