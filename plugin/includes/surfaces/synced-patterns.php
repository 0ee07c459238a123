<?php
/**
 * Synced patterns: in the block editor, a warning above a synced pattern while someone else edits
 * the pattern itself (the feature switch `synced-patterns`). The pattern's room is its post room,
 * `postType/wp_block:{id}`, which the editor of the pattern writes like any post's; the notice
 * (assets/js/presence-synced-patterns.js) reads it with `wp.presence.usePresenceUsers()`, which
 * the privacy rule governs as every REST read: only people who may edit the pattern learn who
 * edits it.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Whether the synced-pattern notice is on (the feature switch; on by default).
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wpp_synced_patterns_enabled(): bool {
	return wpp_switches_feature_enabled( 'synced-patterns' );
}

/**
 * Gives synced patterns a room: `presence` support for `wp_block`. Hooked to `init` after the
 * post types are registered.
 *
 * @since 0.3.0
 */
function wpp_synced_patterns_add_support(): void {
	if ( post_type_exists( 'wp_block' ) && wpp_synced_patterns_enabled() ) {
		add_post_type_support( 'wp_block', 'presence' );
	}
}

/**
 * Enqueues the notice in the block editor, for users who may edit synced patterns. Hooked to
 * `enqueue_block_editor_assets`.
 *
 * @since 0.3.0
 */
function wpp_synced_patterns_enqueue(): void {
	$type = get_post_type_object( 'wp_block' );
	if ( ! $type || ! post_type_supports( 'wp_block', 'presence' ) || ! wpp_synced_patterns_enabled() || ! current_user_can( $type->cap->edit_posts ) ) {
		return;
	}
	wpp_assets_register();
	wp_enqueue_script( 'wpp-presence-synced-patterns' );
}
