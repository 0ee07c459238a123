<?php
/**
 * REST API on a multisite network: `wp-presence/v1/presence/network` and
 * `wp-presence/v1/presence/network/<blog_id>`.
 *
 * @package Presence
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Who is online across the network, from the network view (surfaces/network-view.php).
 *
 * - GET /presence/network?page=&per_page=&users_per_site=   sites with people online, busiest
 *   first; headers X-WP-Total (sites online), X-WP-TotalPages, X-WP-Presence-Users-Online (users
 *   summed per site), X-WP-Presence-Aggregating ('1' or '0')
 * - GET /presence/network/<blog_id>?users_per_site=          one site (404 for an unknown one);
 *   each user also says where they are on that site, as the requesting user may see it
 *
 * Both need wpp_network_view_capability() (`manage_network` unless filtered): 401 logged out,
 * 403 without it. Every response carries `Cache-Control: no-store` (wpp_routes_no_store()).
 *
 * @since 0.2.0
 */
class WPP_REST_Network_Controller extends WP_REST_Controller {

	/**
	 * @since 0.2.0
	 */
	public function __construct() {
		$this->namespace = 'wp-presence/v1';
		$this->rest_base = 'presence/network';
	}

	/**
	 * Registers the routes. Called on `rest_api_init` through wpp_routes_register(), on a
	 * multisite network only.
	 *
	 * @since 0.2.0
	 */
	public function register_routes(): void {
		$users_per_site = array(
			'description' => __( 'Most users named per site (the lowest user ids); 0 for all. user_count always counts everyone.', 'presence' ),
			'type'        => 'integer',
			'default'     => 0,
			'minimum'     => 0,
			'maximum'     => 100,
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => array(
						'page'           => array(
							'description' => __( 'Page of the list.', 'presence' ),
							'type'        => 'integer',
							'default'     => 1,
							'minimum'     => 1,
						),
						'per_page'       => array(
							'description' => __( 'Sites per page.', 'presence' ),
							'type'        => 'integer',
							'default'     => 50,
							'minimum'     => 1,
							'maximum'     => 100,
						),
						'users_per_site' => $users_per_site,
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<blog_id>[\d]+)',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array(
						'blog_id'        => array(
							'description' => __( 'Site id.', 'presence' ),
							'type'        => 'integer',
						),
						'users_per_site' => $users_per_site,
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Logged in (else 401) with the network presence capability (else 403).
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function get_items_permissions_check( $request ) {
		if ( wpp_network_view_can_see() ) {
			return true;
		}
		return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to view network presence.', 'presence' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * As for the list.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function get_item_permissions_check( $request ) {
		return $this->get_items_permissions_check( $request );
	}

	/**
	 * GET /presence/network: one page of the sites with people online, busiest first.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function get_items( $request ) {
		$view     = wpp_network_view_read();
		$per_page = (int) $request['per_page'];
		$total    = count( $view['sites'] );
		$page_ids = array_slice( array_keys( $view['sites'] ), ( (int) $request['page'] - 1 ) * $per_page, $per_page );
		$items    = array();
		foreach ( wpp_network_view_items( $page_ids, (int) $request['users_per_site'] ) as $item ) {
			$items[] = $this->prepare_response_for_collection( $this->prepare_item_for_response( $item, $request ) );
		}
		$response = rest_ensure_response( $items );
		$response->header( 'X-WP-Total', (string) $total );
		$response->header( 'X-WP-TotalPages', (string) (int) ceil( $total / $per_page ) );
		$response->header( 'X-WP-Presence-Users-Online', (string) $view['users_online'] );
		$response->header( 'X-WP-Presence-Aggregating', $view['aggregating'] ? '1' : '0' );
		return $response;
	}

	/**
	 * GET /presence/network/<blog_id>: one site, with nobody online or not, and where each of its
	 * people is as the requesting user may see it on that site.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_item( $request ) {
		$blog_id = (int) $request['blog_id'];
		$site    = get_site( $blog_id );
		if ( ! $site instanceof WP_Site || (int) $site->network_id !== get_current_network_id() ) {
			return new WP_Error( 'rest_site_invalid_id', __( 'Invalid site ID.', 'presence' ), array( 'status' => 404 ) );
		}
		$view  = wpp_network_view_read();
		$item  = wpp_network_view_items( array( $blog_id ), (int) $request['users_per_site'] )[0];
		$where = $item['users'] ? wpp_network_view_site_where( $blog_id ) : array();
		foreach ( $item['users'] as $i => $user ) {
			$item['users'][ $i ]['where'] = $where[ $user['user_id'] ] ?? array(
				'label' => '',
				'url'   => '',
			);
		}
		$response = $this->prepare_item_for_response( $item, $request );
		$response->header( 'X-WP-Presence-Aggregating', $view['aggregating'] ? '1' : '0' );
		return $response;
	}

	/**
	 * A site of the view as the REST API gives it.
	 *
	 * @since 0.2.0
	 *
	 * @param array           $item    wpp_network_view_items() item.
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function prepare_item_for_response( $item, $request ) {
		return rest_ensure_response( $this->filter_response_by_context( $item, $request['context'] ?? 'view' ) );
	}

	/**
	 * The schema of a site.
	 *
	 * @since 0.2.0
	 *
	 * @return array
	 */
	public function get_item_schema() {
		if ( $this->schema ) {
			return $this->add_additional_fields_schema( $this->schema );
		}
		$this->schema = array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'presence-network-site',
			'type'       => 'object',
			'properties' => array(
				'blog_id'    => array(
					'type'        => 'integer',
					'description' => __( 'Site id.', 'presence' ),
					'context'     => array( 'view' ),
				),
				'domain'     => array(
					'type'        => 'string',
					'description' => __( 'Site domain.', 'presence' ),
					'context'     => array( 'view' ),
				),
				'path'       => array(
					'type'        => 'string',
					'description' => __( 'Site path.', 'presence' ),
					'context'     => array( 'view' ),
				),
				'url'        => array(
					'type'        => 'string',
					'format'      => 'uri',
					'description' => __( 'Site address.', 'presence' ),
					'context'     => array( 'view' ),
				),
				'user_count' => array(
					'type'        => 'integer',
					'description' => __( 'Users online on the site.', 'presence' ),
					'context'     => array( 'view' ),
				),
				'users'      => array(
					'type'        => 'array',
					'description' => __( 'Users online on the site (at most users_per_site), by name. On the one-site route each also says where it is, as the requesting user may see it.', 'presence' ),
					'context'     => array( 'view' ),
					'items'       => array(
						'type'       => 'object',
						'properties' => array(
							'user_id'      => array( 'type' => 'integer' ),
							'display_name' => array( 'type' => 'string' ),
							'avatar_url'   => array( 'type' => 'string' ),
							'where'        => array(
								'type'       => 'object',
								'properties' => array(
									'label' => array( 'type' => 'string' ),
									'url'   => array( 'type' => 'string' ),
								),
							),
						),
					),
				),
			),
		);
		return $this->add_additional_fields_schema( $this->schema );
	}
}
