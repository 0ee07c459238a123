# shellcheck shell=bash
# Settings of one named site: read from PRESENCE_* variables, with per-name default ports.
#
# Port, database port, worker count, extension on/off and test mode may change at every `up`
# (configs are rewritten each time); the WordPress version is fixed when a site is installed.
#
# site.sh and the other lib files read the variables set here; checked alone, they look unused.
# shellcheck disable=SC2034

# default_ports NAME — "HTTP_PORT DB_PORT" for the well-known site names.
default_ports() {
	case $1 in
		dev) echo "8080 3307" ;;
		test) echo "8091 3308" ;;
		e2e) echo "8092 3309" ;;
		test61) echo "8093 3310" ;;
		testms) echo "8094 3311" ;;
		fleet) echo "8095 3312" ;;
		bench) echo "8096 3313" ;;
		test68) echo "8097 3314" ;;
		load) echo "8098 3315" ;;
		benchms) echo "8099 3316" ;;
		e2ems) echo "8100 3317" ;;
		latency) echo "8101 3318" ;;
		*) echo "8080 3307" ;;
	esac
}

load_config() {
	SITE_NAME=${PRESENCE_SITE:-dev}
	[[ $SITE_NAME =~ ^[a-z0-9][a-z0-9_-]{0,30}$ ]] ||
		die "PRESENCE_SITE must be a short lowercase name ([a-z0-9_-]), got '$SITE_NAME'"

	local ports offset=${PRESENCE_PORT_OFFSET:-0}
	[[ $offset =~ ^[0-9]{1,4}$ ]] || die "PRESENCE_PORT_OFFSET must be a number 0..9999, got '$offset'"
	read -r -a ports <<<"$(default_ports "$SITE_NAME")"
	HTTP_PORT=${PRESENCE_PORT:-$((ports[0] + offset))}
	DB_PORT=${PRESENCE_DB_PORT:-$((ports[1] + offset))}
	WORKERS=${PRESENCE_WORKERS:-4}
	WP_BRANCH=${PRESENCE_WP:-7.1}
	EXTENSION=${PRESENCE_EXTENSION:-1}
	TEST_MODE=${PRESENCE_TEST_MODE:-0}
	MULTISITE=${PRESENCE_MULTISITE:-0}
	# shm, redis (a redis-server of the site's own) or the URL of a Redis to use.
	BACKEND=${PRESENCE_BACKEND:-shm}
	# php-fpm masters behind nginx, each with a segment of its own: "machines" of a fleet.
	MACHINES=${PRESENCE_MACHINES:-1}
	REDIS_PORT=${PRESENCE_REDIS_PORT:-$((HTTP_PORT - 2000))}

	[[ $HTTP_PORT =~ ^[0-9]+$ && $HTTP_PORT -ge 1024 && $HTTP_PORT -le 65535 ]] ||
		die "PRESENCE_PORT must be a port number 1024..65535, got '$HTTP_PORT'"
	[[ $DB_PORT =~ ^[0-9]+$ && $DB_PORT -ge 1024 && $DB_PORT -le 65535 ]] ||
		die "PRESENCE_DB_PORT must be a port number 1024..65535, got '$DB_PORT'"
	[[ $HTTP_PORT != "$DB_PORT" ]] || die "PRESENCE_PORT and PRESENCE_DB_PORT are both $HTTP_PORT"
	[[ $WORKERS =~ ^[0-9]+$ && $WORKERS -ge 1 && $WORKERS -le 64 ]] ||
		die "PRESENCE_WORKERS must be 1..64, got '$WORKERS'"
	[[ $WP_BRANCH =~ ^(7\.1|6\.8|6\.1)$ ]] ||
		die "PRESENCE_WP must be 7.1 (Debian sid), 6.8 (Debian trixie) or 6.1 (Debian bookworm), got '$WP_BRANCH'"
	[[ $EXTENSION == 0 || $EXTENSION == 1 ]] || die "PRESENCE_EXTENSION must be 1 or 0, got '$EXTENSION'"
	[[ $TEST_MODE == 0 || $TEST_MODE == 1 ]] || die "PRESENCE_TEST_MODE must be 1 or 0, got '$TEST_MODE'"
	[[ $MULTISITE == 0 || $MULTISITE == 1 ]] || die "PRESENCE_MULTISITE must be 1 or 0, got '$MULTISITE'"
	[[ $BACKEND =~ ^(shm|redis|redis://.+|rediss://.+|unix://.+)$ ]] ||
		die "PRESENCE_BACKEND must be shm, redis (a server of the site's own) or a redis://, rediss:// or unix:// URL, got '$BACKEND'"
	[[ $MACHINES =~ ^[1-4]$ ]] || die "PRESENCE_MACHINES must be 1..4, got '$MACHINES'"
	[[ $REDIS_PORT =~ ^[0-9]+$ && $REDIS_PORT -ge 1024 && $REDIS_PORT -le 65535 ]] ||
		die "PRESENCE_REDIS_PORT must be a port number 1024..65535, got '$REDIS_PORT'"

	STATE_ROOT=$REPO_ROOT/.site
	CACHE_DIR=$STATE_ROOT/cache
	BUILD_LOG=$STATE_ROOT/cargo-build.log
	SITE_DIR=$STATE_ROOT/$SITE_NAME
	DOCROOT=$SITE_DIR/wordpress
	RUN_DIR=$SITE_DIR/run
	LOG_DIR=$SITE_DIR/logs
	DB_DATA_DIR=$SITE_DIR/mariadb
	PHP_DIR=$SITE_DIR/php
	STATE_FILE=$SITE_DIR/site.env
	# Present once the site was turned into a multisite network (PRESENCE_MULTISITE=1).
	NETWORK_MARKER=$SITE_DIR/network-installed
	DB_SOCKET=$RUN_DIR/mysqld.sock
	FPM_SOCKET=$RUN_DIR/php-fpm.sock
	# Unix socket paths are limited to 107 bytes.
	((${#DB_SOCKET} <= 100)) || die "the checkout path is too long for the site's Unix sockets ($DB_SOCKET)"
	URL=http://127.0.0.1:$HTTP_PORT
	DB_NAME=wordpress
	DB_USER=wordpress
	DB_PASS=wordpress
	PRESENCE_SO_BUILT=$REPO_ROOT/target/release/libpresence.so
	# The site loads its own copy, so a rebuild never changes a library a running php-fpm has mapped.
	PRESENCE_SO=$PHP_DIR/libpresence.so
	# One segment per site and checkout: sites never share presence entries.
	SHM_PATH=/dev/shm/presence-$SITE_NAME-$(printf '%s' "$SITE_DIR" | md5sum | cut -c1-8)
	PHP_CLI_CONF_D=/etc/php/8.2/cli/conf.d
	PHP_FPM_CONF_D=/etc/php/8.2/fpm/conf.d
	PHP_SITE_CONF_D=$PHP_DIR/conf.d
	case $BACKEND in
		shm) REDIS_URL="" ;;
		redis) REDIS_URL=redis://127.0.0.1:$REDIS_PORT ;;
		*) REDIS_URL=$BACKEND ;;
	esac
	# Several sites may share one Redis: each keeps to a prefix of its own.
	KEY_PREFIX=presence:$SITE_NAME:
}

# site_services — the daemons of the site as configured, in start order.
site_services() {
	local i
	echo mariadb
	if [[ $BACKEND == redis ]]; then
		echo redis
	fi
	for ((i = 1; i <= MACHINES; i++)); do
		fpm_service "$i"
	done
	echo nginx
}

# fpm_service N — the service name of machine N's php-fpm master.
fpm_service() {
	if (($1 == 1)); then echo php-fpm; else echo "php-fpm-$1"; fi
}

# php_host — the HTTP_HOST under which PHP loads this site's WordPress. nginx passes `$host`,
# without the port, and a multisite network is looked up by it: 127.0.0.1 once the site is a
# network; before that (and on a single site) the host with the port, as its URLs have it.
php_host() {
	if [[ $MULTISITE == 1 && -f $NETWORK_MARKER ]]; then
		echo 127.0.0.1
	else
		echo "127.0.0.1:$HTTP_PORT"
	fi
}

# write_state — record what `up` configured, for `env`, `status` and `down`.
write_state() {
	local extension_so=""
	[[ $EXTENSION == 1 ]] && extension_so=$PRESENCE_SO
	{
		echo "# Written by tools/site/site.sh up; read by site.sh env/status/down."
		state_line SITE_NAME "$SITE_NAME"
		state_line SITE_DIR "$SITE_DIR"
		state_line DOCROOT "$DOCROOT"
		state_line URL "$URL"
		state_line HTTP_PORT "$HTTP_PORT"
		state_line DB_PORT "$DB_PORT"
		state_line DB_HOST "localhost:$DB_SOCKET"
		state_line DB_SOCKET "$DB_SOCKET"
		state_line DB_NAME "$DB_NAME"
		state_line DB_USER "$DB_USER"
		state_line DB_PASS "$DB_PASS"
		state_line WP_BRANCH "$WP_BRANCH"
		state_line WP_VERSION "$(installed_wp_version)"
		state_line WORKERS "$WORKERS"
		state_line EXTENSION "$EXTENSION"
		state_line PRESENCE_SO "$extension_so"
		state_line SHM_PATH "$SHM_PATH"
		state_line TEST_MODE "$TEST_MODE"
		state_line MULTISITE "$MULTISITE"
		state_line BACKEND "$BACKEND"
		state_line REDIS_URL "$REDIS_URL"
		state_line KEY_PREFIX "$KEY_PREFIX"
		state_line MACHINES "$MACHINES"
		state_line PHP_HOST "$(php_host)"
		state_line LOG_DIR "$LOG_DIR"
		state_line PHP_INI_SCAN_DIR "$PHP_CLI_CONF_D:$PHP_SITE_CONF_D"
		state_line PHP_INI_SCAN_DIR_NO_EXTENSION "$PHP_CLI_CONF_D"
	} >"$STATE_FILE"
}

state_line() { printf '%s=%q\n' "$1" "$2"; }

# state_value KEY — one recorded setting of the site ("" when the site was never brought up).
state_value() {
	[[ -f $STATE_FILE ]] || return 0
	(
		# shellcheck disable=SC1090
		source "$STATE_FILE"
		printf '%s' "${!1-}"
	)
}
