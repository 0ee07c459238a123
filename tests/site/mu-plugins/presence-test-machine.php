<?php
/**
 * Plugin Name: Presence test: machine header and store probe
 * Description: Test sites only (installed by tools/site/site.sh when PRESENCE_TEST_MODE=1). Adds
 *              `X-Presence-Machine: <n>` (the php-fpm master, PRESENCE_MACHINES) to every
 *              admin-ajax.php and REST response, and answers
 *              `admin-ajax.php?action=presence_test_probe` with what three calls to the presence
 *              extension returned in this request and the warnings they raised, so the fleet test
 *              can watch one php-fpm worker through a Redis outage.
 *
 * @package Presence\Tests
 */

if ( ! defined( 'ABSPATH' ) || ! defined( 'PRESENCE_TEST_MODE' ) || ! PRESENCE_TEST_MODE ) {
	return;
}

/**
 * The php-fpm master ("machine") serving this request, from its pool's environment.
 */
function presence_test_machine(): string {
	$machine = getenv( 'PRESENCE_MACHINE' );
	return false === $machine ? '1' : (string) $machine;
}

if ( wp_doing_ajax() && ! headers_sent() ) {
	header( 'X-Presence-Machine: ' . presence_test_machine() );
}

add_filter(
	'rest_post_dispatch',
	static function ( $response ) {
		if ( $response instanceof WP_HTTP_Response ) {
			$response->header( 'X-Presence-Machine', presence_test_machine() );
		}
		return $response;
	}
);

/**
 * The probe: three extension calls in one request, and every warning they raised.
 */
function presence_test_probe(): void {
	$warnings = array();
	set_error_handler(
		static function ( int $errno, string $message ) use ( &$warnings ): bool {
			$warnings[] = $message;
			return true;
		},
		E_WARNING
	);
	$started = microtime( true );
	$answers = function_exists( 'presence_upsert' ) ? array(
		'upsert'  => presence_upsert( 'presence-test/probe', 'probe', array(), 0, 60 ),
		'count'   => presence_room_count( 'presence-test/probe' ),
		'version' => presence_room_version( 'presence-test/probe' ),
	) : array();
	restore_error_handler();
	wp_send_json(
		array(
			'machine'  => presence_test_machine(),
			'pid'      => getmypid(),
			'answers'  => $answers,
			'warnings' => $warnings,
			'seconds'  => microtime( true ) - $started,
		)
	);
}
add_action( 'wp_ajax_nopriv_presence_test_probe', 'presence_test_probe' );
add_action( 'wp_ajax_presence_test_probe', 'presence_test_probe' );
