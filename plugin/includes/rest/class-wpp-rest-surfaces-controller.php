<?php
/**
 * REST API of the surfaces: `POST wp-presence/v1/leave`, `POST wp-presence/v1/screens/stale` and
 * the Presence API feature plugin's `POST wp-presence/v1/presence/screen-revisions/stale`.
 *
 * @package Presence
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * What the client script tells the server besides the heartbeat.
 *
 * - POST /leave                            {tab}
 *       a page went away: remove the entries it wrote (heartbeat/leave.php)
 * - POST /screens/stale                    {key, token?}
 * - POST /presence/screen-revisions/stale  {screen_key, token?}
 *       a screen was saved in the browser: warn the others who have it open
 *       (surfaces/stale-screen.php; `wp.presence.markScreenStale()`). The second is the feature
 *       plugin's route (left to it while it is active, like `/presence`): `{screen_key, rev}`.
 *       A custom key needs the token its page was served with; each distinct screen counts
 *       against the user's `marks` budget (api/budget.php): 429 with `Retry-After` past it.
 *
 * All are sent from the browser with the REST nonce (X-WP-Nonce, or `_wpnonce` in the query
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
						'key'   => array(
							'description' => __( 'Key of the screen that was saved, such as options/my-plugin.', 'presence' ),
							'type'        => 'string',
							'required'    => true,
							'pattern'     => WPP_SCREEN_KEY_PATTERN,
							'maxLength'   => WPP_SCREEN_KEY_MAX,
						),
						'token' => $this->token_arg(),
					),
				),
			)
		);
		if ( ! wpp_feature_plugin_active() ) {
			register_rest_route(
				$this->namespace,
				'/presence/screen-revisions/stale',
				array(
					array(
						'methods'             => WP_REST_Server::CREATABLE,
						'callback'            => array( $this, 'bump_screen_revision' ),
						'permission_callback' => array( $this, 'bump_screen_revision_permissions_check' ),
						'args'                => array(
							'screen_key' => array(
								'description'       => __( 'Key of the screen that was saved.', 'presence' ),
								'type'              => 'string',
								'required'          => true,
								'pattern'           => '^[a-z0-9/_-]+$', // The feature plugin's; keys of ours are checked after.
								'maxLength'         => WPP_SCREEN_KEY_MAX,
								'validate_callback' => 'rest_validate_request_arg', // Not implied by a sanitize_callback.
								'sanitize_callback' => 'sanitize_text_field',
							),
							'token'      => $this->token_arg(),
						),
					),
				)
			);
		}
	}

	/**
	 * The optional `token` argument of the stale-screen routes.
	 *
	 * @since 0.3.0
	 *
	 * @return array
	 */
	private function token_arg(): array {
		return array(
			'description' => __( 'Token the page was served with for its screen key (wppPresenceConfig.screenToken); needed for a custom key.', 'presence' ),
			'type'        => 'string',
			'default'     => '',
			'maxLength'   => 64,
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
	 * Logged in, allowed to see the screen (its own capability), and the key is one the user may
	 * mark (wpp_stale_screen_may_mark()).
	 *
	 * @since 0.2.0
	 * @since 0.3.0 A custom key needs its token.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function mark_stale_permissions_check( $request ) {
		$logged_in = $this->logged_in_check();
		if ( true !== $logged_in ) {
			return $logged_in;
		}
		if ( ! wpp_stale_screen_may_mark( (string) $request['key'], (string) $request['token'] ) ) {
			return new WP_Error( 'wpp_screen_forbidden', __( 'Sorry, you are not allowed to mark this screen.', 'presence' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * POST /screens/stale: records a revision of the screen by the current user. `{key, rev}`.
	 *
	 * @since 0.2.0
	 * @since 0.3.0 Within the user's budget: 429 with `Retry-After` past it.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function mark_stale( $request ) {
		$key      = (string) $request['key'];
		$revision = wpp_stale_screen_mark( $key, array( 'via' => 'request' ) );
		if ( is_wp_error( $revision ) ) {
			return wpp_budget_response( $revision );
		}
		return rest_ensure_response(
			array(
				'key' => $key,
				'rev' => $revision,
			)
		);
	}

	/**
	 * As the feature plugin: 401 logged out, 403 `rest_forbidden` for a screen the user may not
	 * mark (and for a custom key without its token).
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function bump_screen_revision_permissions_check( $request ) {
		if ( ! is_user_logged_in() || ! wpp_stale_screen_may_mark( (string) $request['screen_key'], (string) $request['token'] ) ) {
			return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to update this screen revision.', 'presence' ), array( 'status' => rest_authorization_required_code() ) );
		}
		return true;
	}

	/**
	 * POST /presence/screen-revisions/stale: records a revision of the screen by the current user.
	 * `{screen_key, rev}`; 429 with `Retry-After` past the user's budget.
	 *
	 * @since 0.3.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function bump_screen_revision( $request ) {
		$key      = (string) $request['screen_key'];
		$revision = wpp_stale_screen_mark( $key, array( 'via' => 'request' ) );
		if ( is_wp_error( $revision ) ) {
			return wpp_budget_response( $revision );
		}
		return rest_ensure_response(
			array(
				'screen_key' => $key,
				'rev'        => $revision,
			)
		);
	}
}
