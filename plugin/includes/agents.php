<?php
/**
 * AI agents: when a user the site counts as an agent saves a post (over REST, through WP-CLI or any
 * other path that runs `wp_after_insert_post`), the post's room gets an `agent-{id}` entry for a
 * little while, so the people editing it, the posts list and Active posts see that an agent is
 * at work on it; `admin/online` gets one too, so Who's online and the admin bar list the agent.
 * The surfaces tell agents apart by that client id (wpp_agents_is_entry()), which only the
 * server writes: the REST API refuses it as it refuses the heartbeat's own.
 *
 * Who is an agent: wpp_client_ids_is_agent_user(), the `wp_presence_is_agent_user` filter (false
 * by default, the AI plugin's `wpai_is_agent_user()` when it is loaded).
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
 * Whether an entry is an agent's: client `agent-{user_id}` of its own user.
 *
 * @since 0.3.0
 *
 * @param array $entry Entry (see WPP_Backend).
 * @return bool
 */
function wpp_agents_is_entry( array $entry ): bool {
	$user_id = (int) ( $entry['user_id'] ?? 0 );
	return $user_id > 0 && wpp_client_ids_agent( $user_id ) === ( $entry['client_id'] ?? '' );
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
	if ( false === $room || ! wpp_switches_recording_enabled() || ! wpp_client_ids_is_agent_user( $user->ID ) ) {
		return;
	}
	$client = wpp_client_ids_agent( $user->ID );
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
