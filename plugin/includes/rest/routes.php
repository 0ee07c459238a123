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
 * @since 0.1.0
 */
function wpp_register_rest_routes(): void {
	( new WPP_REST_Controller() )->register_routes();
}

/**
 * Adds `Cache-Control: no-store` to every `wp-presence/v1` response, errors included (permission
 * and argument errors also pass through here). Hooked to `rest_request_after_callbacks`.
 *
 * @since 0.1.0
 *
 * @param WP_REST_Response|WP_HTTP_Response|WP_Error|mixed $response Result of the handler.
 * @param array                                            $handler  Route handler.
 * @param WP_REST_Request                                  $request  Request.
 * @return WP_REST_Response|mixed
 */
function wpp_rest_no_store( $response, $handler, $request ) {
	if ( ! $request instanceof WP_REST_Request || ! str_starts_with( $request->get_route(), '/wp-presence/v1/' ) ) {
		return $response;
	}
	$response = is_wp_error( $response ) ? rest_convert_error_to_response( $response ) : rest_ensure_response( $response );
	$response->header( 'Cache-Control', 'no-store' );
	return $response;
}
