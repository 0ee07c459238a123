<?php
/**
 * Writing the heartbeat's presence entries: one per user in `admin/online` and one per user per
 * post being edited, with who the user is (display name, avatar URL) and where (screen id, post
 * id) as the user's own request knows it, so building an answer never looks up a user.
 *
 * @package Presence
 * @since   0.2.0
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
function wpp_write_user_fields( WP_User $user ): array {
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
 * Through wpp_entries_set(), so the recording switch and the actions apply.
 *
 * @since 0.1.0
 * @since 0.2.0 Stores the post id and tab instead of a title the browser sent.
 * @since 0.3.0 `$away`: the page has no focus; the user shows as idle (stored only when true).
 *
 * @param WP_User $user    Current user.
 * @param string  $screen  Screen id (a clean key).
 * @param int     $post_id Post being edited, already checked; 0 for none.
 * @param string  $tab     Tab id of the page ('' when unknown).
 * @param bool    $away    Whether the page that pinged has no focus.
 * @return bool Whether it was stored.
 */
function wpp_write_online( WP_User $user, string $screen, int $post_id = 0, string $tab = '', bool $away = false ): bool {
	$data = wpp_write_user_fields( $user ) + array(
		'screen'  => $screen,
		'post_id' => max( 0, $post_id ),
		'tab'     => $tab,
	) + ( $away ? array( 'away' => true ) : array() );
	$stored = true === wpp_entries_set( WPP_ADMIN_ROOM, wpp_client_ids_user( $user->ID ), $data, $user->ID );
	if ( $stored ) {
		wpp_write_card( $user, $data );
	}
	return $stored;
}

/**
 * Writes (or refreshes) the user's card beside their `admin/online` entry: their "Who's online"
 * item for no viewer in particular (wpp_whos_online_card()), which the live lane hands to
 * dashboards that do not list them yet. Only where there is a lane. The card is a reserved entry
 * (`_card-{id}`), which no REST route or public function writes: it is inserted as markup on
 * other users' pages. Written with the entry, so it lives as long; the store compares the
 * state's bytes, so an unchanged card only has its time moved (the room's version stays). A card
 * is written on every ping rather than compared first: comparing would cost a read, as much as
 * the write it could spare.
 *
 * @since 0.3.0
 *
 * @param WP_User $user The current user.
 * @param array   $data The `admin/online` entry's data just written.
 */
function wpp_write_card( WP_User $user, array $data ): void {
	if ( ! wpp_lane_enabled() ) {
		return;
	}
	$item = wpp_payload_user_item(
		array(
			'user_id'    => $user->ID,
			'data'       => $data,
			'updated_at' => microtime( true ),
		),
		microtime( true )
	);
	// Low priority: in a full store a card evicts no one, and is the first to go (the roster then
	// answers none for it, and the page waits for a heartbeat to show that person).
	wpp_entries_set( WPP_ADMIN_ROOM, wpp_client_ids_card( $user->ID ), array( 'html' => wpp_whos_online_card( $item ) ), $user->ID, null, null, false );
}

/**
 * Writes (or refreshes) the user's entry in a post's room, `editor-{id}`. The editor ping, the
 * editor's page load and the post-lock bridge all come here, with the same client id and data,
 * so one user has one entry per post and a steady tick never changes it (nor the version).
 *
 * @since 0.1.0
 * @since 0.2.0 The tab.
 * @since 0.3.0 `editor-{id}` (was `user-{id}`); the feature plugin's editor state.
 *
 * @param WP_User     $user    Current user.
 * @param int         $post_id Post being edited.
 * @param string|null $tab     Tab id ('' when unknown); null to keep the entry's own.
 * @return string|false The post's room when the user may be in it, false otherwise.
 */
function wpp_write_editor( WP_User $user, int $post_id, ?string $tab = '' ) {
	$written = wpp_write_editor_exchange( $user, $post_id, $tab, null, '', false );
	return false === $written ? false : $written['room'];
}

/**
 * Writes the user's editor entry in a post's room and reads the room back, in one call of the
 * store; the room's editor count comes with it.
 *
 * The entry's data is the Presence API feature plugin's editor state — `action` ('editing'),
 * `screen` (the screen id), `locked` (whether this page holds the post's edit lock) plus what
 * the `wp_presence_editor_state` filter adds — and what the plugin's surfaces show: the user's
 * display name and avatar URL, and the page (tab) that has the editor open, so that page's
 * leaving removes it only while it is still its own (leave.php).
 *
 * An entry `user-{id}` of the same user, written there before 0.3.0, is removed: the user is now
 * `editor-{id}`.
 *
 * @since 0.3.0
 *
 * @param WP_User     $user    Current user.
 * @param int         $post_id Post being edited.
 * @param string|null $tab     Tab id ('' when unknown); null to keep the entry's own.
 * @param bool|null   $locked  Whether this page holds the lock; null = whether the user does.
 * @param string      $screen  Screen id; '' for the current screen's.
 * @param bool        $read    Whether to read the room back (a tick) or only write (a page load).
 * @return array{room:string,result:array|WP_Error}|false False when the user may not be in the
 *                                                       room; `result` is the entries layer's, or the budget's refusal (api/budget.php): nothing written.
 */
function wpp_write_editor_exchange( WP_User $user, int $post_id, ?string $tab, ?bool $locked, string $screen, bool $read = true ) {
	$room = $post_id > 0 ? wpp_rooms_for_post( $post_id ) : false;
	if ( false === $room || ! wpp_rooms_can_access( $room, $user->ID ) ) {
		return false;
	}
	$client = wpp_client_ids_editor( $user->ID );
	if ( null === $tab ) {
		$tab = (string) ( wpp_entries_find( $room, $client )['data']['tab'] ?? '' );
	}
	// Past the user's budget of entries (a post room per post they have open) the tick writes
	// nothing new; the caller answers it from a read, as for a write the store refused.
	$budget = wpp_budget_check_entry( $user->ID, $room, $client );
	if ( true !== $budget ) {
		return array(
			'room'   => $room,
			'result' => $budget,
		);
	}
	if ( '' === $screen ) {
		$current = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		$screen  = $current instanceof WP_Screen ? (string) $current->id : 'post';
	}
	$state = array(
		'action' => 'editing',
		'screen' => wpp_ping_clean_key( $screen ),
		'locked' => $locked ?? ( wpp_post_locks_holder( $post_id ) === $user->ID ),
	);

	/**
	 * Filters what an editor's entry in a post's room says, on the editor's page load and on
	 * each of its heartbeat ticks. The plugin's own fields (display name, avatar URL, tab) are
	 * added after it and win.
	 *
	 * @since 0.3.0
	 *
	 * @param array $state   `{action: 'editing', screen: string, locked: bool}`.
	 * @param int   $post_id Post being edited.
	 * @param int   $user_id The editor.
	 */
	$filtered = apply_filters( 'wp_presence_editor_state', $state, $post_id, $user->ID );
	$data     = array_merge( is_array( $filtered ) ? $filtered : $state, wpp_write_user_fields( $user ), array( 'tab' => $tab ) );
	if ( true !== wpp_validate_state( $data ) ) {
		$data = array_merge( $state, wpp_write_user_fields( $user ), array( 'tab' => $tab ) ); // What the filter added does not fit.
	}

	$result = wpp_entries_exchange( $room, $client, $data, $user->ID, $read ? array() : array( 'limit' => 0 ) );
	if ( ! is_wp_error( $result ) ) {
		$legacy = wpp_client_ids_user( $user->ID );
		foreach ( $result['entries'] as $entry ) {
			if ( $legacy === $entry['client_id'] ) {
				wpp_entries_remove( $room, $legacy );
				$result['entries'] = array_values( array_filter( $result['entries'], static fn( $e ) => $legacy !== $e['client_id'] ) );
				break;
			}
		}
	}
	return array(
		'room'   => $room,
		'result' => $result,
	);
}
