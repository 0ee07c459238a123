<?php
/**
 * REST API of the surfaces: `POST wp-presence/v1/leave` and `POST wp-presence/v1/screens/stale`.
 *
 * @package Presence
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * What the client script tells the server besides the heartbeat.
 *
 * - POST /leave          {tab}  a page went away: remove the entries it wrote (heartbeat/leave.php)
 * - POST /screens/stale  {key}  a screen was saved in the browser: warn the others who have it open
 *                               (surfaces/stale-screen.php; `wp.presence.markScreenStale()`)
 *
 * Both are sent from the browser with the REST nonce (X-WP-Nonce, or `_wpnonce` in the query
 * for a beacon). Like every `wp-presence/v1` response, they carry `Cache-Control: no-store`.
 *
 * @since 0.2.0
 */
class WPP_REST_Surfaces_Controller extends WP_REST_Controller {

	/**
	 * @since 0.2.0
	 */
	public function __construct() {
		$this->namespace = 'wp-presence/v1';
	}

	/**
	 * Registers the routes. Called on `rest_api_init` through wpp_routes_register().
	 *
	 * @since 0.2.0
	 */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/leave',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'leave' ),
					'permission_callback' => array( $this, 'logged_in_check' ),
					'args'                => array(
						'tab' => array(
							'description' => __( 'Id of the page (tab) that went away.', 'presence' ),
							'type'        => 'string',
							'required'    => true,
							'pattern'     => '^[A-Za-z0-9]{1,' . WPP_PING_TAB_CHARS . '}$',
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/screens/stale',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'mark_stale' ),
					'permission_callback' => array( $this, 'mark_stale_permissions_check' ),
					'args'                => array(
						'key' => array(
							'description' => __( 'Key of the screen that was saved, such as options/my-plugin.', 'presence' ),
							'type'        => 'string',
							'required'    => true,
							'pattern'     => WPP_SCREEN_KEY_PATTERN,
							'maxLength'   => WPP_SCREEN_KEY_MAX,
						),
					),
				),
			)
		);
	}

	/**
	 * Logged-in users only.
	 *
	 * @since 0.2.0
	 *
	 * @return true|WP_Error
	 */
	public function logged_in_check() {
		if ( is_user_logged_in() ) {
			return true;
		}
		return new WP_Error( 'rest_not_logged_in', __( 'You must be logged in to use presence.', 'presence' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * POST /leave: removes the entries the page wrote.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function leave( $request ) {
		return rest_ensure_response( array( 'removed' => wpp_leave_tab( wp_get_current_user(), (string) $request['tab'] ) ) );
	}

	/**
	 * Logged in and allowed to see the screen (its own capability).
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function mark_stale_permissions_check( $request ) {
		$logged_in = $this->logged_in_check();
		if ( true !== $logged_in ) {
			return $logged_in;
		}
		if ( ! wpp_stale_screen_can_see( (string) $request['key'], wp_get_current_user() ) ) {
			return new WP_Error( 'wpp_screen_forbidden', __( 'Sorry, you are not allowed to mark this screen.', 'presence' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * POST /screens/stale: records a revision of the screen by the current user.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function mark_stale( $request ) {
		$key = (string) $request['key'];
		if ( ! wpp_stale_screen_mark( $key ) ) {
			return new WP_Error( 'wpp_store_failed', __( 'The screen revision could not be stored.', 'presence' ), array( 'status' => 500 ) );
		}
		return rest_ensure_response( array( 'key' => $key ) );
	}
}
