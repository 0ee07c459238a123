<?php
/**
 * AI agents: when a user the site counts as an agent saves a post (over REST, through WP-CLI or any
 * other path that runs `wp_after_insert_post`), the post's room gets an `agent-{id}` entry for a
 * little while, so the people editing it, the posts list and Active posts see that an agent is
 * at work on it; `admin/online` gets one too, so Who's online and the admin bar list the agent.
 * The surfaces tell agents apart by that client id (wpp_agents_is_entry()), which only the
 * server writes: the REST API refuses it as it refuses the heartbeat's own.
 *
 * Who is an agent: the `wp_presence_is_agent_user` filter (false by default), which defers to
 * `wpai_is_agent_user()` when the AI plugin that defines it is loaded.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Seconds an agent's save is shown: the feature plugin's idle threshold (30 s + its 45 s idle
 * interval), long enough to be seen on the next heartbeat.
 *
 * @since 0.3.0
 */
const WPP_AGENTS_TTL = 75;

/**
 * Client id of an agent's entries.
 *
 * @since 0.3.0
 *
 * @param int $user_id The agent's user id.
 * @return string `agent-{id}`.
 */
function wpp_agents_client_id( int $user_id ): string {
	return 'agent-' . $user_id;
}

/**
 * Whether an entry is an agent's: client `agent-{user_id}` of its own user.
 *
 * @since 0.3.0
 *
 * @param array $entry Entry (see WPP_Backend).
 * @return bool
 */
function wpp_agents_is_entry( array $entry ): bool {
	$user_id = (int) ( $entry['user_id'] ?? 0 );
	return $user_id > 0 && wpp_agents_client_id( $user_id ) === ( $entry['client_id'] ?? '' );
}

/**
 * Whether a user is an AI agent.
 *
 * @since 0.3.0
 *
 * @param int $user_id User id.
 * @return bool
 */
function wpp_agents_is_agent_user( int $user_id ): bool {
	if ( $user_id <= 0 ) {
		return false;
	}
	/**
	 * Filters whether a user is an AI agent: its saves are shown as an agent's (an `agent-{id}`
	 * entry in the post's room), labelled as such.
	 *
	 * @since 0.3.0
	 *
	 * @param bool $is_agent Default false; wpai_is_agent_user()'s answer from priority 10 when
	 *                       that function exists.
	 * @param int  $user_id  User id.
	 */
	return (bool) apply_filters( 'wp_presence_is_agent_user', false, $user_id );
}

/**
 * Lets the AI plugin's `wpai_is_agent_user()` decide who is an agent when it is loaded (its answer
 * replaces earlier callbacks'; later ones still have the last word). Hooked to
 * `wp_presence_is_agent_user`.
 *
 * @since 0.3.0
 *
 * @param bool $is_agent Whether the user is an agent so far.
 * @param int  $user_id  User id.
 * @return bool
 */
function wpp_agents_defer_to_wpai( $is_agent, $user_id = 0 ) {
	return function_exists( 'wpai_is_agent_user' ) ? (bool) wpai_is_agent_user( (int) $user_id ) : $is_agent;
}

/**
 * Writes the agent's entries when the current user is an agent and saved a post whose type has
 * presence support. A person's save, an auto-draft and trashing write nothing; nor does anything
 * with recording off. Hooked to `wp_after_insert_post`.
 *
 * @since 0.3.0
 *
 * @param int          $post_id Post id.
 * @param WP_Post|null $post    The post as saved.
 */
function wpp_agents_post_saved( $post_id, $post = null ): void {
	$post = $post instanceof WP_Post ? $post : get_post( (int) $post_id );
	$user = wp_get_current_user();
	if ( ! $post instanceof WP_Post || ! $user->exists() || in_array( $post->post_status, array( 'auto-draft', 'trash' ), true ) ) {
		return;
	}
	$room = wpp_rooms_for_post( $post );
	if ( false === $room || ! wpp_switches_recording_enabled() || ! wpp_agents_is_agent_user( $user->ID ) ) {
		return;
	}
	$client = wpp_agents_client_id( $user->ID );
	$who    = wpp_write_user_fields( $user );
	wpp_entries_set( $room, $client, $who, $user->ID, WPP_AGENTS_TTL );
	wpp_entries_set(
		WPP_ADMIN_ROOM,
		$client,
		$who + array(
			'screen'  => $post->post_type,
			'post_id' => $post->ID,
		),
		$user->ID,
		WPP_AGENTS_TTL
	);
}
