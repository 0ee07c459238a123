# shellcheck shell=bash
# A redis-server of the site's own (PRESENCE_BACKEND=redis) on 127.0.0.1:REDIS_PORT, nothing
# persisted: presence entries come back with the next heartbeats. It keeps its command line
# (set-proc-title no), which names the site's directory, as the harness requires of its daemons,
# and writes its PID file itself, so a test that restarts it with the same arguments leaves a PID
# file that `down` still follows.

start_redis() {
	local log=$LOG_DIR/redis.log
	mkdir -p "$SITE_DIR/redis"
	start_service redis "$log" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
		--daemonize no --set-proc-title no --dir "$SITE_DIR/redis/" --pidfile "$(pid_file redis)" --logfile ""
	wait_until 10 redis "$log" redis-cli -p "$REDIS_PORT" ping
}

stop_redis() {
	stop_service redis TERM 10
}
