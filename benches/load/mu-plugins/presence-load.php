<?php
/**
 * Plugin Name: Presence load harness: variant switch and query count
 * Description: Load-test site only (linked by benches/load/run into a test-mode site). Each
 *              request says which variant it measures; the seeding CLI says it through the
 *              environment. A verification request also gets the number of database queries run
 *              inside `heartbeat_received` and the store that answered, as response headers.
 *
 * Request headers (CLI: environment variables of the same meaning):
 *   X-Presence-Load-Plugin: off        WordPress without the presence plugin (PRESENCE_LOAD_PLUGIN)
 *   X-Presence-Load-Backend: NAME      defines PRESENCE_BACKEND = NAME, which the plugin obeys
 *                                      (native or database; PRESENCE_LOAD_BACKEND)
 *   X-Presence-Load-Verify: 1          adds X-Presence-Load-Queries-Received, -Queries-Total, -Store
 *
 * @package Presence\Benches
 */

if ( ! defined( 'ABSPATH' ) || ! defined( 'PRESENCE_TEST_MODE' ) || ! PRESENCE_TEST_MODE ) {
	return;
}

/**
 * One setting of this request: a request header, or in the CLI an environment variable.
 *
 * @param string $name Header name without `X-Presence-Load-`, e.g. `Plugin`.
 * @return string Empty when not given.
 */
function presence_load_setting( string $name ): string {
	if ( 'cli' === PHP_SAPI ) {
		return (string) getenv( 'PRESENCE_LOAD_' . strtoupper( $name ) );
	}
	$key = 'HTTP_X_PRESENCE_LOAD_' . strtoupper( $name );
	return isset( $_SERVER[ $key ] ) ? (string) $_SERVER[ $key ] : '';
}

/**
 * Drops the presence plugin from the active plugins of this request.
 *
 * @param mixed $plugins Active plugins.
 * @return mixed
 */
function presence_load_without_plugin( $plugins ) {
	return is_array( $plugins ) ? array_values( array_diff( $plugins, array( 'presence/presence.php' ) ) ) : $plugins;
}

/**
 * Queries run so far in this request.
 */
function presence_load_queries(): int {
	global $wpdb;
	return (int) $wpdb->num_queries;
}

/**
 * Marks where `heartbeat_received` starts (first callback).
 *
 * @param mixed $response Heartbeat response.
 * @return mixed
 */
function presence_load_received_start( $response ) {
	$GLOBALS['presence_load_received_from'] = presence_load_queries();
	return $response;
}

/**
 * Marks where `heartbeat_received` ends (last callback).
 *
 * @param mixed $response Heartbeat response.
 * @return mixed
 */
function presence_load_received_end( $response ) {
	$GLOBALS['presence_load_received'] = presence_load_queries() - (int) ( $GLOBALS['presence_load_received_from'] ?? 0 );
	return $response;
}

/**
 * Sends the verification headers just before core sends the heartbeat's JSON.
 *
 * @param mixed $response Heartbeat response.
 * @return mixed
 */
function presence_load_report( $response ) {
	$store = 'none';
	if ( function_exists( 'wpp_backend' ) ) {
		$store = get_class( wpp_backend() );
		if ( $store === 'WPP_Native_Backend' && function_exists( 'presence_stats' ) ) {
			$stats  = presence_stats();
			$store .= ':' . ( $stats['backend'] ?? '?' );
		}
	}
	if ( ! headers_sent() ) {
		header( 'X-Presence-Load-Queries-Received: ' . (int) ( $GLOBALS['presence_load_received'] ?? -1 ) );
		header( 'X-Presence-Load-Queries-Total: ' . presence_load_queries() );
		header( 'X-Presence-Load-Store: ' . $store );
	}
	return $response;
}

if ( 'off' === presence_load_setting( 'Plugin' ) ) {
	add_filter( 'option_active_plugins', 'presence_load_without_plugin', PHP_INT_MAX );
}
$presence_load_backend = presence_load_setting( 'Backend' );
if ( '' !== $presence_load_backend && ! defined( 'PRESENCE_BACKEND' ) ) {
	define( 'PRESENCE_BACKEND', $presence_load_backend );
}
unset( $presence_load_backend );
if ( '1' === presence_load_setting( 'Verify' ) ) {
	add_filter( 'heartbeat_received', 'presence_load_received_start', PHP_INT_MIN );
	add_filter( 'heartbeat_received', 'presence_load_received_end', PHP_INT_MAX );
	add_filter( 'heartbeat_send', 'presence_load_report', PHP_INT_MAX );
}
