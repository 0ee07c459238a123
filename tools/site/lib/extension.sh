# shellcheck shell=bash
# The presence extension: release build, a load check, and the site's copy plus ini file.

require_cargo() {
	if ! command -v cargo >/dev/null 2>&1 && [[ -x $HOME/.cargo/bin/cargo ]]; then
		PATH=$HOME/.cargo/bin:$PATH
	fi
	command -v cargo >/dev/null 2>&1 ||
		die "cargo not found: install Rust >= 1.88 (rustup), or run without the extension: PRESENCE_EXTENSION=0"
}

# build_extension — `cargo build --release` (waits for cargo's lock if another build runs).
build_extension() {
	require_cargo
	mkdir -p "$STATE_ROOT"
	info "building the extension (cargo build --release; log: $BUILD_LOG)"
	if ! (cd "$REPO_ROOT" && cargo build --release) >"$BUILD_LOG" 2>&1; then
		local first_error
		first_error=$(grep -m1 -E '^error' "$BUILD_LOG" || true)
		die "extension build failed${first_error:+: $first_error}; see $BUILD_LOG (to run without the extension: PRESENCE_EXTENSION=0)"
	fi
	[[ -f $PRESENCE_SO_BUILT ]] || die "cargo succeeded but $PRESENCE_SO_BUILT is missing; see $BUILD_LOG"
}

# extension_load_error SO — empty when SO loads into PHP and defines presence_upsert(), else why not.
extension_load_error() {
	local output
	output=$(php -n -d "extension=$1" -d display_startup_errors=1 \
		-r 'echo function_exists("presence_upsert") ? "@ok" : "@missing";' 2>&1 || true)
	output=$(printf '%s' "$output" | tr '\n' ' ' | sed -E 's/ +/ /g; s/^ //')
	case $output in
		@ok) ;;
		@missing) echo "it loads, but presence_upsert() is not defined" ;;
		# PHP prints a startup warning and still runs the script: the warning is the reason.
		*@missing) printf '%s' "${output% @missing}" ;;
		*) printf '%s' "${output:-php printed nothing}" ;;
	esac
}

# install_extension_copy — copy the build into the site, check that the copy loads, then move it
# in place atomically (cargo may rewrite target/ at any moment: the copy is what gets checked).
install_extension_copy() {
	local problem
	mkdir -p "$PHP_DIR"
	cp "$PRESENCE_SO_BUILT" "$PRESENCE_SO.tmp"
	problem=$(extension_load_error "$PRESENCE_SO.tmp")
	if [[ -n $problem ]]; then
		rm -f "$PRESENCE_SO.tmp"
		die "the extension $PRESENCE_SO_BUILT does not load into PHP ($problem); to run without it: PRESENCE_EXTENSION=0"
	fi
	mv -f "$PRESENCE_SO.tmp" "$PRESENCE_SO"
}

# write_extension_ini — the ini directory added to PHP_INI_SCAN_DIR for php-fpm and the CLI.
write_extension_ini() {
	mkdir -p "$PHP_SITE_CONF_D"
	rm -f "$PHP_SITE_CONF_D"/*.ini
	if [[ $EXTENSION == 1 ]]; then
		cat >"$PHP_SITE_CONF_D/90-presence.ini" <<-INI
			; Written by tools/site/site.sh for the site "$SITE_NAME".
			extension=$PRESENCE_SO
			presence.shm_path=$SHM_PATH
			; The plugin accepts states up to 10 KB of JSON, which encode into more than the 8K default.
			presence.max_state_bytes=32K
		INI
		if [[ -n $REDIS_URL ]]; then
			cat >>"$PHP_SITE_CONF_D/90-presence.ini" <<-INI
				; PRESENCE_BACKEND: every machine of the site shares the entries in this Redis.
				presence.backend=$REDIS_URL
				presence.key_prefix=$KEY_PREFIX
			INI
		fi
	else
		rm -f "$PRESENCE_SO"
	fi
}

# remove_shm_segment — the segment holds only presence entries; a new build may change its layout.
remove_shm_segment() {
	rm -f -- "$SHM_PATH" "$SHM_PATH".* "$SHM_PATH"-m[2-4] "$SHM_PATH"-m[2-4].*
}
