<?php
/**
 * The live lane: how an open page learns within a second or two that a room it shows changed,
 * without a WordPress request per question.
 *
 * A page follows a few rooms (always `admin/online`; the post in the editor; the rows of a posts
 * list; rooms a script subscribes to through `wp.presence.usePresenceUsers()`). The plugin gives
 * the page a token for them — issued by the extension (presence_live_token()), signed with a
 * secret the store keeps and never shows, bound to this site's scope `{install_key}/{blog_id}`,
 * the user, those rooms, an expiry and the user's WordPress session — and the page's leading tab
 * asks plugin/live.php every second or two which of them changed. That file loads no WordPress:
 * it hands the token and the session it reads back from the logged-in cookie to the extension,
 * which answers the rooms' versions. A version is all it tells, and only for rooms whose answer
 * the heartbeat would give that user; when one moved, the page asks the heartbeat at once for
 * the answer built for it (the privacy rule applies there, as always).
 *
 * Tokens come with the page (wpp_lane_client_config()) and are renewed by the heartbeat
 * (`presence-live`, wpp_lane_heartbeat()): the page sends back its rooms with the signature the
 * server gave them (a nonce of the user's session, so renewing costs no query), and the heartbeat
 * answers every room's version, so the page never mistakes its own write for someone else's.
 * Logging out, or any other end of a session, revokes the user's tokens (presence_live_revoke()).
 *
 * Without the extension (the database backend), with the filter `wpp_live_lane_enabled` false,
 * or where the host refuses PHP files in wp-content (live/health.php finds out), there is no
 * lane: pages learn of changes from the heartbeat alone.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Most rooms one page follows (the extension's limit per token).
 *
 * @since 0.3.0
 */
const WPP_LANE_MAX_ROOMS = 32;

/**
 * Most rooms a page's scripts may add to the rooms the server chose for it.
 *
 * @since 0.3.0
 */
const WPP_LANE_MAX_EXTRA_ROOMS = 8;

/**
 * Whether pages of this site poll the live lane: the extension is the store (the database
 * backend has no lane), the filter allows it, and the host was not found to refuse the entry point.
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wpp_lane_enabled(): bool {
	$enabled = wpp_backend() instanceof WPP_Native_Backend && ! wpp_health_lane_refused();

	/**
	 * Filters whether open pages ask the live lane (plugin/live.php) which rooms changed. Off,
	 * they learn of changes from the heartbeat alone, as without the extension.
	 *
	 * @since 0.3.0
	 *
	 * @param bool $enabled Default: true with the extension, unless the host refuses the entry point.
	 */
	return (bool) apply_filters( 'wpp_live_lane_enabled', $enabled );
}

/**
 * URL of the entry point.
 *
 * @since 0.3.0
 *
 * @return string
 */
function wpp_lane_url(): string {
	return plugins_url( 'live.php', WPP_FILE );
}

/**
 * Seconds a token is valid; pages renew it with a heartbeat once half of it has passed.
 *
 * @since 0.3.0
 *
 * @return int 300..86400.
 */
function wpp_lane_token_ttl(): int {
	/**
	 * Filters how long a live-lane token is valid. A token tells the versions of the rooms it
	 * names; a user who loses the right to see a room stops learning that it changed when the
	 * page's signature of its rooms expires (a nonce: 12–24 hours), or at logout.
	 *
	 * @since 0.3.0
	 *
	 * @param int $seconds Default 3600.
	 */
	return max( 300, min( DAY_IN_SECONDS, (int) apply_filters( 'wpp_live_token_ttl', HOUR_IN_SECONDS ) ) );
}

/**
 * How often the leading tab polls, in milliseconds: the client's timing, from one place.
 *
 * @since 0.3.0
 *
 * @return array{interval:int,idleAfter:int,alone:int,max:int,crowd:int,crowdInterval:int}
 */
function wpp_lane_poll_settings(): array {
	$defaults = array(
		// While someone else could appear and the user is there: the latency bound is this
		// interval plus one heartbeat round trip.
		'interval'      => 1500,
		// Without a key press, click or pointer move for this long the user is idle: the polls
		// grow apart, by half each time, up to `max`. `alone`: the same while nobody else is online.
		'idleAfter'     => 30000,
		'alone'         => 4000,
		'max'           => 15000,
		// Above this many people online, a change of `admin/online` alone asks no heartbeat
		// (someone somewhere moved): a page that shows who is online (the dashboard) polls every
		// `crowdInterval` and takes the roster the lane answers; changes of the page's own rooms
		// still ask the heartbeat at once.
		'crowd'         => 50,
		'crowdInterval' => 4000,
	);

	/**
	 * Filters the live lane's poll timing (milliseconds; `crowd` is a number of people).
	 *
	 * @since 0.3.0
	 *
	 * @param array $settings `interval` (1000–2000), `idleAfter`, `alone`, `max`, `crowd`,
	 *                        `crowdInterval` (2000–8000: the crowd's roster polls; its bound
	 *                        on showing an arrival or a departure is this plus a poll).
	 */
	$settings = (array) apply_filters( 'wpp_live_poll_settings', $defaults );
	$int      = static fn( string $key, int $min, int $max ): int => max( $min, min( $max, (int) ( $settings[ $key ] ?? $defaults[ $key ] ) ) );
	$interval = $int( 'interval', 1000, 2000 );
	return array(
		'interval'      => $interval,
		'idleAfter'     => $int( 'idleAfter', 1000, 600000 ),
		'alone'         => $int( 'alone', 1000, 600000 ),
		'max'           => $int( 'max', $interval, 120000 ),
		'crowd'         => $int( 'crowd', 1, 100000 ),
		// At most 8 s: an arrival or departure shows within 10 s.
		'crowdInterval' => $int( 'crowdInterval', 2000, 8000 ),
	);
}

/**
 * The rooms a page follows, in order, without repeats: `admin/online` first, then the page's own.
 *
 * @since 0.3.0
 *
 * @param string[] $rooms The page's rooms (the post being edited, the rows of a posts list).
 * @return string[] At most WPP_LANE_MAX_ROOMS.
 */
function wpp_lane_page_rooms( array $rooms ): array {
	$out = array( WPP_ADMIN_ROOM );
	foreach ( $rooms as $room ) {
		if ( is_string( $room ) && true === wpp_validate_name( $room, 'room' ) && ! in_array( $room, $out, true ) ) {
			$out[] = $room;
		}
	}
	return array_slice( $out, 0, WPP_LANE_MAX_ROOMS );
}

/**
 * The nonce action that signs a page's list of rooms for the current user's session.
 *
 * @since 0.3.0
 *
 * @param string[] $rooms Rooms, in order.
 * @return string
 */
function wpp_lane_nonce_action( array $rooms ): string {
	return 'wpp_live|' . md5( implode( "\n", $rooms ) );
}

/**
 * The versions of rooms, as the entry point writes them (unsigned decimal strings).
 *
 * @since 0.3.0
 *
 * @param string[] $rooms Rooms.
 * @return array<string,string> room => version.
 */
function wpp_lane_versions( array $rooms ): array {
	$backend  = wpp_backend();
	$versions = array();
	if ( ! $backend instanceof WPP_Native_Backend ) {
		return $versions;
	}
	foreach ( $rooms as $room ) {
		$versions[ $room ] = $backend->live_version( $room );
	}
	return $versions;
}

/**
 * A token for the current user's session and these rooms.
 *
 * @since 0.3.0
 *
 * @param string[] $rooms Rooms (1..32).
 * @return array{token:string,expires:int}|null Null without a lane or a session.
 */
function wpp_lane_issue( array $rooms ): ?array {
	$backend = wpp_backend();
	$user_id = get_current_user_id();
	$session = wp_get_session_token();
	if ( ! $backend instanceof WPP_Native_Backend || $user_id <= 0 || '' === $session || ! $rooms ) {
		return null;
	}
	$ttl   = wpp_lane_token_ttl();
	$token = $backend->live_token( $rooms, $user_id, $ttl, $session, wpp_lane_roster_claim( $rooms ) );
	return false === $token ? null : array(
		'token'   => $token,
		'expires' => time() + $ttl,
	);
}

/**
 * How many people of `admin/online` the current user's token may read from the lane (its
 * roster: user ids and cards), 0 for none: the widget's list (no more than the heartbeat lists,
 * wpp_payload_online_limit()), for users the heartbeat gives it to (those who can `edit_posts`,
 * as the widget's gate) and who may be in the room (wpp_rooms_can_access()), when the token's
 * first room is `admin/online`. Cards say nothing about posts, so the privacy rule has nothing to
 * check here.
 *
 * @since 0.3.0
 *
 * @param string[] $rooms The token's rooms.
 * @return int 0 to WPP_WHOS_ONLINE_SHOWN.
 */
function wpp_lane_roster_claim( array $rooms ): int {
	if ( WPP_ADMIN_ROOM !== ( $rooms[0] ?? '' ) || ! current_user_can( 'edit_posts' ) || ! wpp_rooms_can_access( WPP_ADMIN_ROOM ) ) {
		return 0;
	}
	return min( WPP_WHOS_ONLINE_SHOWN, wpp_payload_online_limit() );
}

/**
 * What a page needs to use the lane (`live` in the client's configuration), or false when the
 * site has no lane. The rooms' versions are read before the page's surfaces are, so a change in
 * between is seen by the first poll rather than missed.
 *
 * @since 0.3.0
 *
 * @param string[] $rooms The page's rooms (wpp_lane_page_rooms()).
 * @return array|false
 */
function wpp_lane_client_config( array $rooms ) {
	if ( ! wpp_lane_enabled() || ! $rooms ) {
		return false;
	}
	$versions = wpp_lane_versions( $rooms );
	$issued   = wpp_lane_issue( $rooms );
	if ( null === $issued ) {
		return false;
	}
	return array(
		'url'       => wpp_lane_url(),
		'cookie'    => LOGGED_IN_COOKIE,
		'token'     => $issued['token'],
		'expires'   => $issued['expires'],
		'ttl'       => wpp_lane_token_ttl(),
		'rooms'     => array_values( $rooms ),
		'sig'       => wp_create_nonce( wpp_lane_nonce_action( $rooms ) ),
		'versions'  => $versions,
		'maxExtra'  => WPP_LANE_MAX_EXTRA_ROOMS,
		'poll'      => wpp_lane_poll_settings(),
		'keepalive' => wpp_lane_keepalive(),
	);
}

/**
 * Seconds between a leading tab's heartbeats while the lane works: the lane reports changes, so
 * the heartbeat only has to keep the user's entries alive — the widest interval inside the TTL.
 *
 * @since 0.3.0
 *
 * @return int
 */
function wpp_lane_keepalive(): int {
	return max( 15, wpp_entries_default_ttl() - WPP_LANE_TTL_MARGIN );
}

/**
 * Seconds a heartbeat must arrive before its entries expire (a slow answer, a busy server).
 *
 * @since 0.3.0
 */
const WPP_LANE_TTL_MARGIN = 15;

/**
 * Parses `presence-live` from heartbeat data:
 * `{rooms: string[], sig: string, extra?: string[], expires?: int, renew?: bool}`.
 *
 * @since 0.3.0
 *
 * @param array $data Heartbeat data.
 * @return array|null ['rooms', 'sig', 'extra', 'expires', 'renew'], or null when absent or malformed.
 */
function wpp_lane_read_ask( array $data ): ?array {
	$ask = $data['presence-live'] ?? null;
	if ( ! is_array( $ask ) || ! is_array( $ask['rooms'] ?? null ) || ! is_string( $ask['sig'] ?? null ) ) {
		return null;
	}
	$rooms = array_values( $ask['rooms'] );
	$extra = is_array( $ask['extra'] ?? null ) ? array_values( $ask['extra'] ) : array();
	if ( ! $rooms || count( $rooms ) > WPP_LANE_MAX_ROOMS || count( $extra ) > WPP_LANE_MAX_EXTRA_ROOMS || strlen( $ask['sig'] ) > 64 ) {
		return null;
	}
	foreach ( array_merge( $rooms, $extra ) as $room ) {
		if ( ! is_string( $room ) || true !== wpp_validate_name( $room, 'room' ) ) {
			return null;
		}
	}
	return array(
		'rooms'   => $rooms,
		'sig'     => $ask['sig'],
		'extra'   => array_values( array_diff( array_unique( $extra ), $rooms ) ),
		'expires' => is_numeric( $ask['expires'] ?? null ) ? (int) $ask['expires'] : 0,
		'renew'   => in_array( $ask['renew'] ?? null, array( true, 'true', '1', 1 ), true ),
	);
}

/**
 * Answers `presence-live`: every followed room's version, a fresh token when the page's is past
 * half its life, refused or asked for, and — when the page's scripts asked for more rooms that
 * this user may follow — the longer list, signed. Rooms the user may not follow are left out.
 * `{off: true}` tells the page there is no lane (any more).
 *
 * Hooked to `heartbeat_received` before the presence handlers write (see hooks.php): the
 * versions read here predate this tick's own writes and answers, so a change racing with them
 * is seen again by the next poll rather than lost. An unchanged tick makes no database query.
 *
 * @since 0.3.0
 *
 * @param array|mixed $response Heartbeat response being built.
 * @param array|mixed $data     Data the browser sent.
 * @return array|mixed
 */
function wpp_lane_heartbeat( $response, $data ) {
	if ( ! is_array( $response ) || ! is_array( $data ) ) {
		return $response;
	}
	$ask = wpp_lane_read_ask( $data );
	if ( null === $ask || ! is_user_logged_in() ) {
		return $response;
	}
	if ( ! wpp_lane_enabled() ) {
		$response['presence-live'] = array( 'off' => true );
		return $response;
	}
	if ( ! wp_verify_nonce( $ask['sig'], wpp_lane_nonce_action( $ask['rooms'] ) ) ) {
		return $response; // Not this session's list (or expired): the page reloads its rooms with the next page.
	}

	// The heartbeat's own rule: a user who may no longer edit posts follows nothing.
	if ( ! wp_get_current_user()->has_cap( 'edit_posts' ) ) {
		$response['presence-live'] = array( 'off' => true );
		return $response;
	}

	$rooms   = $ask['rooms'];
	$answer  = array();
	$added   = array();
	$renewal = $ask['renew'] || $ask['expires'] - time() < wpp_lane_token_ttl() / 2;
	if ( $renewal ) {
		// Access is asked again before a token is renewed (posts read once, not on every tick):
		// rooms this user may no longer see leave the list, and the tokens naming them are revoked.
		$kept = array_values( array_filter( $rooms, 'wpp_rooms_can_access' ) );
		if ( $kept !== $rooms ) {
			wpp_lane_revoke_here( get_current_user_id() );
			$rooms           = $kept;
			$answer['sig']   = wp_create_nonce( wpp_lane_nonce_action( $rooms ) );
			$answer['rooms'] = $rooms;
		}
	}
	foreach ( $ask['extra'] as $room ) {
		if ( count( $rooms ) < WPP_LANE_MAX_ROOMS && wpp_rooms_can_access( $room ) ) {
			$rooms[] = $room;
			$added[] = $room;
		}
	}
	$answer['versions'] = wpp_lane_versions( $rooms );
	if ( $added ) {
		$answer['rooms'] = $rooms;
		$answer['sig']   = wp_create_nonce( wpp_lane_nonce_action( $rooms ) );
	}
	if ( $added || $renewal ) {
		$issued = wpp_lane_issue( $rooms );
		if ( null !== $issued ) {
			$answer += $issued;
			$answer['rooms'] = $rooms;
		}
	}
	$response['presence-live'] = $answer;
	return $response;
}

/**
 * Revokes the user's tokens when one of their sessions ends (logging out, "Log out everywhere
 * else", a session destroyed by an administrator): the next poll of any of their pages is
 * refused, and pages still logged in get a new token with their next heartbeat. Hooked to the
 * `update_user_metadata` and `delete_user_metadata` filters, which pass through.
 *
 * @since 0.3.0
 *
 * @param null|bool $check      Short-circuit value (passed on untouched).
 * @param int       $user_id    User.
 * @param string    $meta_key   Meta key.
 * @param mixed     $meta_value New value (update) or value to delete.
 * @return null|bool $check.
 */
function wpp_lane_sessions_changed( $check, $user_id, $meta_key, $meta_value = null ) {
	if ( 'session_tokens' !== $meta_key || (int) $user_id <= 0 ) {
		return $check;
	}
	$before = get_user_meta( (int) $user_id, 'session_tokens', true );
	$after  = 'delete_user_metadata' === current_filter() ? array() : $meta_value;
	$ended  = array_diff_key( is_array( $before ) ? $before : array(), is_array( $after ) ? $after : array() );
	if ( $ended ) {
		wpp_lane_revoke( (int) $user_id );
	}
	return $check;
}

/**
 * Revokes a user's tokens on every site of theirs this store serves (on a network, the sites
 * they belong to: one logged-in cookie serves them all).
 *
 * @since 0.3.0
 *
 * @param int $user_id User.
 */
function wpp_lane_revoke( int $user_id ): void {
	if ( ! wpp_backend() instanceof WPP_Native_Backend ) {
		return;
	}
	if ( ! is_multisite() ) {
		wpp_lane_revoke_here( $user_id );
		return;
	}
	$blogs = array_keys( get_blogs_of_user( $user_id ) );
	// A super administrator works on sites they are no member of: at least the one at hand.
	$blogs[] = get_current_blog_id();
	foreach ( array_unique( array_map( 'intval', $blogs ) ) as $blog_id ) {
		switch_to_blog( $blog_id );
		wpp_lane_revoke_here( $user_id );
		restore_current_blog();
	}
}

/**
 * Revokes a user's tokens on the current site only: for what changes per site (a role, the
 * rooms the user may see there).
 *
 * @since 0.3.0
 *
 * @param int $user_id User.
 */
function wpp_lane_revoke_here( int $user_id ): void {
	$backend = wpp_backend();
	if ( $backend instanceof WPP_Native_Backend && $user_id > 0 ) {
		$backend->live_revoke( $user_id );
	}
}

/**
 * Revokes a user's tokens on the current site when their role there changes or they leave it
 * (`set_user_role`, `remove_user_role`, `remove_user_from_blog`, which WordPress fires on the
 * site concerned): what they may follow is asked again with their next heartbeat.
 *
 * @since 0.3.0
 *
 * @param int|mixed $user_id User.
 */
function wpp_lane_roles_changed( $user_id ): void {
	wpp_lane_revoke_here( (int) $user_id );
}
