<?php
/**
 * REST route registration and the no-store header of every presence response.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers the `wp-presence/v1` routes. Hooked to `rest_api_init`.
 *
 * Registers nothing while the Presence API feature plugin is active: it registers the same routes
 * and its wp_*_presence() functions are the ones declared, so it serves the whole contract and no
 * route is served by both (see feature-plugin.php).
 *
 * @since 0.1.0
 * @since 0.2.0 Stands back while the feature plugin is active.
 */
function wpp_register_rest_routes(): void {
	if ( wpp_feature_plugin_active() ) {
		return;
	}
	( new WPP_REST_Controller() )->register_routes();
}

/**
 * The avatar URL the REST API gives for a user: `get_avatar_url( $user_id, array( 'size' => 32 ) )`,
 * as the Presence API feature plugin's REST API gives it; '' when there is none.
 *
 * @since 0.2.0
 *
 * @param int $user_id User id.
 * @return string
 */
function wpp_rest_avatar_url( int $user_id ): string {
	$url = get_avatar_url( $user_id, array( 'size' => 32 ) );
	return is_string( $url ) ? $url : '';
}

/**
 * Adds `Cache-Control: no-store` to every `wp-presence/v1` response, errors included. Hooked to
 * `rest_request_after_callbacks` (matched routes, also inside rest_do_request(); permission and
 * argument errors pass through it) and to `rest_post_dispatch` (every response served over HTTP,
 * also the 404 of an unknown route and the namespace index).
 *
 * @since 0.1.0
 *
 * @param WP_REST_Response|WP_HTTP_Response|WP_Error|mixed $response Result of the handler.
 * @param array|WP_REST_Server|mixed                       $handler  Route handler, or the server.
 * @param WP_REST_Request                                  $request  Request.
 * @return WP_REST_Response|mixed
 */
function wpp_rest_no_store( $response, $handler, $request ) {
	if ( ! $request instanceof WP_REST_Request ) {
		return $response;
	}
	$route = $request->get_route();
	if ( '/wp-presence/v1' !== $route && ! str_starts_with( $route, '/wp-presence/v1/' ) ) {
		return $response;
	}
	$response = is_wp_error( $response ) ? rest_convert_error_to_response( $response ) : rest_ensure_response( $response );
	$response->header( 'Cache-Control', 'no-store' );
	return $response;
}
