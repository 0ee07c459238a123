<?php
/**
 * Client ids that mean something, as the Presence API feature plugin names them:
 *
 * - `user-{id}` in `admin/online`: the user's own heartbeat (and login) writes it;
 * - `editor-{id}` in a post's room: the user has the post open in an editor (page load, editor
 *   heartbeat, post lock); a post room's editor count counts these;
 * - `cli-{id}`: `wp presence set` without a client id (`cli-0` without a user);
 * - `agent-{id}` in a post's room: an agent user saved the post;
 * - `_…` (reserved): bookkeeping rows, not participants — `_lock` (the post's edit lock) and, on
 *   the database backend, `_collab` (the editor count the room remembers), and in
 *   `admin/online` `_card-{id}` (the user's "Who's online" item, which the live lane hands to
 *   dashboards). Reads never list them; the REST API refuses to write or delete them, and the
 *   public functions refuse cards.
 *
 * `user-`, `editor-` and `agent-` entries carry the display name and avatar every other user is
 * shown, so only the user's own requests (or their own saves) write them; the REST API refuses
 * them. Post rooms held `user-{id}` before 0.3.0: readers take such an entry as that user's
 * editor entry until it expires, and never count a user twice.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * First character of a reserved (bookkeeping) client id.
 *
 * @since 0.3.0
 */
const WPP_RESERVED_PREFIX = '_';

/**
 * Client id of a post's edit lock, in the post's room.
 *
 * @since 0.3.0
 */
const WPP_LOCK_CLIENT = '_lock';

/**
 * Client id of the editor count a room remembers on the database backend.
 *
 * @since 0.3.0
 */
const WPP_COLLAB_CLIENT = '_collab';

/**
 * Prefix of the entries a post room's editor count counts.
 *
 * @since 0.3.0
 */
const WPP_EDITOR_PREFIX = 'editor-';

/**
 * Prefix of the cards in `admin/online` (the extension's roster reads `_card-{id}`).
 *
 * @since 0.3.0
 */
const WPP_CARD_PREFIX = '_card-';

/**
 * Client id of a user's card in `admin/online`: markup the live lane hands to other users'
 * dashboards, so written only by the user's own requests (heartbeat/write.php).
 *
 * @since 0.3.0
 *
 * @param int $user_id User id.
 * @return string `_card-{id}`.
 */
function wpp_client_ids_card( int $user_id ): string {
	return WPP_CARD_PREFIX . $user_id;
}

/**
 * Whether a client id is a card's (written by the plugin only).
 *
 * @since 0.3.0
 *
 * @param mixed $client_id Client id.
 * @return bool
 */
function wpp_client_ids_is_card( $client_id ): bool {
	return is_string( $client_id ) && str_starts_with( $client_id, WPP_CARD_PREFIX );
}

/**
 * Client id of a user's entry in `admin/online`.
 *
 * @since 0.1.0
 *
 * @param int $user_id User id.
 * @return string `user-{id}`.
 */
function wpp_client_ids_user( int $user_id ): string {
	return 'user-' . $user_id;
}

/**
 * Client id of a user's entry in a post's room (editor page load, editor heartbeat, post lock),
 * one per user per post whatever wrote it.
 *
 * @since 0.3.0
 *
 * @param int $user_id User id.
 * @return string `editor-{id}`.
 */
function wpp_client_ids_editor( int $user_id ): string {
	return WPP_EDITOR_PREFIX . $user_id;
}

/**
 * Client id `wp presence set` writes when given none.
 *
 * @since 0.3.0
 *
 * @param int $user_id User id, 0 for none.
 * @return string `cli-{id}`.
 */
function wpp_client_ids_cli( int $user_id ): string {
	return 'cli-' . max( 0, $user_id );
}

/**
 * Client id of the entry an agent user's save writes in the post's room.
 *
 * @since 0.3.0
 *
 * @param int $user_id User id.
 * @return string `agent-{id}`.
 */
function wpp_client_ids_agent( int $user_id ): string {
	return 'agent-' . $user_id;
}

/**
 * Whether a client id is reserved: bookkeeping (`_lock`, `_collab`, …), never a participant.
 *
 * @since 0.3.0
 *
 * @param string $client_id Client id.
 * @return bool
 */
function wpp_client_ids_is_reserved( string $client_id ): bool {
	return str_starts_with( $client_id, WPP_RESERVED_PREFIX );
}

/**
 * What a client id says about its entry: 'user', 'editor', 'agent' or 'cli' with the id the
 * client id names, 'reserved', or '' for any other client (an integration's own).
 *
 * @since 0.3.0
 *
 * @param string $client_id Client id.
 * @return array{0:string,1:int} [kind, user id named (0 when none)].
 */
function wpp_client_ids_parse( string $client_id ): array {
	if ( wpp_client_ids_is_reserved( $client_id ) ) {
		return array( 'reserved', 0 );
	}
	if ( 1 === preg_match( '/^(user|editor|agent|cli)-(0|[1-9][0-9]{0,18})$/D', $client_id, $m ) ) {
		return array( $m[1], (int) $m[2] );
	}
	return array( '', 0 );
}

/**
 * Whether a client id is of a form only a user's own requests write (`user-{id}`,
 * `editor-{id}`, `agent-{id}`). Such entries carry the display name and avatar URL every other
 * user is shown, so the REST API refuses them (see WPP_REST_Controller::create_item()).
 *
 * @since 0.1.0
 * @since 0.3.0 Also `editor-{id}` and `agent-{id}`.
 *
 * @param string $client_id Client id.
 * @return bool
 */
function wpp_client_ids_is_user( string $client_id ): bool {
	return in_array( wpp_client_ids_parse( $client_id )[0], array( 'user', 'editor', 'agent' ), true );
}

/**
 * Keeps the entries that stand for a user: `user-{id}`, `editor-{id}` and `agent-{id}` whose
 * number is the entry's owner, one per user (the first, so the newest of a newest-first list).
 * A post room's `user-{id}` written before 0.3.0 counts as that user's editor entry, so nobody
 * vanishes or shows twice while old entries expire. Entries other code put in the same room
 * (other client ids, any data) are not listed as users.
 *
 * @since 0.1.0
 * @since 0.3.0 `editor-{id}` and `agent-{id}`; one entry per user.
 *
 * @param array $entries Backend entries.
 * @param int   $exclude User to leave out; 0 for none.
 * @return array
 */
function wpp_client_ids_user_entries( array $entries, int $exclude = 0 ): array {
	$out  = array();
	$seen = array();
	foreach ( $entries as $entry ) {
		$user_id        = (int) ( $entry['user_id'] ?? 0 );
		list( $kind, $named ) = wpp_client_ids_parse( (string) ( $entry['client_id'] ?? '' ) );
		if ( $user_id > 0 && $named === $user_id && $user_id !== $exclude && ! isset( $seen[ $user_id ] ) && in_array( $kind, array( 'user', 'editor', 'agent' ), true ) ) {
			$seen[ $user_id ] = true;
			$out[]            = $entry;
		}
	}
	return $out;
}

/**
 * The number of editors in a post room's entries: `editor-` client ids (reserved rows and
 * agents never count). Another integration using `editor-` ids would be counted too, as in the
 * Presence API feature plugin.
 *
 * @since 0.3.0
 *
 * @param array $entries Entries (backend arrays or public objects).
 * @return int
 */
function wpp_client_ids_count_editors( array $entries ): int {
	$count = 0;
	foreach ( $entries as $entry ) {
		$client = is_object( $entry ) ? (string) ( $entry->client_id ?? '' ) : (string) ( $entry['client_id'] ?? '' );
		if ( str_starts_with( $client, WPP_EDITOR_PREFIX ) ) {
			++$count;
		}
	}
	return $count;
}

/**
 * Whether a user is an agent (an AI or automation account), as the filter
 * `wp_presence_is_agent_user` says; false by default.
 *
 * @since 0.3.0
 *
 * @param int $user_id User id.
 * @return bool
 */
function wpp_client_ids_is_agent_user( int $user_id ): bool {
	/**
	 * Filters whether a user is an agent. Surfaces label agents' entries as such.
	 *
	 * @since 0.3.0
	 *
	 * @param bool $is_agent Whether the user is an agent. Default false.
	 * @param int  $user_id  User id.
	 */
	return (bool) apply_filters( 'wp_presence_is_agent_user', false, $user_id );
}

/**
 * Defers to the AI plugin's `wpai_is_agent_user()` when it is loaded (its answer replaces what
 * earlier callbacks said), as the Presence API feature plugin does. Hooked to
 * `wp_presence_is_agent_user`.
 *
 * @since 0.3.0
 *
 * @param bool|mixed $is_agent Answer so far.
 * @param int|mixed  $user_id  User id.
 * @return bool|mixed
 */
function wpp_client_ids_defer_agent_check( $is_agent, $user_id = 0 ) {
	return function_exists( 'wpai_is_agent_user' ) ? (bool) wpai_is_agent_user( (int) $user_id ) : $is_agent;
}
