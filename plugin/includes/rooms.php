<?php
/**
 * Room names, input validation and room access.
 *
 * Rooms are public names such as `admin/online` or `postType/post:12`. Backends namespace them
 * per site themselves; nothing here knows about the namespace.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Longest public room name in bytes. The native backend prefixes rooms with
 * `{install_key}/{blog_id}/` (at most 31 bytes), and the extension accepts 191 bytes.
 *
 * @since 0.1.0
 */
const WPP_MAX_ROOM_BYTES = 160;

/**
 * Longest client id in bytes.
 *
 * @since 0.1.0
 */
const WPP_MAX_CLIENT_ID_BYTES = 128;

/**
 * Largest entry state, in bytes of its JSON encoding.
 *
 * @since 0.1.0
 */
const WPP_MAX_STATE_BYTES = 10240;

/**
 * Deepest nesting of an entry state (the state array itself is level 1).
 *
 * @since 0.1.0
 */
const WPP_MAX_STATE_DEPTH = 3;

/**
 * The room of everyone who is logged in to wp-admin.
 *
 * @since 0.1.0
 */
const WPP_ADMIN_ROOM = 'admin/online';

/**
 * Pattern shared by the PHP API and the REST arguments for room names and client ids:
 * any printable character, no control characters.
 *
 * @since 0.1.0
 */
const WPP_NAME_PATTERN = '^[^\x00-\x1F\x7F]+$';

/**
 * Validates a room name or a client id.
 *
 * @since 0.1.0
 *
 * @param mixed  $value     Value to check.
 * @param string $what      'room' or 'client_id' (names the argument in the error).
 * @return true|WP_Error True when valid; WP_Error with status 400 otherwise.
 */
function wpp_validate_name( $value, string $what = 'room' ) {
	$max = 'room' === $what ? WPP_MAX_ROOM_BYTES : WPP_MAX_CLIENT_ID_BYTES;
	if ( ! is_string( $value ) || '' === $value ) {
		/* translators: %s: argument name. */
		return new WP_Error( 'wpp_invalid_' . $what, sprintf( __( '%s must be a non-empty string.', 'presence' ), $what ), array( 'status' => 400 ) );
	}
	if ( strlen( $value ) > $max ) {
		/* translators: 1: argument name, 2: number of bytes. */
		return new WP_Error( 'wpp_invalid_' . $what, sprintf( __( '%1$s must be at most %2$d bytes long.', 'presence' ), $what, $max ), array( 'status' => 400 ) );
	}
	if ( ! preg_match( '/' . WPP_NAME_PATTERN . '/uD', $value ) ) { // D: $ must not match before a final newline.
		/* translators: %s: argument name. */
		return new WP_Error( 'wpp_invalid_' . $what, sprintf( __( '%s must be valid UTF-8 without control characters.', 'presence' ), $what ), array( 'status' => 400 ) );
	}
	return true;
}

/**
 * Validates an entry state: an array of scalars and arrays, at most WPP_MAX_STATE_BYTES as JSON
 * and at most WPP_MAX_STATE_DEPTH levels deep.
 *
 * @since 0.1.0
 *
 * @param mixed $state State to check.
 * @return true|WP_Error
 */
function wpp_validate_state( $state ) {
	if ( ! is_array( $state ) ) {
		return new WP_Error( 'wpp_invalid_data', __( 'data must be an object.', 'presence' ), array( 'status' => 400 ) );
	}
	if ( wpp_array_depth( $state, WPP_MAX_STATE_DEPTH + 1 ) > WPP_MAX_STATE_DEPTH ) {
		/* translators: %d: maximum depth. */
		return new WP_Error( 'wpp_invalid_data', sprintf( __( 'data must be at most %d levels deep.', 'presence' ), WPP_MAX_STATE_DEPTH ), array( 'status' => 400 ) );
	}
	$json = wp_json_encode( $state );
	if ( false === $json || ! wpp_state_values_ok( $state ) ) {
		return new WP_Error( 'wpp_invalid_data', __( 'data may only hold strings (UTF-8), numbers, booleans, null and arrays.', 'presence' ), array( 'status' => 400 ) );
	}
	if ( strlen( $json ) > WPP_MAX_STATE_BYTES ) {
		/* translators: %d: maximum size in bytes. */
		return new WP_Error( 'wpp_data_too_large', sprintf( __( 'data must be at most %d bytes as JSON.', 'presence' ), WPP_MAX_STATE_BYTES ), array( 'status' => 400 ) );
	}
	return true;
}

/**
 * Nesting depth of an array, counting stops at $stop so huge or cyclic inputs stay cheap.
 *
 * @since 0.1.0
 *
 * @param array $value Array to measure.
 * @param int   $stop  Depth at which to stop looking.
 * @return int 1 for a flat array.
 */
function wpp_array_depth( array $value, int $stop ): int {
	if ( $stop <= 1 ) {
		return 1;
	}
	$depth = 1;
	foreach ( $value as $item ) {
		if ( is_array( $item ) ) {
			$depth = max( $depth, 1 + wpp_array_depth( $item, $stop - 1 ) );
			if ( $depth >= $stop ) {
				break;
			}
		}
	}
	return $depth;
}

/**
 * Whether every leaf of a state is a string, int, float, bool or null (no objects, resources).
 *
 * @since 0.1.0
 *
 * @param array $value State (depth already checked).
 * @return bool
 */
function wpp_state_values_ok( array $value ): bool {
	foreach ( $value as $key => $item ) {
		if ( is_string( $key ) && ! preg_match( '//u', $key ) ) {
			return false;
		}
		if ( is_array( $item ) ) {
			if ( ! wpp_state_values_ok( $item ) ) {
				return false;
			}
		} elseif ( ! ( is_scalar( $item ) || null === $item ) ) {
			return false;
		} elseif ( is_float( $item ) && ! is_finite( $item ) ) {
			return false;
		} elseif ( is_string( $item ) && ! preg_match( '//u', $item ) ) {
			return false;
		}
	}
	return true;
}

/**
 * The default TTL of an entry and the default `$timeout` of wp_get_presence().
 *
 * @since 0.1.0
 *
 * @return int Seconds, 1..86400.
 */
function wpp_default_ttl(): int {
	/**
	 * Filters the time in seconds an entry stays live without being refreshed.
	 *
	 * Keep it above 120: WordPress slows the heartbeat of unfocused tabs to 120 s.
	 *
	 * @since 0.1.0
	 *
	 * @param int $ttl Seconds. Default WP_PRESENCE_DEFAULT_TTL (150).
	 */
	$ttl = (int) apply_filters( 'wp_presence_default_ttl', defined( 'WP_PRESENCE_DEFAULT_TTL' ) ? WP_PRESENCE_DEFAULT_TTL : 150 );
	return max( 1, min( 86400, $ttl ) );
}

/**
 * Clamps a caller's timeout / max age into the range every backend accepts.
 *
 * @since 0.1.0
 *
 * @param mixed $seconds Timeout given by a caller.
 * @return int 1..86400.
 */
function wpp_clamp_age( $seconds ): int {
	$seconds = is_numeric( $seconds ) ? (int) $seconds : wpp_default_ttl();
	return max( 1, min( 86400, $seconds ) );
}

/**
 * The room of a post: `postType/{type}:{id}`, or false when the post type does not support
 * `presence` or the post does not exist.
 *
 * @since 0.1.0
 *
 * @param int|WP_Post|null $post Post or post id.
 * @return string|false
 */
function wpp_post_room( $post ) {
	$post = get_post( $post );
	if ( ! $post instanceof WP_Post || ! post_type_supports( $post->post_type, 'presence' ) ) {
		return false;
	}
	return 'postType/' . $post->post_type . ':' . $post->ID;
}

/**
 * Parses a post room name.
 *
 * @since 0.1.0
 *
 * @param string $room Room name.
 * @return array{0:string,1:int}|null [post type, post id], or null when $room is no post room.
 */
function wpp_parse_post_room( string $room ): ?array {
	if ( ! preg_match( '/^postType\/([a-z0-9_\-]{1,20}):([1-9][0-9]{0,19})$/', $room, $m ) ) {
		return null;
	}
	return array( $m[1], (int) $m[2] );
}

/**
 * Whether a user may see and join a room.
 *
 * Logged-out users never may. `postType/{type}:{id}` needs `edit_post` on that post, whose type
 * must be {type}; every other room needs `edit_posts`.
 *
 * @since 0.1.0
 *
 * @param string $room    Room name.
 * @param int    $user_id User id; 0 = the current user.
 * @return bool
 */
function wpp_can_access_room( $room, int $user_id = 0 ): bool {
	$user_id = $user_id > 0 ? $user_id : get_current_user_id();
	// The current user's object as it is: user_can() with an id builds a new WP_User every call.
	$user = get_current_user_id() === $user_id ? wp_get_current_user() : $user_id;
	if ( $user_id <= 0 || true !== wpp_validate_name( $room, 'room' ) ) {
		$allowed = false;
	} elseif ( str_starts_with( $room, 'postType/' ) ) {
		$parsed  = wpp_parse_post_room( $room );
		$post    = $parsed ? get_post( $parsed[1] ) : null;
		$allowed = $post instanceof WP_Post
			&& $post->post_type === $parsed[0]
			&& user_can( $user, 'edit_post', $post->ID );
	} else {
		$allowed = user_can( $user, 'edit_posts' );
	}

	/**
	 * Filters whether a user may see and join a presence room.
	 *
	 * @since 0.1.0
	 *
	 * @param bool   $allowed Whether access is granted.
	 * @param string $room    Room name (may be invalid when $allowed is false).
	 * @param int    $user_id User id (0 when logged out).
	 */
	return (bool) apply_filters( 'wpp_can_access_room', $allowed, $room, $user_id );
}

/**
 * Adds `presence` support to posts and pages. Hooked to `init`.
 *
 * @since 0.1.0
 */
function wpp_add_post_type_support(): void {
	add_post_type_support( 'post', 'presence' );
	add_post_type_support( 'page', 'presence' );
}
