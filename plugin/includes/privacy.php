<?php
/**
 * What a viewer may learn from a presence entry: the one place every surface asks.
 *
 * The rule: a viewer learns what an entry says about a post — its title, its status, even that
 * it is being edited — only when they may edit that post (`edit_post`, through
 * wpp_rooms_can_access() on the post's room, so the `wpp_can_access_room` filter applies too).
 * Entries about anything else stay visible to every user who can `edit_posts`.
 *
 * Every path that shows entries to a person goes through wpp_privacy_entry_for_viewer() (or its
 * list form, wpp_privacy_entries_for_viewer()): the
 * heartbeat answers and the page's initial state (heartbeat/payload.php), the REST API, the
 * admin bar, the dashboard widgets and the list columns. Labels ("Editing “Title”") are built
 * after it, from what it kept, so they cannot say more than it allowed.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Keys of an entry's data that speak about the post it names. A viewer who may not see that post
 * gets the entry without them.
 *
 * @since 0.2.0
 */
const WPP_PRIVACY_POST_KEYS = array( 'post_id', 'title', 'post_title', 'post_status', 'post_type' );

/**
 * Screen id an entry about a hidden post shows instead of its own (which would name the post
 * type): the base every post editor shares.
 *
 * @since 0.2.0
 */
const WPP_PRIVACY_HIDDEN_SCREEN = 'post';

/**
 * Prefix of the internal rooms that hold screen revisions (`screens/{screen key}`, see
 * surfaces/stale-screen.php). Not reachable through the REST API.
 *
 * @since 0.2.0
 */
const WPP_SCREEN_ROOM_PREFIX = 'screens/';

/**
 * Internal room of when each user was last seen (see surfaces/users-list.php). Readable through
 * the REST API only by users who can `list_users`.
 *
 * @since 0.2.0
 */
const WPP_LAST_SEEN_ROOM = 'users/last-seen';

/**
 * Prefixes of the internal rooms no REST client may reach: screen revisions and the budgets'
 * ledgers. Readers that list rooms leave them out before reading (WPP_Backend::rooms()).
 *
 * @since 0.3.0
 *
 * @return string[]
 */
function wpp_privacy_internal_prefixes(): array {
	return array( WPP_BUDGET_ROOM_PREFIX, WPP_SCREEN_ROOM_PREFIX );
}

/**
 * Whether a viewer may learn what an entry says about a post.
 *
 * @since 0.2.0
 *
 * @param int     $post_id Post id.
 * @param WP_User $viewer  The person who would see it.
 * @return bool False for a missing post, a post type without presence support or a logged-out viewer.
 */
function wpp_privacy_can_see_post( int $post_id, WP_User $viewer ): bool {
	if ( $post_id <= 0 || ! $viewer->exists() ) {
		return false;
	}
	$room = wpp_rooms_for_post( $post_id );
	return false !== $room && wpp_rooms_can_access( $room, $viewer->ID );
}

/**
 * An entry as a viewer may see it, or null when they may see nothing of it.
 *
 * - An entry of a room the viewer may not access (another author's draft's room, an internal
 *   room): null.
 * - An entry whose data names a post (`post_id`) the viewer may not see: kept, but without the
 *   keys that speak about the post (WPP_PRIVACY_POST_KEYS) and with a `screen` that no longer
 *   names its type ('post'). Who it is and that they are online stay visible.
 * - Anything else: unchanged.
 *
 * @since 0.2.0
 *
 * @param array   $entry  Entry (see WPP_Backend).
 * @param WP_User $viewer The person who would see it.
 * @return array|null
 */
function wpp_privacy_entry_for_viewer( array $entry, WP_User $viewer ): ?array {
	return wpp_privacy_entries_for_viewer( array( $entry ), $viewer )[0] ?? null;
}

/**
 * Entries as a viewer may see them (wpp_privacy_entry_for_viewer() for each; entries they may see
 * nothing of are left out, keys kept). Each room and each post is checked once per call, so a
 * list of fifty entries costs one check of their room.
 *
 * @since 0.2.0
 *
 * @param array[] $entries Entries (see WPP_Backend).
 * @param WP_User $viewer  The person who would see them.
 * @return array[]
 */
function wpp_privacy_entries_for_viewer( array $entries, WP_User $viewer ): array {
	if ( ! $viewer->exists() ) {
		return array();
	}
	$rooms = array();
	$posts = array();
	$out   = array();
	foreach ( $entries as $key => $entry ) {
		$room = (string) ( $entry['room'] ?? '' );
		if ( ! isset( $rooms[ $room ] ) ) {
			$rooms[ $room ] = '' === $room || wpp_rooms_can_access( $room, $viewer->ID );
		}
		if ( ! $rooms[ $room ] ) {
			continue;
		}
		$data    = is_array( $entry['data'] ?? null ) ? $entry['data'] : array();
		$post_id = wpp_privacy_data_post_id( $data );
		if ( null !== $post_id ) {
			if ( ! isset( $posts[ $post_id ] ) ) {
				$posts[ $post_id ] = wpp_privacy_can_see_post( $post_id, $viewer );
			}
			if ( ! $posts[ $post_id ] ) {
				foreach ( WPP_PRIVACY_POST_KEYS as $post_key ) {
					unset( $data[ $post_key ] );
				}
				if ( isset( $data['screen'] ) ) {
					$data['screen'] = WPP_PRIVACY_HIDDEN_SCREEN;
				}
				$entry['data'] = $data;
			}
		}
		$out[ $key ] = $entry;
	}
	return $out;
}

/**
 * The post an entry's data names, or null when it names none.
 *
 * @since 0.2.0
 *
 * @param array $data Entry data.
 * @return int|null The post id; 0 for a value that cannot be a post id; null for none.
 */
function wpp_privacy_data_post_id( array $data ): ?int {
	$post_id = $data['post_id'] ?? null;
	if ( null === $post_id || 0 === $post_id || '0' === $post_id ) {
		return null; // The heartbeat stores 0 for "no post".
	}
	if ( ( is_int( $post_id ) && $post_id > 0 ) || ( is_string( $post_id ) && ctype_digit( $post_id ) ) ) {
		return (int) $post_id;
	}
	// Any other value (negative, a float, an array, text) cannot be checked: it counts as a post
	// nobody may see, so wpp_privacy_entry_for_viewer() strips it.
	return 0;
}

/**
 * Loads every post the entries are about (their post rooms and the `post_id` of their data) in
 * one query, so the privacy checks and labels after it make none.
 *
 * @since 0.2.0
 *
 * @param array[] $entries Entries (see WPP_Backend).
 * @param int[]   $more    Other post ids to load in the same query.
 */
function wpp_privacy_prime_posts( array $entries, array $more = array() ): void {
	$ids = $more;
	foreach ( $entries as $entry ) {
		$parsed = wpp_rooms_parse_post( (string) ( $entry['room'] ?? '' ) );
		if ( $parsed ) {
			$ids[] = $parsed[1];
		}
		$post_id = wpp_privacy_data_post_id( is_array( $entry['data'] ?? null ) ? $entry['data'] : array() );
		if ( $post_id ) {
			$ids[] = $post_id;
		}
	}
	wpp_privacy_prime_post_ids( $ids );
}

/**
 * Loads posts by id in one query (none when all are cached already). Their meta and terms are not
 * loaded: the `edit_post` check and the labels need neither.
 *
 * @since 0.2.0
 *
 * @param int[] $ids Post ids.
 */
function wpp_privacy_prime_post_ids( array $ids ): void {
	$ids = array_values( array_unique( array_filter( array_map( 'intval', $ids ), static fn( int $id ) => $id > 0 ) ) );
	if ( $ids ) {
		_prime_post_caches( $ids, false, false );
	}
}

/**
 * Keeps internal rooms out of reach of the public API: a screen's revisions are read only through
 * the stale-screen check, which asks whether the viewer may see that screen, and the budgets'
 * ledgers (api/budget.php) only by the budget. Hooked to the `wpp_can_access_room` filter.
 *
 * @since 0.2.0
 *
 * @param bool   $allowed Whether access is granted so far.
 * @param string $room    Room name.
 * @param int    $user_id User id.
 * @return bool
 */
function wpp_privacy_filter_room_access( $allowed, $room, $user_id ) {
	foreach ( wpp_privacy_internal_prefixes() as $internal ) {
		if ( is_string( $room ) && str_starts_with( $room, $internal ) ) {
			return false;
		}
	}
	if ( is_string( $room ) && WPP_LAST_SEEN_ROOM === $room ) {
		return (bool) $allowed && user_can( (int) $user_id, 'list_users' );
	}
	return $allowed;
}
