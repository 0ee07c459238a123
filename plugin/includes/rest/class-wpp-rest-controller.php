<?php
/**
 * REST API: `wp-presence/v1/presence` and `wp-presence/v1/presence/rooms`.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes presence entries over REST.
 *
 * - GET    /presence?room=&page=&per_page=   entries of a room (room access), X-WP-Total headers
 * - POST   /presence  {room, client_id, data} write an entry owned by the current user
 * - DELETE /presence  {room, client_id}       remove an own entry (any entry with manage_options)
 * - GET    /presence/rooms?page=&per_page=    rooms with live entries the user may access, with
 *                                             their users (edit_posts required)
 *
 * Every response, errors included, carries `Cache-Control: no-store` (wpp_routes_no_store()).
 *
 * @since 0.1.0
 */
class WPP_REST_Controller extends WP_REST_Controller {

	/**
	 * Most live entries one user may hold on a site through REST.
	 *
	 * @since 0.1.0
	 */
	public const MAX_ENTRIES_PER_USER = 50;

	/**
	 * @since 0.1.0
	 */
	public function __construct() {
		$this->namespace = 'wp-presence/v1';
		$this->rest_base = 'presence';
	}

	/**
	 * Registers the routes. Called on `rest_api_init` through wpp_routes_register().
	 *
	 * @since 0.1.0
	 */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => array(
						'room'     => $this->name_arg( 'room', __( 'Room name.', 'presence' ) ),
						'page'     => array(
							'description' => __( 'Page of the list.', 'presence' ),
							'type'        => 'integer',
							'default'     => 1,
							'minimum'     => 1,
						),
						'per_page' => array(
							'description' => __( 'Entries per page.', 'presence' ),
							'type'        => 'integer',
							'default'     => 100,
							'minimum'     => 1,
							'maximum'     => 100,
						),
					),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array(
						'room'      => $this->name_arg( 'room', __( 'Room name.', 'presence' ) ),
						'client_id' => $this->name_arg( 'client_id', __( 'Client id, unique within the room.', 'presence' ) ),
						'data'      => array(
							'description'       => __( 'State of the client: an object of at most 10 KB (JSON), 3 levels deep.', 'presence' ),
							'type'              => 'object',
							'default'           => array(),
							'validate_callback' => array( $this, 'validate_data' ),
						),
					),
				),
				array(
					'methods'             => WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'delete_item' ),
					'permission_callback' => array( $this, 'delete_item_permissions_check' ),
					'args'                => array(
						'room'      => $this->name_arg( 'room', __( 'Room name.', 'presence' ) ),
						'client_id' => $this->name_arg( 'client_id', __( 'Client id.', 'presence' ) ),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);

		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/rooms',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_rooms' ),
					'permission_callback' => array( $this, 'get_rooms_permissions_check' ),
					'args'                => array(
						'page'     => array(
							'description' => __( 'Page of the list.', 'presence' ),
							'type'        => 'integer',
							'default'     => 1,
							'minimum'     => 1,
						),
						'per_page' => array(
							'description' => __( 'Rooms per page.', 'presence' ),
							'type'        => 'integer',
							'default'     => 50,
							'minimum'     => 1,
							'maximum'     => 100,
						),
					),
				),
			)
		);
	}

	/**
	 * A required string argument for a room or client id.
	 *
	 * @since 0.1.0
	 *
	 * @param string $what        'room' or 'client_id'.
	 * @param string $description Description.
	 */
	private function name_arg( string $what, string $description ): array {
		return array(
			'description'       => $description,
			'type'              => 'string',
			'required'          => true,
			'pattern'           => WPP_NAME_PATTERN,
			'maxLength'         => 'room' === $what ? WPP_MAX_ROOM_BYTES : WPP_MAX_CLIENT_ID_BYTES,
			'validate_callback' => array( $this, 'room' === $what ? 'validate_room' : 'validate_client_id' ),
		);
	}

	/**
	 * Schema validation, then the byte limits of api/validate.php.
	 *
	 * @since 0.1.0
	 */
	public function validate_room( $value, WP_REST_Request $request, string $param ) {
		$valid = rest_validate_request_arg( $value, $request, $param );
		return true === $valid ? wpp_validate_name( $value, 'room' ) : $valid;
	}

	/**
	 * Schema validation, then the byte limits of api/validate.php; reserved client ids (`_…`, the
	 * bookkeeping rows such as a post's `_lock`) are refused, for writes and deletes alike.
	 *
	 * @since 0.1.0
	 * @since 0.3.0 Reserved client ids are refused.
	 */
	public function validate_client_id( $value, WP_REST_Request $request, string $param ) {
		$valid = rest_validate_request_arg( $value, $request, $param );
		if ( true === $valid && is_string( $value ) && wpp_client_ids_is_reserved( $value ) ) {
			return new WP_Error( 'rest_presence_reserved_client_id', __( 'Client IDs beginning with _ are reserved.', 'presence' ), array( 'status' => 400 ) );
		}
		return true === $valid ? wpp_validate_name( $value, 'client_id' ) : $valid;
	}

	/**
	 * Schema validation, then size and depth.
	 *
	 * @since 0.1.0
	 */
	public function validate_data( $value, WP_REST_Request $request, string $param ) {
		$valid = rest_validate_request_arg( $value, $request, $param );
		if ( true !== $valid ) {
			return $valid;
		}
		return wpp_validate_state( $value instanceof stdClass ? (array) $value : $value );
	}

	/**
	 * Logged-in users only.
	 *
	 * @since 0.1.0
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
	 * Logged in and allowed in the requested room.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function get_items_permissions_check( $request ) {
		$logged_in = $this->logged_in_check();
		if ( true !== $logged_in ) {
			return $logged_in;
		}
		if ( ! wpp_rooms_can_access( (string) $request['room'] ) ) {
			return new WP_Error( 'wpp_room_forbidden', __( 'Sorry, you are not allowed in this room.', 'presence' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * Same as reading: logged in and allowed in the room.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function create_item_permissions_check( $request ) {
		return $this->get_items_permissions_check( $request );
	}

	/**
	 * Logged in; ownership is checked in delete_item() once the entry is found.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function delete_item_permissions_check( $request ) {
		return $this->logged_in_check();
	}

	/**
	 * Logged in and allowed to edit posts: the room list names who is where.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function get_rooms_permissions_check( $request ) {
		$logged_in = $this->logged_in_check();
		if ( true !== $logged_in ) {
			return $logged_in;
		}
		if ( ! current_user_can( 'edit_posts' ) ) {
			return new WP_Error( 'wpp_rooms_forbidden', __( 'Sorry, you are not allowed to list presence rooms.', 'presence' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * GET /presence: one page of a room's live entries, newest first. Every entry counts until its
	 * own expiry, as in the feature plugin (an entry a relay dated in the past with a long window
	 * is still there).
	 *
	 * @since 0.1.0
	 * @since 0.3.0 No window on the entries' dates.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_items( $request ) {
		$room     = (string) $request['room'];
		$page     = (int) $request['page'];
		$per_page = (int) $request['per_page'];
		$backend  = wpp_backend();

		$total = $backend->count_room( $room, null );
		// Compared before multiplying: page * per_page can overflow into a float for a huge page.
		$entries = $page > intdiv( $total, $per_page ) + 1 ? array() : array_slice(
			$backend->get_room( $room, null, $page * $per_page ),
			( $page - 1 ) * $per_page,
			$per_page
		);

		cache_users( array_filter( array_unique( wp_list_pluck( $entries, 'user_id' ) ) ) );
		// The posts the entries name, in one query, for the privacy check of each entry.
		wpp_privacy_prime_posts( $entries );
		$items = array();
		foreach ( $entries as $entry ) {
			$items[] = $this->prepare_response_for_collection( $this->prepare_item_for_response( $entry, $request ) );
		}

		$response = rest_ensure_response( $items );
		$response->header( 'X-WP-Total', (string) $total );
		$response->header( 'X-WP-TotalPages', (string) (int) ceil( $total / $per_page ) );
		return $response;
	}

	/**
	 * POST /presence: writes an entry owned by the current user.
	 *
	 * 400 for a reserved client id (`_…`); 403 for the client ids of a user's own pages
	 * (`user-{id}`, `editor-{id}`, `agent-{id}`); 409 when another user owns that client id in the
	 * room; 429 when the user already holds MAX_ENTRIES_PER_USER live entries on this site; 501
	 * with recording off.
	 *
	 * @since 0.1.0
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function create_item( $request ) {
		$room      = (string) $request['room'];
		$client_id = (string) $request['client_id'];
		$data      = (array) $request['data']; // A JSON object arrives as an array (a stdClass from some clients).
		$user_id   = get_current_user_id();

		if ( wpp_client_ids_is_user( $client_id ) ) {
			// The heartbeat's own entries: what they hold is shown to others as this user's name
			// and avatar, so it comes from the user's account, never from a request body.
			return new WP_Error( 'wpp_client_id_reserved', __( 'Client ids of the form user-{id}, editor-{id} and agent-{id} are written by the user’s own pages only.', 'presence' ), array( 'status' => 403 ) );
		}
		$existing = wpp_entries_find( $room, $client_id );
		if ( null !== $existing && $existing['user_id'] !== $user_id ) {
			return new WP_Error( 'wpp_client_id_taken', __( 'This client id belongs to another user in this room.', 'presence' ), array( 'status' => 409 ) );
		}
		if ( null === $existing && count( wpp_backend()->user_entries( $user_id, 86400 ) ) >= self::MAX_ENTRIES_PER_USER ) {
			return new WP_Error( 'wpp_too_many_entries', __( 'Too many presence entries for this user.', 'presence' ), array( 'status' => 429 ) );
		}

		$stored = wpp_entries_set( $room, $client_id, $data, $user_id );
		if ( is_wp_error( $stored ) && 'presence_recording_disabled' === $stored->get_error_code() ) {
			return new WP_Error( 'rest_presence_recording_disabled', $stored->get_error_message(), array( 'status' => 501 ) );
		}
		if ( is_wp_error( $stored ) ) {
			return $stored;
		}
		$entry    = wpp_entries_find( $room, $client_id );
		$response = $this->prepare_item_for_response( $entry ?? array(), $request );
		$response->set_status( null === $existing ? 201 : 200 );
		return $response;
	}

	/**
	 * DELETE /presence: removes an own entry, or any entry for users with manage_options.
	 *
	 * `{deleted: true, room, previous}` when an entry was removed; `{deleted: false, room}` when
	 * there was none, for a caller who may use the room (or has manage_options). To anyone else
	 * a missing entry and someone else's entry both read 404: a 403 would tell them it exists
	 * (who is editing which post).
	 *
	 * @since 0.1.0
	 * @since 0.2.0 A missing entry is 200 `{deleted: false, room}` for a caller allowed in the room.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function delete_item( $request ) {
		$room      = (string) $request['room'];
		$client_id = (string) $request['client_id'];

		$existing = wpp_entries_find( $room, $client_id );
		$own      = null !== $existing && $existing['user_id'] === get_current_user_id();
		$admin    = current_user_can( 'manage_options' );
		if ( ! $own && ! $admin && ! wpp_rooms_can_access( $room ) ) {
			return new WP_Error( 'wpp_not_found', __( 'No such presence entry.', 'presence' ), array( 'status' => 404 ) );
		}
		if ( null === $existing ) {
			return rest_ensure_response(
				array(
					'deleted' => false,
					'room'    => $room,
				)
			);
		}
		if ( ! $own && ! $admin ) {
			return new WP_Error( 'wpp_cannot_delete', __( 'Sorry, you may only remove your own presence entries.', 'presence' ), array( 'status' => 403 ) );
		}
		$previous = $this->prepare_item_for_response( $existing, $request )->get_data();
		$removed  = wpp_entries_remove( $room, $client_id );
		if ( is_wp_error( $removed ) ) {
			return $removed;
		}
		return rest_ensure_response(
			array(
				'deleted'  => true,
				'room'     => $room,
				'previous' => $previous,
			)
		);
	}

	/**
	 * GET /presence/rooms: rooms with live entries that the current user may access, busiest
	 * first, one page of them, each with the users in it.
	 *
	 * An item is `{room, user_count, users: [{user_id, display_name, avatar_url}], entries}`:
	 * `users` are the room's users who still exist, by id; `entries` counts every live entry
	 * (several tabs of one user, entries without a user).
	 *
	 * @since 0.1.0
	 * @since 0.2.0 Paginated; items list their users.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function get_rooms( $request ) {
		$page     = (int) $request['page'];
		$per_page = (int) $request['per_page'];
		$backend  = wpp_backend();
		$ttl      = wpp_entries_default_ttl();

		$rooms = array();
		$all   = $backend->rooms( $ttl );
		wpp_privacy_prime_posts( array_map( static fn( $room ) => array( 'room' => (string) $room ), array_keys( $all ) ) );
		foreach ( $all as $room => $counts ) {
			if ( wpp_rooms_can_access( (string) $room ) ) {
				$rooms[ (string) $room ] = $counts['entries'];
			}
		}
		uksort( $rooms, static fn( $a, $b ) => array( $rooms[ $b ], $a ) <=> array( $rooms[ $a ], $b ) );
		$total = count( $rooms );
		$paged = $page > intdiv( $total, $per_page ) + 1 ? array() : array_slice( $rooms, ( $page - 1 ) * $per_page, $per_page, true );

		// Users only for the rooms of this page.
		$user_ids = array();
		foreach ( $paged as $room => $entries ) {
			$ids               = array_unique( array_filter( array_map( 'intval', wp_list_pluck( $backend->get_room( (string) $room, $ttl ), 'user_id' ) ) ) );
			$user_ids[ $room ] = $ids;
		}
		cache_users( array_unique( array_merge( array(), ...array_values( $user_ids ) ) ) );

		$items = array();
		foreach ( $paged as $room => $entries ) {
			sort( $user_ids[ $room ] );
			$users = array();
			foreach ( $user_ids[ $room ] as $user_id ) {
				$user = get_userdata( $user_id );
				if ( $user ) {
					$users[] = array(
						'user_id'      => $user_id,
						'display_name' => (string) $user->display_name,
						'avatar_url'   => $this->avatar_url( $user_id ),
					);
				}
			}
			$items[] = array(
				'room'       => (string) $room,
				'user_count' => count( $users ),
				'users'      => $users,
				'entries'    => $entries,
			);
		}

		$response = rest_ensure_response( $items );
		$response->header( 'X-WP-Total', (string) $total );
		$response->header( 'X-WP-TotalPages', (string) (int) ceil( $total / $per_page ) );
		return $response;
	}

	/**
	 * An entry as the REST API shows it, with the owner's display name and avatar. Its data is
	 * what the current user may see of it (wpp_privacy_entry_for_viewer()): nothing about a post
	 * they may not edit.
	 *
	 * @since 0.1.0
	 * @since 0.2.0 Data filtered for the current user.
	 *
	 * @param array           $item    Entry (see WPP_Backend).
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function prepare_item_for_response( $item, $request ) {
		$item = wpp_privacy_entry_for_viewer( (array) $item, wp_get_current_user() ) ?? array_merge( (array) $item, array( 'data' => array() ) );
		$user_id = (int) ( $item['user_id'] ?? 0 );
		$user    = $user_id > 0 ? get_userdata( $user_id ) : false;
		return rest_ensure_response(
			array(
				'room'         => (string) ( $item['room'] ?? '' ),
				'client_id'    => (string) ( $item['client_id'] ?? '' ),
				'user_id'      => $user_id,
				'data'         => (object) ( $item['data'] ?? array() ),
				'date_gmt'     => (string) ( $item['date_gmt'] ?? '' ),
				'display_name' => $user ? (string) $user->display_name : '',
				'avatar_url'   => $user ? $this->avatar_url( $user_id ) : '',
			)
		);
	}

	/**
	 * The avatar URL the REST API gives for a user, as the Presence API feature plugin's REST API
	 * gives it: `get_avatar_url( $user_id, array( 'size' => 32 ) )`; '' when there is none.
	 *
	 * @since 0.2.0
	 *
	 * @param int $user_id User id.
	 * @return string
	 */
	protected function avatar_url( int $user_id ): string {
		$url = get_avatar_url( $user_id, array( 'size' => 32 ) );
		return is_string( $url ) ? $url : '';
	}

	/**
	 * Schema of an entry.
	 *
	 * @since 0.1.0
	 *
	 * @return array
	 */
	public function get_item_schema() {
		if ( $this->schema ) {
			return $this->add_additional_fields_schema( $this->schema );
		}
		$this->schema = array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'presence-entry',
			'type'       => 'object',
			'properties' => array(
				'room'         => array( 'type' => 'string', 'description' => __( 'Room name.', 'presence' ) ),
				'client_id'    => array( 'type' => 'string', 'description' => __( 'Client id.', 'presence' ) ),
				'user_id'      => array( 'type' => 'integer', 'description' => __( 'Owner.', 'presence' ) ),
				'data'         => array( 'type' => 'object', 'description' => __( 'State.', 'presence' ) ),
				'date_gmt'     => array( 'type' => 'string', 'description' => __( 'Last write, UTC.', 'presence' ) ),
				'display_name' => array( 'type' => 'string', 'description' => __( 'Owner display name.', 'presence' ) ),
				'avatar_url'   => array( 'type' => 'string', 'format' => 'uri', 'description' => __( 'Owner avatar.', 'presence' ) ),
			),
		);
		return $this->add_additional_fields_schema( $this->schema );
	}
}
