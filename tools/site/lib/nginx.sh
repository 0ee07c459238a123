# shellcheck shell=bash
# nginx on 127.0.0.1:HTTP_PORT in front of the site's php-fpm; every temp path in the site dir.
# With several machines, one upstream of their sockets, round-robin, and one nginx worker: it
# hands consecutive requests to the machines in turn (several workers would each keep a turn).

write_nginx_config() {
	local user_line="" workers=2 servers="" machine subsites=""
	((EUID == 0)) && user_line="user root;"
	if [[ $MULTISITE == 1 ]]; then
		# A network's sites live in subdirectories: /site/wp-admin/… is WordPress's own
		# /wp-admin/… (WordPress's documented rules for nginx).
		# shellcheck disable=SC2016 # nginx's variables: its $ is nginx's.
		subsites='if (!-e $request_filename) { rewrite ^(/[^/]+)?(/wp-.*) $2 last; rewrite ^(/[^/]+)?(/.*\.php) $2 last; }'
	fi
	for ((machine = 1; machine <= MACHINES; machine++)); do
		servers+="server unix:$(fpm_socket "$machine");"
	done
	((MACHINES > 1)) && workers=1
	mkdir -p "$RUN_DIR/nginx"
	cat >"$RUN_DIR/nginx.conf" <<-CONF
		# Written by tools/site/site.sh for the site "$SITE_NAME" on every \`up\`.
		$user_line
		worker_processes $workers;
		pid $RUN_DIR/nginx.own.pid;
		error_log $LOG_DIR/nginx-error.log warn;
		events { worker_connections 512; }
		http {
		    include /etc/nginx/mime.types;
		    default_type application/octet-stream;
		    access_log $LOG_DIR/nginx-access.log;
		    client_body_temp_path $RUN_DIR/nginx/client_body;
		    proxy_temp_path $RUN_DIR/nginx/proxy;
		    fastcgi_temp_path $RUN_DIR/nginx/fastcgi;
		    uwsgi_temp_path $RUN_DIR/nginx/uwsgi;
		    scgi_temp_path $RUN_DIR/nginx/scgi;
		    upstream presence_php { $servers }
		    sendfile on;
		    client_max_body_size 64m;
		    server {
		        listen 127.0.0.1:$HTTP_PORT;
		        server_name 127.0.0.1 localhost;
		        root $DOCROOT;
		        index index.php;
		        $subsites
		        location / {
		            try_files \$uri \$uri/ /index.php?\$args;
		        }
		        location ~ \.php\$ {
		            try_files \$uri =404;
		            include /etc/nginx/fastcgi_params;
		            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
		            fastcgi_pass presence_php;
		            fastcgi_read_timeout 300;
		        }
		    }
		}
	CONF
}

start_nginx() {
	local log=$LOG_DIR/nginx-error.log
	write_nginx_config
	start_service nginx "$LOG_DIR/nginx.out" \
		nginx -e "$log" -c "$RUN_DIR/nginx.conf" -p "$RUN_DIR/nginx" -g 'daemon off;'
	wait_until 20 nginx "$log" curl -fsS -o /dev/null "$URL/wp-login.php"
}

stop_nginx() {
	# SIGQUIT: graceful shutdown.
	stop_service nginx QUIT 10
}
