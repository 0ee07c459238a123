<?php
/**
 * Site Health says how presence reaches open pages: live (the lane answers from plugin/live.php
 * without loading WordPress; changes show within seconds) or with the heartbeat alone (without
 * the extension, with the lane turned off, or where the host refuses PHP files in wp-content).
 *
 * Whether the host serves the entry point is found out the way a page would: a request to it,
 * whose answer must carry the entry point's own `X-Presence-Live` header (a host's 403 or 404
 * page does not). The result is kept (an autoloaded option, so reading it costs no query), and
 * pages of a site that refuses the entry point do not try it.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Name of the option that keeps the last probe of the entry point.
 *
 * @since 0.3.0
 */
const WPP_HEALTH_PROBE = 'wpp_live_probe';

/**
 * Adds the test. Hooked to `site_status_tests`.
 *
 * @since 0.3.0
 *
 * @param array $tests Site Health tests.
 * @return array
 */
function wpp_health_tests( $tests ) {
	if ( is_array( $tests ) ) {
		$tests['direct']['wpp_live_lane'] = array(
			'label' => __( 'Presence live updates', 'presence' ),
			'test'  => 'wpp_health_lane_test',
		);
	}
	return $tests;
}

/**
 * Asks the entry point as a page would, with a token it must refuse, and keeps what it found.
 *
 * @since 0.3.0
 *
 * @return array{served:bool,status:int,code:string} served: the answer came from the entry point
 *                                                   with the extension loaded.
 */
function wpp_health_probe(): array {
	$response = wp_remote_get(
		wpp_lane_url(),
		array(
			'timeout'   => 3, // A direct test: Site Health waits for it.
			'headers'   => array( 'X-WPP-Live-Token' => 'probe' ),
			// What core's own loopback checks do for a site calling itself.
			'sslverify' => (bool) apply_filters( 'https_local_ssl_verify', false ),
		)
	);
	$status = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
	$ours   = ! is_wp_error( $response ) && '1' === wp_remote_retrieve_header( $response, 'x-presence-live' );
	$body   = $ours ? json_decode( (string) wp_remote_retrieve_body( $response ), true ) : null;
	$code   = is_array( $body ) && is_string( $body['code'] ?? null ) ? $body['code'] : ( is_wp_error( $response ) ? $response->get_error_code() : '' );
	$result = array(
		// A refused token: the file ran and the extension checked it.
		'served' => $ours && 403 === $status && str_starts_with( $code, 'token_' ),
		'status' => $status,
		'code'   => (string) $code,
	);
	update_option( WPP_HEALTH_PROBE, $result, true );
	return $result;
}

/**
 * Whether the last probe found the host refusing the entry point (a 403 or 404 that is not its
 * own). A probe that could not connect at all proves nothing and refuses nothing.
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wpp_health_lane_refused(): bool {
	// From the autoloaded options: asking get_option() for an option never stored costs a query.
	$probe = maybe_unserialize( wp_load_alloptions()[ WPP_HEALTH_PROBE ] ?? null );
	return is_array( $probe ) && empty( $probe['served'] ) && in_array( (int) ( $probe['status'] ?? 0 ), array( 401, 403, 404, 405, 410 ), true );
}

/**
 * Site Health result: which mode the site is in, and why.
 *
 * @since 0.3.0
 *
 * @return array
 */
function wpp_health_lane_test(): array {
	$result = array(
		'label'       => __( 'Presence shows changes within seconds', 'presence' ),
		'status'      => 'good',
		'badge'       => array(
			'label' => __( 'Performance', 'presence' ),
			'color' => 'blue',
		),
		'description' => '',
		'actions'     => '',
		'test'        => 'wpp_live_lane',
	);
	$heartbeat = __( 'Open pages learn who came and went from the heartbeat alone, about once a minute (up to two minutes in a background tab).', 'presence' );

	if ( ! wpp_backend() instanceof WPP_Native_Backend ) {
		$result['status']      = 'recommended';
		$result['label']       = __( 'Presence updates with the heartbeat alone', 'presence' );
		$result['description'] = '<p>' . esc_html( $heartbeat ) . ' ' . esc_html__( 'Live updates need the presence PHP extension, which this site does not use.', 'presence' ) . '</p>';
		return $result;
	}

	$probe = wpp_health_probe();
	if ( ! wpp_lane_enabled() || ! $probe['served'] ) {
		$result['status'] = 'recommended';
		$result['label']  = __( 'Presence updates with the heartbeat alone', 'presence' );
		if ( $probe['served'] ) {
			$why = __( 'The filter wpp_live_lane_enabled turned live updates off.', 'presence' );
		} elseif ( 503 === $probe['status'] && 'lane_unavailable' === $probe['code'] ) {
			$why = __( 'The PHP that serves the plugin\'s files does not load the presence extension; load it for the whole php-fpm master.', 'presence' );
		} elseif ( 0 === $probe['status'] ) {
			/* translators: %s: error code. */
			$why = sprintf( __( 'The site could not reach the plugin\'s live.php (%s); pages try it and fall back to the heartbeat if it fails.', 'presence' ), $probe['code'] );
		} else {
			/* translators: %d: HTTP status code. */
			$why = sprintf( __( 'The web server answered %d for the plugin\'s live.php: it refuses PHP files in wp-content. Allow that one file to get live updates.', 'presence' ), $probe['status'] );
		}
		$result['description'] = '<p>' . esc_html( $heartbeat ) . ' ' . esc_html( $why ) . '</p>';
		return $result;
	}

	$result['description'] = '<p>' . esc_html__( 'Open pages ask the plugin\'s live.php every second or two which of the rooms they show changed; it answers without loading WordPress, and a page asks the heartbeat for the new answer only when something changed.', 'presence' ) . '</p>';
	return $result;
}
