# shellcheck shell=bash
# Debian packages the harness needs, installed only when dpkg says they are missing.
# site.sh reads the lists; checked alone, they look unused.
# shellcheck disable=SC2034

# Serving a site: database, PHP with WordPress' extensions, web server, fetching WordPress.
SITE_PACKAGES=(
	mariadb-server mariadb-client nginx php8.2-fpm php8.2-cli php8.2-mysql php8.2-xml
	php8.2-mbstring php8.2-curl php8.2-gd php8.2-intl php8.2-apcu
	curl ca-certificates debian-archive-keyring
)
# Building the extension (ext-php-rs runs php-config and bindgen; rustc links with cc; g++ builds
# libFuzzer for fuzz/run).
BUILD_PACKAGES=(php8.2-dev libclang-dev gcc g++ libc6-dev)
# Running the PHPUnit suites.
PHPUNIT_PACKAGES=(phpunit)
# The Redis backend: its tests, and sites with PRESENCE_BACKEND=redis.
REDIS_PACKAGES=(redis-server)
# The lint step of bin/test (its JavaScript and CSS linters come from npm).
LINT_PACKAGES=(shellcheck)
# Running the browser tests (playwright-core drives Debian's Chromium; no browser download).
BROWSER_PACKAGES=(chromium fonts-dejavu-core)

# missing_packages PKG... — prints those not installed.
missing_packages() {
	local pkg status
	for pkg in "$@"; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
		[[ $status == installed ]] || echo "$pkg"
	done
}

# ensure_packages PKG... — installs the missing ones with apt-get (as root), or fails in one line.
ensure_packages() {
	local missing log
	mapfile -t missing < <(missing_packages "$@")
	((${#missing[@]})) || return 0
	if ((EUID != 0)); then
		die "missing Debian packages: ${missing[*]} (install them: sudo apt-get install -y ${missing[*]})"
	fi
	mkdir -p "$STATE_ROOT"
	log=$STATE_ROOT/apt.log
	info "installing ${missing[*]} (log: $log)"
	if ! apt_install "${missing[@]}" >>"$log" 2>&1; then
		# Package lists may be absent or stale on a fresh machine: refresh once and retry.
		apt-get update >>"$log" 2>&1 || true
		apt_install "${missing[@]}" >>"$log" 2>&1 ||
			die_with_log "apt-get could not install: ${missing[*]}" "$log"
	fi
}

# apt_install PKG... — non-interactive install that does not start the packages' system services
# (nginx on :80, a system MariaDB): the harness runs its own private instances.
apt_install() {
	local policy=/usr/sbin/policy-rc.d created=0 status=0
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod +x "$policy"
		created=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" || status=$?
	if ((created)); then
		rm -f "$policy"
	fi
	return "$status"
}
