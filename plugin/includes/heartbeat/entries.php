<?php
/**
 * Writing the heartbeat's presence entries and turning rooms into the payloads the browser gets.
 *
 * Who someone is (display name, avatar URL) and where (screen id, post id) is stored in the
 * entry's data when the user's own heartbeat writes it, so building a payload never looks up a
 * user. What a viewer reads about the post (its title, its edit link) is built on read, for that
 * viewer, after wpp_privacy_entry_for_viewer(); the posts are loaded in one query first. With the
 * native backend an unchanged answer costs presence no database query, a full one at most one.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * What every reader needs to show a user, taken from the user object the request already holds.
 *
 * The display name is stored as plain text: WordPress keeps it HTML-escaped (`&amp;`), and the
 * surfaces put it into the page as text, which would show the entities.
 *
 * @since 0.1.0
 *
 * @param WP_User $user The current user.
 * @return array{display_name:string,avatar_url:string}
 */
function wpp_heartbeat_user_fields( WP_User $user ): array {
	// Passing the WP_User (not its id) lets get_avatar_url() use the object as it is.
	$avatar = get_avatar_url( $user, array( 'size' => 64 ) );
	return array(
		'display_name' => wp_specialchars_decode( (string) $user->display_name, ENT_QUOTES ),
		'avatar_url'   => is_string( $avatar ) ? $avatar : '',
	);
}

/**
 * Writes (or refreshes) the user's `admin/online` entry: who they are, the screen they are on,
 * the post they are editing (only one the caller checked they may edit; 0 for none) and the
 * page (tab) that wrote it, so that page's leaving removes it only while it is still its own.
 *
 * @since 0.1.0
 * @since 0.2.0 Stores the post id and tab instead of a title the browser sent.
 *
 * @param WP_User $user    Current user.
 * @param string  $screen  Screen id (a clean key).
 * @param int     $post_id Post being edited, already checked; 0 for none.
 * @param string  $tab     Tab id of the page ('' when unknown).
 * @return bool Whether the backend stored it.
 */
function wpp_heartbeat_write_online( WP_User $user, string $screen, int $post_id = 0, string $tab = '' ): bool {
	$data = wpp_heartbeat_user_fields( $user ) + array(
		'screen'  => $screen,
		'post_id' => max( 0, $post_id ),
		'tab'     => $tab,
	);
	return wpp_backend()->set( WPP_ADMIN_ROOM, wpp_client_ids_user( $user->ID ), $data, $user->ID, wpp_entries_default_ttl() );
}

/**
 * Writes (or refreshes) the user's entry in a post's room. The editor ping, the editor's page load
 * and the post-lock bridge all come here, with the same client id and the same data, so one user
 * has one entry per post and a tick never flips its state (or the version).
 *
 * The entry carries the tab (page load) that has the editor open, so that page's leaving removes
 * it only while it is still its own (surfaces/leave.php). The post-lock bridge does not know the
 * tab: it passes null and keeps the tab the entry has.
 *
 * @since 0.1.0
 * @since 0.2.0 The tab.
 *
 * @param WP_User     $user    Current user.
 * @param int         $post_id Post being edited.
 * @param string|null $tab     Tab id ('' when unknown); null to keep the entry's own.
 * @return string|false The post's room when the user may be in it, false otherwise.
 */
function wpp_heartbeat_write_editor( WP_User $user, int $post_id, ?string $tab = '' ) {
	$room = $post_id > 0 ? wpp_rooms_for_post( $post_id ) : false;
	if ( false === $room || ! wpp_rooms_can_access( $room, $user->ID ) ) {
		return false;
	}
	$client = wpp_client_ids_user( $user->ID );
	if ( null === $tab ) {
		$entry = wpp_entries_find( $room, $client );
		$tab   = (string) ( $entry['data']['tab'] ?? '' );
	}
	wpp_backend()->set( $room, $client, wpp_heartbeat_user_fields( $user ) + array( 'tab' => $tab ), $user->ID, wpp_entries_default_ttl() );
	return $room;
}

/**
 * Seconds after which a user whose entry was not refreshed counts as idle.
 *
 * @since 0.1.0
 *
 * @return int
 */
function wpp_heartbeat_idle_after(): int {
	/**
	 * Filters after how many seconds without a heartbeat a user is shown as idle.
	 *
	 * A focused tab ticks at least every 60 s and a hidden tab sends no ping, so the default
	 * shows a user idle once their tabs are hidden or asleep, until the entry expires
	 * (wp_presence_default_ttl, 150 s by default).
	 *
	 * @since 0.1.0
	 *
	 * @param int $seconds Default 90.
	 */
	return max( 1, (int) apply_filters( 'wpp_presence_idle_after', 90 ) );
}

/**
 * Most users listed in `presence-online`.
 *
 * @since 0.1.0
 *
 * @return int
 */
function wpp_heartbeat_online_limit(): int {
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
function wpp_heartbeat_online_payload( ?int $known_version, float $now, WP_User $viewer ): array {
	$read = wpp_heartbeat_online_read( $known_version );
	if ( isset( $read['unchanged'] ) ) {
		return $read;
	}
	wpp_privacy_prime_posts( $read['entries'] );
	return wpp_heartbeat_online_build( $read, $now, $viewer );
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
function wpp_heartbeat_online_read( ?int $known_version ): array {
	$version = wpp_heartbeat_version( wpp_backend()->room_version( WPP_ADMIN_ROOM ) );
	if ( null !== $known_version && $known_version === $version ) {
		return array(
			'version'   => $version,
			'unchanged' => true,
		);
	}
	list( $entries, $total ) = wpp_heartbeat_read_users( WPP_ADMIN_ROOM, wpp_heartbeat_online_limit(), 0 );
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
 * @param array   $read   What wpp_heartbeat_online_read() returned (not unchanged).
 * @param float   $now    Current unix time.
 * @param WP_User $viewer The person who gets the answer.
 * @return array `{version, total, users: [...]}`.
 */
function wpp_heartbeat_online_build( array $read, float $now, WP_User $viewer ): array {
	$users = array();
	$where = array(); // Many people are on the same screen: each label is built once.
	foreach ( wpp_privacy_entries_for_viewer( $read['entries'], $viewer ) as $visible ) {
		$place = ( $visible['data']['screen'] ?? '' ) . '|' . ( $visible['data']['post_id'] ?? '' );
		if ( ! isset( $where[ $place ] ) ) {
			$where[ $place ] = wpp_screens_where( $visible['data'], $viewer );
		}
		$users[] = wpp_heartbeat_user_item( $visible, $now ) + $where[ $place ];
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
function wpp_heartbeat_read_users( string $room, int $limit, int $exclude ): array {
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
function wpp_heartbeat_version( int $version ): int {
	return $version & 0x1FFFFFFFFFFFFF;
}

/**
 * The part of a user item shared by both payloads, from the entry alone.
 *
 * @since 0.1.0
 *
 * @param array $entry Backend entry.
 * @param float $now   Current unix time.
 * @return array
 */
function wpp_heartbeat_user_item( array $entry, float $now ): array {
	$data       = is_array( $entry['data'] ?? null ) ? $entry['data'] : array();
	$updated_at = (float) ( $entry['updated_at'] ?? 0 );
	return array(
		'user_id'      => (int) $entry['user_id'],
		'display_name' => (string) ( $data['display_name'] ?? '' ),
		'avatar_url'   => (string) ( $data['avatar_url'] ?? '' ),
		'date_gmt'     => (string) ( $entry['date_gmt'] ?? '' ),
		'updated_at'   => $updated_at,
		'status'       => $now - $updated_at > wpp_heartbeat_idle_after() ? 'idle' : 'active',
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
function wpp_heartbeat_rooms_people( array $rooms, int $exclude = 0 ): array {
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
		'version' => $people ? wpp_heartbeat_version( (int) hexdec( substr( hash_final( $hash ), 0, 15 ) ) ) : 0,
		'people'  => $people,
	);
}
