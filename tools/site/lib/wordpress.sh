# shellcheck shell=bash
# WordPress core from Debian's archive (sid: 7.1.x, trixie: 6.8.x, bookworm: 6.1.x), cached per
# branch and copied into the site's docroot; wp-config.php, install, plugin activation and test
# mu-plugins.

# debian_suite BRANCH — the Debian release whose `wordpress` package carries that branch.
debian_suite() {
	case $1 in
		7.1) echo sid ;;
		6.8) echo trixie ;;
		6.1) echo bookworm ;;
	esac
}

# debian_mirror — the archive URI this machine already uses (override: PRESENCE_DEBIAN_MIRROR).
debian_mirror() {
	local uri
	uri=${PRESENCE_DEBIAN_MIRROR:-$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -n1 | tr -d ' ' || true)}
	echo "${uri:-http://deb.debian.org/debian}"
}

wp_cache_dir() { echo "$CACHE_DIR/wp-$WP_BRANCH"; }

# fetch_wordpress — fill the cache once: apt-get download into a private apt directory (the
# system's sources stay untouched), dpkg-deb -x into one root so Debian's relative symlinks
# resolve, then a flat copy without symlinks (WordPress resolves __DIR__ to real paths).
fetch_wordpress() {
	local cache work log suite mirror
	cache=$(wp_cache_dir)
	[[ -f $cache/complete ]] && return 0
	suite=$(debian_suite "$WP_BRANCH")
	mirror=$(debian_mirror)
	work=$cache.partial
	log=$CACHE_DIR/fetch-wp-$WP_BRANCH.log
	rm -rf "$work"
	mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/debs" "$work/root"
	info "fetching WordPress $WP_BRANCH from Debian $suite ($mirror; log: $log)"
	# Only the package lists (no AppStream metadata a system may be set to fetch as well).
	local options="signed-by=/usr/share/keyrings/debian-archive-keyring.gpg target=Packages"
	{
		echo "deb [$options] $mirror $suite main"
		# sid (unstable) has no security suite: its fixes land in sid itself.
		if [[ $suite != sid ]]; then
			echo "deb [$options] ${mirror%/debian*}/debian-security $suite-security main"
		fi
	} >"$work/apt/sources.list"
	private_apt "$work/apt" update >"$log" 2>&1 ||
		die_with_log "could not read Debian $suite's package lists" "$log"
	local packages
	mapfile -t packages < <(wordpress_packages "$work/apt")
	(cd "$work/debs" && private_apt "$work/apt" download "${packages[@]}") >>"$log" 2>&1 ||
		die_with_log "could not download ${packages[*]}" "$log"
	local deb
	for deb in "$work"/debs/*.deb; do
		dpkg-deb -x "$deb" "$work/root"
	done
	flatten_wordpress_tree "$work/root/usr/share/wordpress" "$work/wordpress" "$log"
	dpkg-deb -f "$work"/debs/wordpress_*.deb Version >"$work/debian-version"
	# A suite moves on (sid above all): a site named for one branch must not get another.
	local version
	version=$(wp_tree_version "$work/wordpress")
	[[ $version == "$WP_BRANCH" || $version == "$WP_BRANCH".* ]] ||
		die "Debian $suite's wordpress package is WordPress ${version:-?} now, not $WP_BRANCH.x: the branch $WP_BRANCH cannot be fetched from it any more (debian_suite in tools/site/lib/wordpress.sh)"
	rm -rf "$work/apt" "$work/root"
	touch "$work/complete"
	rm -rf "$cache"
	mv "$work" "$cache"
}

# private_apt APTDIR ARGS... — apt-get with lists, cache and sources in APTDIR only.
private_apt() {
	local dir=$1
	shift
	apt-get -q -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir" -o APT::Sandbox::User=root "$@"
}

# wordpress_packages APTDIR — `wordpress`, the libraries its tree links to, and its default theme.
wordpress_packages() {
	local fields
	fields=$(apt-cache -o Dir::Etc::SourceList="$1/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$1/lists" -o Dir::Cache="$1" show wordpress)
	# `show` lists every version found; the first paragraph is the candidate.
	fields=${fields%%$'\n\n'*}
	echo wordpress
	printf '%s\n' "$fields" | grep -E '^(Depends|Recommends):' | cut -d: -f2- | tr '|' ',' | tr ',' '\n' |
		awk '{print $1}' | grep -E '^(libjs-|libphp-|php-getid3$|wordpress-theme-)' | sort -u
}

# flatten_wordpress_tree SRC DEST LOG — copy with symlinks resolved; Debian's .htaccess link to
# /etc/wordpress is dropped (nginx does not read it), any other dangling link is an error.
flatten_wordpress_tree() {
	local src=$1 dest=$2 log=$3 dangling
	rm -f "$src/.htaccess"
	dangling=$(find "$src" -xtype l -printf '%P ')
	[[ -z $dangling ]] || die "the WordPress package links to files no fetched package provides: $dangling"
	cp -rL "$src" "$dest" 2>>"$log" || die_with_log "could not copy the WordPress tree" "$log"
	# Debian's wp-config.php dispatches to /etc/wordpress; each site writes its own.
	rm -f "$dest/wp-config.php"
}

# wp_tree_version DIR — the $wp_version of the WordPress tree in DIR ("" when there is none).
wp_tree_version() {
	sed -nE "s/^\\\$wp_version = '([^']+)';.*/\\1/p" "$1/wp-includes/version.php" 2>/dev/null || true
}

installed_wp_version() { wp_tree_version "$DOCROOT"; }

# lay_out_docroot — copy the cached core into the site once; a site keeps its WordPress branch.
lay_out_docroot() {
	local branch_file=$SITE_DIR/wp-branch
	if [[ -f $DOCROOT/wp-includes/version.php ]]; then
		local installed_branch
		installed_branch=$(<"$branch_file")
		[[ $installed_branch == "$WP_BRANCH" ]] ||
			die "site '$SITE_NAME' has WordPress $installed_branch, not $WP_BRANCH; keep it with PRESENCE_WP=$installed_branch, reset it first (tools/site/site.sh reset) or use another PRESENCE_SITE"
		return 0
	fi
	fetch_wordpress
	rm -rf "$DOCROOT"
	cp -r "$(wp_cache_dir)/wordpress" "$DOCROOT"
	mkdir -p "$DOCROOT/wp-content/uploads" "$DOCROOT/wp-content/mu-plugins"
	echo "$WP_BRANCH" >"$branch_file"
}

# write_wp_config — rewritten on every `up` (the URL carries the port); salts are kept per site.
write_wp_config() {
	local salts=$SITE_DIR/wp-salts.php test_mode_line=""
	if [[ ! -f $salts ]]; then
		# shellcheck disable=SC2016 # PHP code: its $k is PHP's, not the shell's.
		php -n -r 'foreach (["AUTH_KEY","SECURE_AUTH_KEY","LOGGED_IN_KEY","NONCE_KEY","AUTH_SALT","SECURE_AUTH_SALT","LOGGED_IN_SALT","NONCE_SALT"] as $k) { printf("define( %s, %s );\n", var_export($k, true), var_export(bin2hex(random_bytes(32)), true)); }' >"$salts"
	fi
	if [[ $TEST_MODE == 1 ]]; then
		test_mode_line="define( 'PRESENCE_TEST_MODE', true );"
	fi
	# Single site: the URL follows the port. A network's domain is 127.0.0.1 (PHP sees the host
	# without the port, see install-network.php); its sites' URLs, with the port, are in its tables,
	# so a network's port is fixed at install, like the WordPress version.
	local url_lines="define( 'WP_HOME', '$URL' ); define( 'WP_SITEURL', '$URL' );" network_lines=""
	if [[ $MULTISITE == 1 ]]; then
		network_lines="define( 'WP_ALLOW_MULTISITE', true );"
		if [[ -f $NETWORK_MARKER ]]; then
			url_lines=""
			network_lines+=" define( 'MULTISITE', true ); define( 'SUBDOMAIN_INSTALL', false );"
			network_lines+=" define( 'DOMAIN_CURRENT_SITE', '127.0.0.1' ); define( 'PATH_CURRENT_SITE', '/' );"
			network_lines+=" define( 'SITE_ID_CURRENT_SITE', 1 ); define( 'BLOG_ID_CURRENT_SITE', 1 );"
		fi
	fi
	cat >"$DOCROOT/wp-config.php" <<-PHP
		<?php
		// Written by tools/site/site.sh for the site "$SITE_NAME" on every \`up\`: edits are lost.
		define( 'DB_NAME', '$DB_NAME' );
		define( 'DB_USER', '$DB_USER' );
		define( 'DB_PASSWORD', '$DB_PASS' );
		define( 'DB_HOST', 'localhost:$DB_SOCKET' );
		define( 'DB_CHARSET', 'utf8mb4' );
		define( 'DB_COLLATE', '' );
		$(cat "$salts")
		\$table_prefix = 'wp_';

		$url_lines
		$network_lines
		define( 'WP_ENVIRONMENT_TYPE', 'local' );
		// Only Debian's archive is reachable here: never wait on wordpress.org.
		define( 'WP_HTTP_BLOCK_EXTERNAL', true );
		define( 'AUTOMATIC_UPDATER_DISABLED', true );
		define( 'DISABLE_WP_CRON', true );
		define( 'WP_DEBUG', true );
		define( 'WP_DEBUG_LOG', '$LOG_DIR/wp-debug.log' );
		define( 'WP_DEBUG_DISPLAY', false );
		define( 'PRESENCE_SITE', '$SITE_NAME' );
		$test_mode_line

		if ( ! defined( 'ABSPATH' ) ) {
			define( 'ABSPATH', __DIR__ . '/' );
		}
		require_once ABSPATH . 'wp-settings.php';
	PHP
}

# run_site_php SCRIPT ARGS... — the PHP CLI with the same extension settings as the site's php-fpm.
run_site_php() {
	PHP_INI_SCAN_DIR=$PHP_CLI_CONF_D:$PHP_SITE_CONF_D php "$@"
}

# install_wordpress — core install (skipped when installed), demo users and the demo draft.
install_wordpress() {
	local log=$LOG_DIR/provision.log
	run_site_php "$SITE_LIB/../php/provision-site.php" "$DOCROOT" "$(php_host)" >>"$log" 2>&1 ||
		die_with_log "installing WordPress failed" "$log"
}

# install_network — with PRESENCE_MULTISITE=1, turns the installed site into a multisite network
# (subdirectories) once, then rewrites wp-config.php with the network's constants.
install_network() {
	[[ $MULTISITE == 1 && ! -f $NETWORK_MARKER ]] || return 0
	local log=$LOG_DIR/provision.log
	run_site_php "$SITE_LIB/../php/install-network.php" "$DOCROOT" "$(php_host)" >>"$log" 2>&1 ||
		die_with_log "turning WordPress into a multisite network failed" "$log"
	touch "$NETWORK_MARKER"
	write_wp_config
}

# activate_presence_plugin — link plugin/ into wp-content/plugins/presence and activate it.
activate_presence_plugin() {
	local log=$LOG_DIR/provision.log link=$DOCROOT/wp-content/plugins/presence
	ln -sfn "$REPO_ROOT/plugin" "$link"
	if [[ ! -f $REPO_ROOT/plugin/presence.php ]]; then
		warn "plugin/presence.php does not exist yet; the site runs without the presence plugin"
		return 0
	fi
	run_site_php "$SITE_LIB/../php/activate-plugin.php" "$DOCROOT" "$(php_host)" presence/presence.php >>"$log" 2>&1 ||
		die_with_log "activating the presence plugin failed" "$log"
}

# link_test_mu_plugins — test mode: tests/site/mu-plugins/*.php linked into wp-content/mu-plugins.
link_test_mu_plugins() {
	local source_dir=$REPO_ROOT/tests/site/mu-plugins mu_dir=$DOCROOT/wp-content/mu-plugins link file
	mkdir -p "$mu_dir"
	for link in "$mu_dir"/*.php; do
		if [[ -L $link && $(readlink "$link") == "$source_dir"/* ]]; then
			rm -f "$link"
		fi
	done
	[[ $TEST_MODE == 1 ]] || return 0
	for file in "$source_dir"/*.php; do
		if [[ -f $file ]]; then
			ln -sfn "$file" "$mu_dir/$(basename "$file")"
		fi
	done
}
