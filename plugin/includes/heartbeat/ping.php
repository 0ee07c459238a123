<?php
/**
 * Reading what the browser sends in a heartbeat: `presence-ping`, `presence-editor-ping` and
 * core's `wp-refresh-post-lock`. Every field is length-capped and sanitized here, before anything
 * else sees it; the rest of the heartbeat code only handles the arrays returned below.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Longest screen id kept from a ping, in characters.
 *
 * @since 0.1.0
 */
const WPP_PING_SCREEN_CHARS = 64;

/**
 * Longest tab id kept from a ping, in characters (the server makes them 12 long).
 *
 * @since 0.2.0
 */
const WPP_PING_TAB_CHARS = 32;

/**
 * Largest raw string looked at at all, in bytes; longer input is cut before any other work so
 * a huge field costs nothing.
 *
 * @since 0.1.0
 */
const WPP_PING_RAW_BYTES = 1024;

/**
 * Parses `presence-ping` from heartbeat data.
 *
 * Wire format: `{screen: string, post_id?: int, tab?: string, away?: bool, versions?: {online?: int, editors?: int}}`
 * (`away`: the page has no focus — hidden, in a window behind another, or left alone for minutes).
 * A `title` the browser may still send is ignored: titles others read come from the server's post.
 *
 * @since 0.1.0
 * @since 0.3.0 `away`.
 *
 * @param array  $data      Heartbeat data ($_POST['data'], unslashed by core).
 * @param string $screen_id Screen id core received with the tick (already sanitize_key()ed);
 *                          used when the ping names no screen.
 * @return array|null ['screen' => string, 'post_id' => int, 'tab' => string, 'away' => bool,
 *                    'versions' => ['online' => ?int, 'editors' => ?int]], or null without a ping.
 */
function wpp_ping_read( array $data, string $screen_id ): ?array {
	$ping = $data['presence-ping'] ?? null;
	if ( ! is_array( $ping ) ) {
		return null;
	}

	$screen = wpp_ping_clean_key( $ping['screen'] ?? '' );
	if ( '' === $screen ) {
		$screen = wpp_ping_clean_key( $screen_id );
	}

	$versions = is_array( $ping['versions'] ?? null ) ? $ping['versions'] : array();

	return array(
		'screen'   => '' === $screen ? 'unknown' : $screen,
		'post_id'  => wpp_ping_clean_id( $ping['post_id'] ?? 0 ),
		'tab'      => wpp_ping_clean_tab( $ping['tab'] ?? '' ),
		'away'     => in_array( $ping['away'] ?? null, array( true, 'true', '1', 1 ), true ),
		'versions' => array(
			'online'  => wpp_ping_clean_version( $versions['online'] ?? null ),
			'editors' => wpp_ping_clean_version( $versions['editors'] ?? null ),
		),
	);
}

/**
 * Post id of `presence-editor-ping` (`{post_id: int}`), 0 when absent or invalid.
 *
 * @since 0.1.0
 *
 * @param array $data Heartbeat data.
 * @return int
 */
function wpp_ping_read_editor( array $data ): int {
	$ping = $data['presence-editor-ping'] ?? null;
	return is_array( $ping ) ? wpp_ping_clean_id( $ping['post_id'] ?? 0 ) : 0;
}

/**
 * Post id of core's `wp-refresh-post-lock` (`{post_id: int, lock?: string}`), 0 when absent.
 *
 * @since 0.1.0
 *
 * @param array $data Heartbeat data.
 * @return int
 */
function wpp_ping_read_post_lock( array $data ): int {
	$lock = $data['wp-refresh-post-lock'] ?? null;
	return is_array( $lock ) ? wpp_ping_clean_id( $lock['post_id'] ?? 0 ) : 0;
}

/**
 * A screen id: lower-case letters, digits, `_` and `-`, at most WPP_PING_SCREEN_CHARS.
 *
 * @since 0.1.0
 *
 * @param mixed $value Raw value.
 * @return string Possibly empty.
 */
function wpp_ping_clean_key( $value ): string {
	if ( ! is_string( $value ) ) {
		return '';
	}
	return substr( sanitize_key( substr( $value, 0, WPP_PING_RAW_BYTES ) ), 0, WPP_PING_SCREEN_CHARS );
}

/**
 * A tab id: letters and digits, at most WPP_PING_TAB_CHARS; '' for anything else.
 *
 * @since 0.2.0
 *
 * @param mixed $value Raw value.
 * @return string
 */
function wpp_ping_clean_tab( $value ): string {
	return is_string( $value ) && 1 === preg_match( '/^[A-Za-z0-9]{1,' . WPP_PING_TAB_CHARS . '}$/D', $value ) ? $value : '';
}

/**
 * A positive id, or 0.
 *
 * @since 0.1.0
 *
 * @param mixed $value Raw value (numbers arrive as strings in $_POST).
 * @return int
 */
function wpp_ping_clean_id( $value ): int {
	if ( is_int( $value ) ) {
		return max( 0, $value );
	}
	if ( is_string( $value ) && 1 === preg_match( '/^[1-9][0-9]{0,18}$/', $value ) ) {
		return (int) $value;
	}
	return 0;
}

/**
 * A room version the browser already has, or null when it sent none.
 *
 * @since 0.1.0
 *
 * @param mixed $value Raw value.
 * @return int|null
 */
function wpp_ping_clean_version( $value ): ?int {
	if ( is_int( $value ) ) {
		return $value;
	}
	if ( is_string( $value ) && 1 === preg_match( '/^-?[0-9]{1,19}$/', $value ) ) {
		return (int) $value;
	}
	return null;
}

/**
 * Parses `presence-active-posts` (`{version?: int}`), sent by a page showing the Active posts
 * widget.
 *
 * @since 0.2.0
 *
 * @param array $data Heartbeat data.
 * @return array|null ['version' => ?int], or null when not asked.
 */
function wpp_ping_read_active_posts( array $data ): ?array {
	$ask = $data['presence-active-posts'] ?? null;
	if ( ! is_array( $ask ) ) {
		return null;
	}
	return array( 'version' => wpp_ping_clean_version( $ask['version'] ?? null ) );
}

/**
 * Parses `presence-post-rows` (`{rooms: string[], nonce: string, version?: int}`), sent by a posts
 * list: the rooms of its rows as the page was served, signed for the user.
 *
 * @since 0.2.0
 *
 * @param array $data Heartbeat data.
 * @return array|null ['rooms' => string[], 'nonce' => string, 'version' => ?int], or null when not
 *                    asked or malformed (a room that is not a post room, too many rooms).
 */
function wpp_ping_read_post_rows( array $data ): ?array {
	$ask = $data['presence-post-rows'] ?? null;
	if ( ! is_array( $ask ) || ! is_array( $ask['rooms'] ?? null ) || ! is_string( $ask['nonce'] ?? null ) || count( $ask['rooms'] ) > WPP_POSTS_ROWS_MAX ) {
		return null;
	}
	$rooms = array();
	foreach ( $ask['rooms'] as $room ) {
		if ( ! is_string( $room ) || null === wpp_rooms_parse_post( $room ) ) {
			return null;
		}
		$rooms[] = $room;
	}
	return array(
		'rooms'   => $rooms,
		'nonce'   => substr( $ask['nonce'], 0, 64 ),
		'version' => wpp_ping_clean_version( $ask['version'] ?? null ),
	);
}

/**
 * Parses `presence-screen` (`{key: string, since: number}`): the stale-screen key of the page and
 * the unix time it was served.
 *
 * @since 0.2.0
 *
 * @param array $data Heartbeat data.
 * @return array|null ['key' => string, 'since' => float], or null when not sent or invalid.
 */
function wpp_ping_read_screen( array $data ): ?array {
	$ask   = $data['presence-screen'] ?? null;
	$since = is_array( $ask ) ? ( $ask['since'] ?? null ) : null;
	if ( ! is_array( $ask ) || ! wpp_stale_screen_is_key( $ask['key'] ?? null ) || ! is_numeric( $since ) || (float) $since <= 0 ) {
		return null;
	}
	return array(
		'key'   => $ask['key'],
		'since' => (float) $since,
	);
}
