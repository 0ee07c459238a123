<?php
/**
 * The one place that registers the plugin's REST routes, and the no-store header of every
 * presence response.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers every `wp-presence/v1` route of the plugin. Hooked to `rest_api_init`.
 *
 * `/presence` and `/presence/rooms` are left to the Presence API feature plugin while it is
 * active: it registers the same routes and its wp_*_presence() functions are the ones declared,
 * so it serves the whole contract and no route is served by both (see feature-plugin.php). The
 * surfaces' own routes, `/leave` and `/screens/stale`, are Presence's alone and always registered.
 * On a multisite network, `/presence/network` too, under the same condition (the feature plugin
 * registers it there).
 *
 * @since 0.1.0
 * @since 0.2.0 Stands back while the feature plugin is active; registers the surfaces' and the
 *              network's routes too.
 */
function wpp_routes_register(): void {
	if ( ! wpp_feature_plugin_active() ) {
		( new WPP_REST_Controller() )->register_routes();
		if ( is_multisite() ) {
			( new WPP_REST_Network_Controller() )->register_routes();
		}
	}
	( new WPP_REST_Surfaces_Controller() )->register_routes();
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
function wpp_routes_no_store( $response, $handler, $request ) {
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
