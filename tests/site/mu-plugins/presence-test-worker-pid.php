<?php
/**
 * Plugin Name: Presence test: worker PID header
 * Description: Test sites only (installed by tools/site/site.sh when PRESENCE_TEST_MODE=1). Adds
 *              `X-Presence-Worker-Pid: <pid>` to every admin-ajax.php and REST response, so the
 *              browser tests can prove that several php-fpm workers answered heartbeats.
 *
 * @package Presence\Tests
 */

if ( ! defined( 'ABSPATH' ) || ! defined( 'PRESENCE_TEST_MODE' ) || ! PRESENCE_TEST_MODE ) {
	return;
}

/**
 * Sends the header for admin-ajax.php requests (heartbeats), which have set DOING_AJAX by now.
 */
function presence_test_worker_pid_ajax_header(): void {
	if ( wp_doing_ajax() && ! headers_sent() ) {
		header( 'X-Presence-Worker-Pid: ' . getmypid() );
	}
}

/**
 * Adds the header to REST responses.
 *
 * @param WP_HTTP_Response $response The response about to be served.
 * @return WP_HTTP_Response
 */
function presence_test_worker_pid_rest_header( $response ) {
	if ( $response instanceof WP_HTTP_Response ) {
		$response->header( 'X-Presence-Worker-Pid', (string) getmypid() );
	}
	return $response;
}

presence_test_worker_pid_ajax_header();
add_filter( 'rest_post_dispatch', 'presence_test_worker_pid_rest_header' );
