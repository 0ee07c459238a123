<?php
/**
 * Client ids that mean something: `user-{id}` is the entry a user's own heartbeat (or login)
 * writes, one per room, carrying the name and avatar others are shown. Only the user's own
 * requests write one; the REST API refuses them, and imports do not copy another user's.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Client id of the entries the heartbeat writes for a user. The editor ping and the post-lock
 * bridge both use it, so one user has one entry per post whatever wrote it.
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
 * Whether a client id is of the form the heartbeat writes (`user-{digits}`), or an agent's save
 * (`agent-{digits}`, agents.php). Such entries carry the display name and avatar URL every other
 * editor is shown (and an agent's is labelled as one), so only the user's own requests write
 * them; the REST API refuses them (see WPP_REST_Controller::create_item()).
 *
 * @since 0.1.0
 * @since 0.3.0 Also `agent-{digits}`.
 *
 * @param string $client_id Client id.
 * @return bool
 */
function wpp_client_ids_is_user( string $client_id ): bool {
	return 1 === preg_match( '/^(user|agent)-[0-9]+$/D', $client_id );
}

/**
 * Keeps the entries the heartbeat wrote (client `user-{user_id}`: one per user, carrying the
 * fields written from the user's own account), and agents' saves (`agent-{user_id}`) of users
 * without such an entry. Entries other code put in the same room (other client ids, any data)
 * are not listed as users.
 *
 * @since 0.1.0
 * @since 0.3.0 Agents' saves.
 *
 * @param array $entries Backend entries.
 * @param int   $exclude User to leave out; 0 for none.
 * @return array
 */
function wpp_client_ids_user_entries( array $entries, int $exclude = 0 ): array {
	$people = array(); // Users with a heartbeat entry here: their agent saves are not listed again.
	foreach ( $entries as $entry ) {
		$user_id = (int) ( $entry['user_id'] ?? 0 );
		if ( $user_id > 0 && wpp_client_ids_user( $user_id ) === ( $entry['client_id'] ?? '' ) ) {
			$people[ $user_id ] = true;
		}
	}
	$out = array();
	foreach ( $entries as $entry ) {
		$user_id = (int) ( $entry['user_id'] ?? 0 );
		if ( $user_id <= 0 || $user_id === $exclude ) {
			continue;
		}
		if ( wpp_client_ids_user( $user_id ) === ( $entry['client_id'] ?? '' ) || ( ! isset( $people[ $user_id ] ) && wpp_agents_is_entry( $entry ) ) ) {
			$out[] = $entry;
		}
	}
	return $out;
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
