<?php
/**
 * Choosing the backend, the install key that namespaces this site in the extension's store, and
 * why a backend's last call failed.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Whether the presence extension is loaded.
 *
 * @since 0.1.0
 */
function wpp_backend_native_available(): bool {
	return function_exists( 'presence_upsert' );
}

/**
 * A short stable key of this WordPress install, the first part of every room name the native
 * backend stores: 12 hex characters of sha256( ABSPATH | DB_HOST | DB_NAME | base table prefix ).
 *
 * Two installs served by one php-fpm master differ in at least one of these, so they never share
 * a room; the key does not change between requests, workers or restarts. Sites of one network
 * share the key and are told apart by blog id.
 *
 * @since 0.1.0
 *
 * @return string
 */
function wpp_backend_install_key(): string {
	static $key = null;
	if ( null === $key ) {
		global $wpdb;
		$host = defined( 'DB_HOST' ) ? DB_HOST : '';
		$name = defined( 'DB_NAME' ) ? DB_NAME : '';
		$key  = substr( hash( 'sha256', ABSPATH . '|' . $host . '|' . $name . '|' . $wpdb->base_prefix ), 0, 12 );
	}
	return $key;
}

/**
 * What the PRESENCE_BACKEND constant asks for: 'native' (the extension's store, whichever
 * presence.backend gives it: shared memory or Redis), 'database' (the table, even with the
 * extension loaded), or 'auto' (the default: the extension when it is loaded). Any other value
 * is 'invalid' and chooses as 'auto' does; Site Health says so.
 *
 * A site served by several machines whose extension keeps presence in each machine's shared
 * memory sets presence.backend to its Redis, or, without Redis, PRESENCE_BACKEND = 'database'.
 *
 * @since 0.1.0
 *
 * @return string 'auto', 'native', 'database' or 'invalid'.
 */
function wpp_backend_setting(): string {
	if ( ! defined( 'PRESENCE_BACKEND' ) ) {
		return 'auto';
	}
	$value = is_string( PRESENCE_BACKEND ) ? strtolower( trim( PRESENCE_BACKEND ) ) : '';
	return in_array( $value, array( 'auto', 'native', 'database' ), true ) ? $value : 'invalid';
}

/**
 * The active backend: native when the extension is loaded, the database table otherwise, or
 * the database table whenever PRESENCE_BACKEND is 'database'. PRESENCE_BACKEND = 'native'
 * without the extension still uses the table (nothing breaks), and Site Health reports it.
 *
 * @since 0.1.0
 *
 * @return WPP_Backend
 */
function wpp_backend(): WPP_Backend {
	$backend = wpp_backend_use();
	if ( null === $backend ) {
		$native  = wpp_backend_native_available() && 'database' !== wpp_backend_setting();
		$backend = $native ? new WPP_Native_Backend() : new WPP_Database_Backend();
		wpp_backend_use( $backend );
	}
	return $backend;
}

/**
 * Gets, or replaces, the backend wpp_backend() returns. Tests use it to pin a backend.
 *
 * @since 0.1.0
 * @access private
 *
 * @param WPP_Backend|null $backend Backend to use from now on; omit to only read.
 * @param bool             $reset   True to forget the current one (next call chooses again).
 * @return WPP_Backend|null The backend in use after the call.
 */
function wpp_backend_use( ?WPP_Backend $backend = null, bool $reset = false ): ?WPP_Backend {
	static $current = null;
	if ( $reset ) {
		$current = null;
	}
	if ( null !== $backend ) {
		$current = $backend;
	}
	return $current;
}

/**
 * Why the last call on a backend failed, as the backend said it; '' when it did not fail (or the
 * backend cannot tell).
 *
 * @since 0.2.0
 *
 * @param WPP_Backend $backend Backend just called.
 * @return string
 */
function wpp_backend_last_error( WPP_Backend $backend ): string {
	return method_exists( $backend, 'last_error' ) ? (string) $backend->last_error() : '';
}
