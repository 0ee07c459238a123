<?php
/**
 * Turning rooms into the payloads the browser gets: `presence-online`, and the parts every other
 * answer shares (user items, versions, the users of several rooms at once).
 *
 * Who someone is and where is read from the entry's data, written by the user's own heartbeat
 * (write.php), so building a payload never looks up a user. What a viewer reads about the post
 * (its title, its edit link) is built on read, for that viewer, after
 * wpp_privacy_entry_for_viewer(); the posts are loaded in one query first. With the native
 * backend an unchanged answer costs presence no database query, a full one at most one.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Seconds after which a user whose entry was not refreshed counts as idle.
 *
 * @since 0.1.0
 *
 * @return int
 */
function wpp_payload_idle_after(): int {
	/**
	 * Filters after how many seconds without a heartbeat a user is shown as idle.
	 *
	 * A page without focus says so in its ping (`away`), and its user shows as idle at once; this
	 * is for pages that stopped pinging (asleep, crashed) before their entries expire. A focused
	 * page pings at least every minute; with the live lane, at the widest interval inside the
	 * TTL, which the default then leaves room for.
	 *
	 * @since 0.1.0
	 * @since 0.3.0 The default follows the live lane's heartbeat interval.
	 *
	 * @param int $seconds Default 90, or the live lane's heartbeat interval plus 10 s when wider.
	 */
	$default = wpp_lane_enabled() ? max( 90, wpp_lane_keepalive() + 10 ) : 90;
	return max( 1, (int) apply_filters( 'wpp_presence_idle_after', $default ) );
}

/**
 * Most users listed in `presence-online`.
 *
 * @since 0.1.0
 *
 * @return int
 */
function wpp_payload_online_limit(): int {
	/**
	 * Filters how many users `presence-online` lists (most recent first). The total is always sent.
	 *
	 * @since 0.1.0
	 *
	 * @param int $limit Default 50.
	 */
	return max( 1, min( 1000, (int) apply_filters( 'wpp_presence_online_limit', 50 ) ) );
}

/**
 * The `presence-online` payload, as the viewer may see it.
 *
 * @since 0.1.0
 * @since 0.2.0 Built for a viewer: each user's place is a label from wpp_screens_where().
 *
 * @param int|null $known_version Version the browser already has, null if none.
 * @param float    $now           Current unix time.
 * @param WP_User  $viewer        The person who gets the answer.
 * @return array `{version, unchanged: true}` or `{version, total, users: [...]}`.
 */
function wpp_payload_online( ?int $known_version, float $now, WP_User $viewer ): array {
	$read = wpp_payload_online_read( $known_version );
	if ( isset( $read['unchanged'] ) ) {
		return $read;
	}
	wpp_privacy_prime_posts( $read['entries'] );
	return wpp_payload_online_build( $read, $now, $viewer );
}

/**
 * First half of the `presence-online` payload: the room's version and, when the browser does not
 * hold it, its user entries. No database query with the native backend.
 *
 * @since 0.2.0
 *
 * @param int|null $known_version Version the browser already has, null if none.
 * @return array `{version, unchanged: true}` or `{version, total, entries}`.
 */
function wpp_payload_online_read( ?int $known_version ): array {
	$version = wpp_payload_version( wpp_backend()->room_version( WPP_ADMIN_ROOM ) );
	if ( null !== $known_version && $known_version === $version ) {
		return array(
			'version'   => $version,
			'unchanged' => true,
		);
	}
	list( $entries, $total ) = wpp_payload_read_users( WPP_ADMIN_ROOM, wpp_payload_online_limit(), 0 );
	return array(
		'version' => $version,
		'total'   => $total,
		'entries' => $entries,
	);
}

/**
 * Second half of the `presence-online` payload: each entry as the viewer may see it. The posts
 * the entries name must be loaded already (wpp_privacy_prime_posts()).
 *
 * @since 0.2.0
 *
 * @param array   $read   What wpp_payload_online_read() returned (not unchanged).
 * @param float   $now    Current unix time.
 * @param WP_User $viewer The person who gets the answer.
 * @return array `{version, total, users: [...]}`.
 */
function wpp_payload_online_build( array $read, float $now, WP_User $viewer ): array {
	$users = array();
	$where = array(); // Many people are on the same screen: each label is built once.
	foreach ( wpp_privacy_entries_for_viewer( $read['entries'], $viewer ) as $visible ) {
		$place = ( $visible['data']['screen'] ?? '' ) . '|' . ( $visible['data']['post_id'] ?? '' );
		if ( ! isset( $where[ $place ] ) ) {
			$where[ $place ] = wpp_screens_where( $visible['data'], $viewer );
		}
		$users[] = wpp_payload_user_item( $visible, $now ) + $where[ $place ];
	}
	return array(
		'version' => $read['version'],
		'total'   => $read['total'],
		'users'   => $users,
	);
}

/**
 * The heartbeat's user entries of a room, most recent first, at most $limit of them, and how many
 * there are in all.
 *
 * One read of $limit (+1 for the left-out user) entries is enough while the room holds only
 * heartbeat entries. Entries other code writes into the same room (a REST client's tabs, say)
 * are not users: when they took places in that read, the whole room is read, so they can never
 * push users out of the list.
 *
 * @since 0.1.0
 *
 * @param string $room    Room name.
 * @param int    $limit   Most users returned.
 * @param int    $exclude User left out (the current user in the editors list); 0 for none.
 * @return array{0:array[],1:int} [entries, total number of users].
 */
function wpp_payload_read_users( string $room, int $limit, int $exclude ): array {
	$backend = wpp_backend();
	$ttl     = wpp_entries_default_ttl();
	$read    = $limit + ( $exclude > 0 ? 1 : 0 );
	$entries = $backend->get_room( $room, $ttl, $read );
	$users   = wpp_client_ids_user_entries( $entries, $exclude );
	$full    = count( $entries ) >= $read;
	$others  = count( $entries ) - count( wpp_client_ids_user_entries( $entries ) );
	if ( $full && $others > 0 && count( $users ) < $limit ) {
		$users = wpp_client_ids_user_entries( $backend->get_room( $room, $ttl ), $exclude );
		$full  = false;
	}
	// The whole room was read: the total is exact. Otherwise it is the room's entry count.
	$total = $full ? max( count( $users ), $backend->count_room( $room, $ttl ) - ( $exclude > 0 ? 1 : 0 ) ) : count( $users );
	return array( array_slice( $users, 0, $limit ), $total );
}

/**
 * A room version as the browser can hold it: JavaScript numbers are exact only up to 2^53, and
 * a backend may return any 64-bit value (a hash, say). The low 53 bits still change whenever the
 * version does (but for a 1 in 2^53 chance), and survive the round trip through JSON.
 *
 * @since 0.1.0
 *
 * @param int $version Backend version.
 * @return int 0..2^53-1.
 */
function wpp_payload_version( int $version ): int {
	return $version & 0x1FFFFFFFFFFFFF;
}

/**
 * The part of a user item shared by both payloads, from the entry alone. Idle: the page that
 * wrote it had no focus, or it is older than wpp_payload_idle_after(). `is_agent`: the entry is an
 * agent's save (agents.php), for the surfaces to label.
 *
 * @since 0.1.0
 * @since 0.3.0 `is_agent`; idle also when the entry says `away`.
 *
 * @param array $entry Backend entry.
 * @param float $now   Current unix time.
 * @return array
 */
function wpp_payload_user_item( array $entry, float $now ): array {
	$data       = is_array( $entry['data'] ?? null ) ? $entry['data'] : array();
	$updated_at = (float) ( $entry['updated_at'] ?? 0 );
	return array(
		'user_id'      => (int) $entry['user_id'],
		'display_name' => (string) ( $data['display_name'] ?? '' ),
		'avatar_url'   => (string) ( $data['avatar_url'] ?? '' ),
		'date_gmt'     => (string) ( $entry['date_gmt'] ?? '' ),
		'updated_at'   => $updated_at,
		'status'       => ! empty( $data['away'] ) || $now - $updated_at > wpp_payload_idle_after() ? 'idle' : 'active',
		'is_agent'     => wpp_agents_is_entry( $entry ),
	);
}

/**
 * The heartbeat users of several rooms, and one version over all of them that changes when any
 * of them joins, leaves or changes (not when they only tick), for the surfaces that show many
 * rooms at once (Active posts, the posts list).
 *
 * @since 0.2.0
 *
 * @param array<string,array[]> $rooms   room => entries (WPP_Backend::get_rooms()).
 * @param int                   $exclude User left out; 0 for none.
 * @return array{version:int,people:array<string,array[]>} people: room => user entries, for the
 *                                                          rooms that have any.
 */
function wpp_payload_rooms_people( array $rooms, int $exclude = 0 ): array {
	$people = array();
	$hash   = hash_init( 'sha256' );
	foreach ( $rooms as $room => $entries ) {
		$users = wpp_client_ids_user_entries( $entries, $exclude );
		if ( ! $users ) {
			continue;
		}
		$people[ $room ] = $users;
		foreach ( $users as $entry ) {
			hash_update( $hash, $room . "\0" . $entry['user_id'] . "\0" . wp_json_encode( $entry['data'] ) . "\n" );
		}
	}
	return array(
		'version' => $people ? wpp_payload_version( (int) hexdec( substr( hash_final( $hash ), 0, 15 ) ) ) : 0,
		'people'  => $people,
	);
}
