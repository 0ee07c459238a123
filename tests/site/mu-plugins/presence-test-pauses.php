<?php
/**
 * Plugin Name: Presence test: pauses
 * Description: Test sites only (installed by tools/site/site.sh when PRESENCE_TEST_MODE=1). Lets a
 *              browser test hold requests of its own browser at set points, so that two requests
 *              interleave as they do now and then on a busy server: the cookie
 *              `wpp-test-leave-pause` (ms) pauses a page's leave (POST wp-presence/v1/leave) between
 *              reading the user's entries and removing them; `wpp-test-heartbeat-pause` (ms) pauses
 *              a heartbeat before presence handles it. At most 3000 ms each.
 *
 * @package Presence\Tests
 */

if ( ! defined( 'ABSPATH' ) || ! defined( 'PRESENCE_TEST_MODE' ) || ! PRESENCE_TEST_MODE ) {
	return;
}

/**
 * The pause a cookie of this request asks for.
 *
 * @param string $name Cookie name.
 * @return int Milliseconds, 0 for none.
 */
function presence_test_pause_ms( string $name ): int {
	return isset( $_COOKIE[ $name ] ) ? max( 0, min( 3000, (int) $_COOKIE[ $name ] ) ) : 0;
}

/**
 * Before the leave's callback runs: a store whose read of a user's entries returns, then waits.
 *
 * @param mixed           $response The response so far (null to go on).
 * @param array           $handler  The route's handler.
 * @param WP_REST_Request $request  The request.
 * @return mixed The response, unchanged.
 */
function presence_test_pause_leave( $response, $handler, $request ) {
	$ms = presence_test_pause_ms( 'wpp-test-leave-pause' );
	if ( $ms && '/wp-presence/v1/leave' === $request->get_route() && function_exists( 'wpp_backend_use' ) ) {
		require_once dirname( __DIR__, 2 ) . '/php/plugin/support/class-wpp-test-counting-backend.php';
		$paused = new class( wpp_backend() ) extends WPP_Test_Counting_Backend {
			/** @var int */
			public $pause_ms = 0;

			public function user_entries( int $user_id, int $max_age ): array {
				$entries = parent::user_entries( $user_id, $max_age );
				usleep( $this->pause_ms * 1000 );
				return $entries;
			}
		};
		$paused->pause_ms = $ms;
		wpp_backend_use( $paused );
	}
	return $response;
}
add_filter( 'rest_request_before_callbacks', 'presence_test_pause_leave', 10, 3 );

/**
 * Before presence handles a heartbeat.
 *
 * @param array $response Heartbeat answer so far.
 * @return array The answer, unchanged.
 */
function presence_test_pause_heartbeat( $response ) {
	$ms = presence_test_pause_ms( 'wpp-test-heartbeat-pause' );
	if ( $ms ) {
		usleep( $ms * 1000 );
	}
	return $response;
}
add_filter( 'heartbeat_received', 'presence_test_pause_heartbeat', 1 );
