<?php
/**
 * What every name and state must be before any backend sees it: the limits, the checks, and the
 * range of ages the backends accept. The REST arguments declare the same limits.
 *
 * @package Presence
 * @since   0.2.0
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
 * Pattern shared by the PHP API and the REST arguments for room names and client ids:
 * any printable character, no control characters, and no space at the end: MySQL compares
 * VARCHARs without their trailing spaces (PAD SPACE, binary collations too), so in the database
 * backend `user-1 ` would be the entry `user-1`, while the extension would keep them apart.
 *
 * @since 0.1.0
 * @since 0.2.0 No trailing space.
 */
const WPP_NAME_PATTERN = '^[^\x00-\x1F\x7F]*[^\x00-\x1F\x7F ]$';

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
		return new WP_Error( 'wpp_invalid_' . $what, sprintf( __( '%s must be valid UTF-8 without control characters, and must not end in a space.', 'presence' ), $what ), array( 'status' => 400 ) );
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
	if ( wpp_validate_array_depth( $state, WPP_MAX_STATE_DEPTH + 1 ) > WPP_MAX_STATE_DEPTH ) {
		/* translators: %d: maximum depth. */
		return new WP_Error( 'wpp_invalid_data', sprintf( __( 'data must be at most %d levels deep.', 'presence' ), WPP_MAX_STATE_DEPTH ), array( 'status' => 400 ) );
	}
	$json = wp_json_encode( $state );
	if ( false === $json || ! wpp_validate_state_values( $state ) ) {
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
function wpp_validate_array_depth( array $value, int $stop ): int {
	if ( $stop <= 1 ) {
		return 1;
	}
	$depth = 1;
	foreach ( $value as $item ) {
		if ( is_array( $item ) ) {
			$depth = max( $depth, 1 + wpp_validate_array_depth( $item, $stop - 1 ) );
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
function wpp_validate_state_values( array $value ): bool {
	foreach ( $value as $key => $item ) {
		if ( is_string( $key ) && ! preg_match( '//u', $key ) ) {
			return false;
		}
		if ( is_array( $item ) ) {
			if ( ! wpp_validate_state_values( $item ) ) {
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
 * Clamps a caller's timeout / max age into the range every backend accepts.
 *
 * @since 0.1.0
 *
 * @param mixed $seconds Timeout given by a caller.
 * @return int 1..86400.
 */
function wpp_validate_clamp_age( $seconds ): int {
	$seconds = is_numeric( $seconds ) ? (int) $seconds : wpp_entries_default_ttl();
	return max( 1, min( 86400, $seconds ) );
}

/**
 * A caller's `$date_gmt` as a Unix time: a string of exactly `YYYY-MM-DD HH:MM:SS` (UTC), a real
 * calendar date and time; a time after now counts as now (a relay keeps each client's own time,
 * never one from the future).
 *
 * @since 0.3.0
 *
 * @param mixed $date_gmt Date given by the caller.
 * @return float|WP_Error Unix time, or WP_Error `presence_invalid_date_gmt` (status 400).
 */
function wpp_validate_date_gmt( $date_gmt ) {
	$invalid = new WP_Error( 'presence_invalid_date_gmt', __( 'date_gmt must be a UTC date and time written as YYYY-MM-DD HH:MM:SS.', 'presence' ), array( 'status' => 400 ) );
	if ( ! is_string( $date_gmt ) || 1 !== preg_match( '/^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/D', $date_gmt, $m ) ) {
		return $invalid;
	}
	if ( ! checkdate( (int) $m[2], (int) $m[3], (int) $m[1] ) || (int) $m[4] > 23 || (int) $m[5] > 59 || (int) $m[6] > 59 ) {
		return $invalid;
	}
	$time = gmmktime( (int) $m[4], (int) $m[5], (int) $m[6], (int) $m[2], (int) $m[3], (int) $m[1] );
	return (float) min( $time, time() );
}

/**
 * A caller's `$expires_in`: a number of seconds of at least 1 (numeric strings too; 0.5 is 0),
 * trimmed to wpp_entries_max_expires_in().
 *
 * @since 0.3.0
 *
 * @param mixed $expires_in Seconds given by the caller.
 * @return int|WP_Error Seconds, or WP_Error `presence_invalid_expires_in` (status 400).
 */
function wpp_validate_expires_in( $expires_in ) {
	if ( ! is_numeric( $expires_in ) || (int) $expires_in < 1 ) {
		return new WP_Error( 'presence_invalid_expires_in', __( 'expires_in must be a number of seconds of at least 1.', 'presence' ), array( 'status' => 400 ) );
	}
	return min( (int) $expires_in, wpp_entries_max_expires_in() );
}

/**
 * A caller's `$unless_written_after` for a leave: null (remove whatever was written), or a Unix
 * time of 0 or later (an entry's `updated_at`; numeric strings too).
 *
 * @since 0.3.0
 *
 * @param mixed $time Time given by the caller.
 * @return float|null|WP_Error Seconds, null, or WP_Error `presence_invalid_unless_written_after`
 *                             (status 400).
 */
function wpp_validate_unless_written_after( $time ) {
	if ( null === $time ) {
		return null;
	}
	if ( ! is_numeric( $time ) || ! is_finite( (float) $time ) || (float) $time < 0 ) {
		return new WP_Error( 'presence_invalid_unless_written_after', __( 'unless_written_after must be a Unix time of 0 or later.', 'presence' ), array( 'status' => 400 ) );
	}
	return (float) $time;
}

/**
 * A caller's `$timeout` for a read: null is no window (each entry counts until its own expiry);
 * anything else is `max( 0, (int) $timeout )` seconds on the entries' dates, and a window longer
 * than any entry can live is none.
 *
 * @since 0.3.0
 *
 * @param mixed $timeout Timeout given by the caller.
 * @return int|null Seconds (0 = nothing is that recent), or null for no window.
 */
function wpp_validate_timeout( $timeout ): ?int {
	if ( null === $timeout ) {
		return null;
	}
	$seconds = is_numeric( $timeout ) ? max( 0, (int) $timeout ) : 0;
	return $seconds >= 86400 ? null : $seconds;
}
