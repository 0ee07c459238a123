<?php
/**
 * One write budget per user: how much of the store one user's requests may hold, checked on every
 * path that writes for a user — the heartbeat, the REST API, the live lane and stale-screen marks.
 *
 * The store is shared by everyone on the site (on shared memory, by every site of the machine),
 * and a full store must not be filled by one account. Each budget counts what the store already
 * holds, so it needs no counter of its own that could drift:
 *
 * - `entries` (50): live entries carrying the user's id on this site, whoever wrote them
 *   (heartbeat post rooms, the REST API, the live lane). Refreshing an entry the user already
 *   holds always passes, and so does the user's own `admin/online` entry (one per user).
 * - `marks` (20): distinct screens one user marked stale on request (the REST routes) within a
 *   revision's life (a day).
 * - `saves` (200): distinct screens whose revision one user's saves wrote within a day (posts,
 *   terms, profiles, comments, settings, `wpp_mark_screen_stale`). Past it the save itself is
 *   kept; only the warning to others is not written.
 *
 * A stale mark's revision carries no user (logging out must not take back what the user saved),
 * so marks are counted in a ledger of the user's own: the internal room `budget/{user_id}`, one
 * entry per screen (client id `mark-{md5 of the key}`), living as long as the revision. The
 * ledger is an ordinary room of the store on every backend; its entries carry no user either, so
 * logging out does not reset the budget.
 *
 * Checks read first and write after: two requests of one user racing past the last free place
 * may both pass, so a budget can be exceeded by as many requests as the site serves at once.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Prefix of the internal rooms that hold each user's ledger of stale marks (`budget/{user_id}`).
 * Not reachable through the REST API (privacy.php).
 *
 * @since 0.3.0
 */
const WPP_BUDGET_ROOM_PREFIX = 'budget/';

/**
 * Seconds a repeated mark of the same screen by the same user is answered without a new write.
 *
 * @since 0.3.0
 */
const WPP_BUDGET_MARK_INTERVAL = 10;

/**
 * The budgets of one user on this site.
 *
 * @since 0.3.0
 *
 * @return array{entries:int,marks:int,saves:int}
 */
function wpp_budget_limits(): array {
	$defaults = array(
		'entries' => 50,
		'marks'   => 20,
		'saves'   => 200,
	);
	/**
	 * Filters the write budgets of each user: `entries` (live entries holding the user's id),
	 * `marks` (distinct screens marked stale over REST per day) and `saves` (distinct screens whose
	 * revision the user's saves wrote per day). Each is at least 1.
	 *
	 * @since 0.3.0
	 *
	 * @param array $limits Default `{entries: 50, marks: 20, saves: 200}`.
	 */
	$limits = (array) apply_filters( 'wpp_budget_limits', $defaults );
	$out    = array();
	foreach ( $defaults as $name => $default ) {
		$out[ $name ] = max( 1, (int) ( $limits[ $name ] ?? $default ) );
	}
	return $out;
}

/**
 * Whether a user may write the entry ($room, $client_id) now: the check of the `entries` budget,
 * for every path that writes an entry carrying the user's id (REST, the heartbeat, the live lane).
 * Call it before the write; it writes nothing.
 *
 * Passes for a write without a user (the site's own: cron, WP-CLI), a refresh of an entry the
 * user already holds, and the user's own entry in `admin/online`.
 *
 * @since 0.3.0
 *
 * @param int    $user_id   Whose write it is.
 * @param string $room      Room name (valid).
 * @param string $client_id Client id (valid).
 * @return true|WP_Error WP_Error `wpp_too_many_entries` (status 429, `retry_after` seconds in
 *                       its data) when the user already holds their budget of live entries.
 */
function wpp_budget_check_entry( int $user_id, string $room, string $client_id ) {
	if ( $user_id <= 0 || ( WPP_ADMIN_ROOM === $room && wpp_client_ids_user( $user_id ) === $client_id ) ) {
		return true;
	}
	$existing = wpp_entries_find( $room, $client_id );
	if ( null !== $existing && $existing['user_id'] === $user_id ) {
		return true;
	}
	$held  = wpp_backend()->user_entries( $user_id, DAY_IN_SECONDS );
	$limit = wpp_budget_limits()['entries'];
	if ( count( $held ) < $limit ) {
		return true;
	}
	// The oldest write frees its place first; entries written without a TTL of their own live
	// the default TTL, so that is when to try again.
	$oldest = min( array_map( static fn( array $entry ) => (float) $entry['updated_at'], $held ) );
	return wpp_budget_error(
		'wpp_too_many_entries',
		/* translators: %d: number of entries. */
		sprintf( __( 'Too many presence entries for this user (at most %d at a time).', 'presence' ), $limit ),
		$oldest + wpp_entries_default_ttl()
	);
}

/**
 * Records that a user marks a screen stale, within the user's budget: `marks` for a mark asked
 * on request (`$via` 'request': the REST routes), `saves` for one that follows a save ('save').
 * Writes the user's ledger entry for the key (or refreshes it), so call it only when the mark
 * will be written.
 *
 * Marking the same screen again always passes (one ledger entry per user and screen); a repeat
 * on request within WPP_BUDGET_MARK_INTERVAL seconds of the user's last mark of it is answered
 * 'repeat': the caller leaves the revision as it is.
 *
 * @since 0.3.0
 *
 * @param int    $user_id Who marks (0: nobody, not budgeted).
 * @param string $key     Screen key (valid).
 * @param string $via     'request' or 'save'.
 * @return string|WP_Error 'new', 'again' or 'repeat'; WP_Error `wpp_too_many_marks` (status 429,
 *                         `retry_after`) over the budget, or the store's failure (status 503).
 */
function wpp_budget_charge_mark( int $user_id, string $key, string $via ) {
	if ( $user_id <= 0 ) {
		return 'new';
	}
	$backend = wpp_backend();
	$ledger  = WPP_BUDGET_ROOM_PREFIX . $user_id;
	$client  = 'mark-' . md5( $key );
	$entries = $backend->get_room( $ledger, WPP_SCREEN_REVISION_TTL );
	$mine    = null;
	$counted = array();
	foreach ( $entries as $entry ) {
		if ( $entry['client_id'] === $client ) {
			$mine = $entry;
		} elseif ( ( $entry['data']['via'] ?? '' ) === $via || 'save' === $via ) {
			// The `saves` budget counts every screen the user marked; `marks` only those asked on request.
			$counted[] = (float) $entry['updated_at'];
		}
	}
	if ( null !== $mine && 'request' === $via && (float) $mine['updated_at'] > microtime( true ) - WPP_BUDGET_MARK_INTERVAL ) {
		return 'repeat';
	}
	$limit = wpp_budget_limits()[ 'request' === $via ? 'marks' : 'saves' ];
	if ( null === $mine && count( $counted ) >= $limit ) {
		return wpp_budget_error(
			'wpp_too_many_marks',
			/* translators: %d: number of screens. */
			sprintf( __( 'Too many screens marked stale by this user today (at most %d).', 'presence' ), $limit ),
			min( $counted ) + WPP_SCREEN_REVISION_TTL
		);
	}
	// A mark asked on request keeps counting as one until it expires, even when a save marks it again.
	$data = array( 'via' => null !== $mine && 'request' === ( $mine['data']['via'] ?? '' ) ? 'request' : $via );
	if ( ! wpp_budget_write( $ledger, $client, $data, WPP_SCREEN_REVISION_TTL ) ) {
		return wpp_budget_store_refused( $backend );
	}
	return null === $mine ? 'new' : 'again';
}

/**
 * Writes an entry without a user at low priority: a ledger entry or a screen revision, which a
 * full store refuses rather than evict anyone's presence for, and gives up first when a
 * heartbeat needs room (WPP_Backend::set()).
 *
 * @since 0.3.0
 *
 * @param string $room      Room name (valid).
 * @param string $client_id Client id (valid).
 * @param array  $data      State.
 * @param int    $ttl       Seconds.
 * @return bool Whether it was stored.
 */
function wpp_budget_write( string $room, string $client_id, array $data, int $ttl ): bool {
	return wpp_backend()->set( $room, $client_id, $data, 0, $ttl, false );
}

/**
 * The error of a low-priority write the store refused — full (it evicts nobody for such a
 * write), or failing — as a 503 the client may retry, with the store's reason.
 *
 * @since 0.3.0
 *
 * @param WPP_Backend $backend The backend that refused.
 * @return WP_Error
 */
function wpp_budget_store_refused( WPP_Backend $backend ): WP_Error {
	$why = wpp_backend_last_error( $backend );
	return new WP_Error(
		'wpp_store_refused',
		trim( __( 'The presence store did not take the write.', 'presence' ) . ' ' . $why ),
		array(
			'status'      => 503,
			'retry_after' => 30,
		)
	);
}

/**
 * An over-budget error: status 429, and in its data `retry_after`, the whole seconds until a
 * place frees (at least 1).
 *
 * @since 0.3.0
 *
 * @param string $code    Error code.
 * @param string $message Message.
 * @param float  $free_at Unix time at which a place frees.
 * @return WP_Error
 */
function wpp_budget_error( string $code, string $message, float $free_at ): WP_Error {
	return new WP_Error(
		$code,
		$message,
		array(
			'status'      => 429,
			'retry_after' => max( 1, (int) ceil( $free_at - microtime( true ) ) ),
		)
	);
}

/**
 * A REST response for an error, with a `Retry-After` header when the error carries
 * `retry_after` (an over-budget 429, a full store's 503).
 *
 * @since 0.3.0
 *
 * @param WP_Error $error Error.
 * @return WP_REST_Response
 */
function wpp_budget_response( WP_Error $error ): WP_REST_Response {
	$response = rest_convert_error_to_response( $error );
	$data     = $error->get_error_data();
	if ( is_array( $data ) && isset( $data['retry_after'] ) ) {
		$response->header( 'Retry-After', (string) (int) $data['retry_after'] );
	}
	return $response;
}
