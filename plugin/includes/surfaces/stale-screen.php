<?php
/**
 * Stale-screen warning: when someone else saves what a user has open, the user's next tick brings
 * a banner — "Editor Two saved this page 20 s ago — reload to see the changes".
 *
 * A screen is named by a key: `post/{id}` (block and classic editor; REST saves included),
 * `term/{id}`, `user/{id}`, `comment/{id}`, `options/{settings group}` (every Settings API page),
 * or a custom key (lower-case letters, digits, `_`, `-` and `/`). A save writes the key's revision
 * into the presence store — the internal room `screens/{key}`, one entry per key holding who saved
 * and (its time) when — never into an option or post meta, whose every rewrite would flush the
 * caches presence exists to spare. A page sends its key and the time it was served with each
 * tick; a revision newer than that, by someone else, is answered as `presence-stale`, to users who
 * may see that screen only.
 *
 * Custom screens take part with the filter `wpp_screen_key` (the key of a screen), the action
 * `wpp_mark_screen_stale` (after a save in PHP) or `wp.presence.markScreenStale( key )` (after a
 * save in the browser; `POST /wp-presence/v1/screens/stale`).
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Pattern of a screen key.
 *
 * @since 0.2.0
 */
const WPP_SCREEN_KEY_PATTERN = '^[a-z0-9_-]+(/[a-z0-9_-]+)*$';

/**
 * Longest screen key, in bytes.
 *
 * @since 0.2.0
 */
const WPP_SCREEN_KEY_MAX = 100;

/**
 * Seconds a revision is kept: a page open longer than that without a tick (a tab hidden for a
 * day) is not warned about a save that old.
 *
 * @since 0.2.0
 */
const WPP_SCREEN_REVISION_TTL = DAY_IN_SECONDS;

/**
 * Whether a string is a valid screen key.
 *
 * @since 0.2.0
 *
 * @param mixed $key Value.
 * @return bool
 */
function wpp_stale_screen_is_key( $key ): bool {
	return is_string( $key ) && strlen( $key ) <= WPP_SCREEN_KEY_MAX && 1 === preg_match( '#' . WPP_SCREEN_KEY_PATTERN . '#D', $key );
}

/**
 * The key of an admin screen, '' for a screen that does not take part.
 *
 * @since 0.2.0
 *
 * @param WP_Screen $screen Screen.
 * @return string
 */
function wpp_stale_screen_key( WP_Screen $screen ): string {
	// phpcs:disable WordPress.Security.NonceVerification.Recommended -- which object the page shows.
	$key = '';
	if ( 'post' === $screen->base ) {
		$post_id = wpp_editor_post_id( $screen );
		$key     = $post_id > 0 ? 'post/' . $post_id : '';
	} elseif ( 'term' === $screen->base && isset( $_GET['tag_ID'] ) ) {
		$key = 'term/' . absint( $_GET['tag_ID'] );
	} elseif ( 'user-edit' === $screen->base && isset( $_GET['user_id'] ) ) {
		$key = 'user/' . absint( $_GET['user_id'] );
	} elseif ( 'profile' === $screen->base ) {
		$key = 'user/' . get_current_user_id();
	} elseif ( 'comment' === $screen->base && isset( $_GET['c'] ) ) {
		$key = 'comment/' . absint( $_GET['c'] );
	} elseif ( in_array( $screen->base, array( 'options-general', 'options-writing', 'options-reading', 'options-discussion', 'options-media' ), true ) ) {
		$key = 'options/' . substr( $screen->base, strlen( 'options-' ) );
	}
	// phpcs:enable

	/**
	 * Filters the key of an admin screen for the stale-screen warning. Return a key (lower-case
	 * letters, digits, `_`, `-`, `/`) to have a custom screen take part; mark it stale after a
	 * save with `do_action( 'wpp_mark_screen_stale', $key )` or `wp.presence.markScreenStale( key )`.
	 * Settings API pages need nothing: the client uses `options/{option_page}` from their form.
	 *
	 * @since 0.2.0
	 *
	 * @param string    $key    Key, '' when the screen does not take part.
	 * @param WP_Screen $screen The screen.
	 */
	$key = apply_filters( 'wpp_screen_key', $key, $screen );
	return wpp_stale_screen_is_key( $key ) ? $key : '';
}

/**
 * Whether a user may see the screen a key names, and so be told it changed.
 *
 * @since 0.2.0
 *
 * @param string  $key    Screen key.
 * @param WP_User $viewer The person.
 * @return bool
 */
function wpp_stale_screen_can_see( string $key, WP_User $viewer ): bool {
	if ( ! $viewer->exists() || ! wpp_stale_screen_is_key( $key ) ) {
		return false;
	}
	$parts = explode( '/', $key, 2 );
	$id    = isset( $parts[1] ) && ctype_digit( $parts[1] ) ? (int) $parts[1] : 0;
	switch ( $parts[0] ) {
		case 'post':
			return wpp_privacy_can_see_post( $id, $viewer );
		case 'term':
			return $id > 0 && user_can( $viewer, 'edit_term', $id );
		case 'user':
			return $id > 0 && user_can( $viewer, 'edit_user', $id );
		case 'comment':
			return $id > 0 && user_can( $viewer, 'edit_comment', $id );
		case 'options':
			$group = $parts[1] ?? '';
			/** This filter is documented in wp-admin/options.php */
			$capability = apply_filters( "option_page_capability_{$group}", 'manage_options' );
			return '' !== $group && user_can( $viewer, (string) $capability );
	}

	/**
	 * Filters the capability needed to see a custom screen (and be told another user saved it,
	 * or mark it stale).
	 *
	 * @since 0.2.0
	 *
	 * @param string $capability Default 'edit_posts'.
	 * @param string $key        Screen key.
	 */
	return user_can( $viewer, (string) apply_filters( 'wpp_screen_capability', 'edit_posts', $key ) );
}

/**
 * Records that a screen was saved now by a user: the key's revision in the presence store.
 *
 * @since 0.2.0
 *
 * @param string       $key  Screen key.
 * @param WP_User|null $user Who saved; null for the current user (0 when none: cron, WP-CLI).
 * @return bool Whether a revision was written.
 */
function wpp_stale_screen_mark( string $key, ?WP_User $user = null ): bool {
	$user = $user ?? wp_get_current_user();
	if ( ! wpp_stale_screen_is_key( $key ) ) {
		return false;
	}

	// No owner (user_id 0): logging out removes a user's entries, not the revisions they made.
	$data = array(
		'user_id'      => $user->ID,
		'display_name' => $user->exists() ? wp_specialchars_decode( (string) $user->display_name, ENT_QUOTES ) : '',
	);
	$done = wpp_backend()->set( WPP_SCREEN_ROOM_PREFIX . $key, 'revision', $data, 0, WPP_SCREEN_REVISION_TTL );

	if ( $done ) {
		/**
		 * Fires after a screen's revision was recorded (someone saved what the screen shows).
		 *
		 * @since 0.2.0
		 *
		 * @param string $key     Screen key.
		 * @param int    $user_id Who saved (0: no user).
		 */
		do_action( 'wpp_screen_revised', $key, $user->ID );
	}
	return $done;
}

/**
 * The `presence-stale` answer for a page: the latest save of its screen by someone else after the
 * page was served, if the viewer may see that screen; null otherwise. No database query unless a
 * newer save exists (then at most the one the capability check of its object needs).
 *
 * @since 0.2.0
 *
 * @param string  $key    Screen key of the page.
 * @param float   $since  Unix time the page was served.
 * @param WP_User $viewer The person.
 * @return array|null `{key, user_id, display_name, saved_at}`.
 */
function wpp_stale_screen_check( string $key, float $since, WP_User $viewer ): ?array {
	if ( ! wpp_stale_screen_is_key( $key ) ) {
		return null;
	}
	$latest = wpp_backend()->get_room( WPP_SCREEN_ROOM_PREFIX . $key, WPP_SCREEN_REVISION_TTL, 1 )[0] ?? null;
	if ( null === $latest || (float) $latest['updated_at'] <= $since ) {
		return null;
	}
	$saver = (int) ( $latest['data']['user_id'] ?? 0 );
	if ( $saver === $viewer->ID || ! wpp_stale_screen_can_see( $key, $viewer ) ) {
		return null;
	}
	return array(
		'key'          => $key,
		'user_id'      => $saver,
		'display_name' => (string) ( $latest['data']['display_name'] ?? '' ),
		'saved_at'     => (float) $latest['updated_at'],
	);
}

/**
 * A post was saved (editor, REST, quick edit, autosave of a draft by its author, scheduled
 * publishing). A revision is recorded only when someone else has the post open — the post's room
 * says so (the post-lock refresh keeps even a hidden editor tab in it) — so an import of
 * thousands of posts writes nothing. Hooked to `wp_after_insert_post`.
 *
 * @since 0.2.0
 *
 * @param int     $post_id Post id.
 * @param WP_Post $post    Post.
 */
function wpp_stale_screen_post_saved( $post_id, $post = null ): void {
	$post = get_post( $post ?? $post_id );
	$room = $post instanceof WP_Post && 'revision' !== $post->post_type ? wpp_rooms_for_post( $post ) : false;
	if ( false === $room ) {
		return;
	}
	$others = wpp_client_ids_user_entries( wpp_backend()->get_room( $room, wpp_entries_default_ttl() ), get_current_user_id() );
	if ( $others ) {
		wpp_stale_screen_mark( 'post/' . $post->ID );
	}
}

/**
 * A term was saved. Hooked to `edited_term`.
 *
 * @since 0.2.0
 *
 * @param int $term_id Term id.
 */
function wpp_stale_screen_term_saved( $term_id ): void {
	wpp_stale_screen_mark( 'term/' . (int) $term_id );
}

/**
 * A user profile was saved. Hooked to `profile_update`.
 *
 * @since 0.2.0
 *
 * @param int $user_id User id.
 */
function wpp_stale_screen_user_saved( $user_id ): void {
	if ( ! wpp_stale_screen_meta_only_user( (int) $user_id ) ) {
		wpp_stale_screen_mark( 'user/' . (int) $user_id );
	}
}

/**
 * Notes a REST update of a user that changes no field of the user, only meta — the block editor
 * saving its preferences — so the profile_update it causes is not taken for a profile save.
 * Hooked to the `rest_pre_insert_user` filter; returns the user unchanged.
 *
 * @since 0.2.0
 *
 * @param object|mixed $prepared_user The user the REST API is about to save.
 * @return object|mixed
 */
function wpp_stale_screen_rest_user( $prepared_user ) {
	if ( is_object( $prepared_user ) && ! empty( $prepared_user->ID ) && array( 'ID' ) === array_keys( get_object_vars( $prepared_user ) ) ) {
		wpp_stale_screen_meta_only_user( (int) $prepared_user->ID, true );
	}
	return $prepared_user;
}

/**
 * Whether the current update of a user is a meta-only REST update (see above); asking forgets it.
 *
 * @since 0.2.0
 *
 * @param int  $user_id User id.
 * @param bool $note    True to note that it is.
 * @return bool
 */
function wpp_stale_screen_meta_only_user( int $user_id, bool $note = false ): bool {
	static $meta_only = array();
	if ( $note ) {
		$meta_only[ $user_id ] = true;
		return true;
	}
	$was = isset( $meta_only[ $user_id ] );
	unset( $meta_only[ $user_id ] );
	return $was;
}

/**
 * A comment was edited or its status changed. Hooked to `edit_comment` and
 * `wp_set_comment_status`.
 *
 * @since 0.2.0
 *
 * @param int $comment_id Comment id.
 */
function wpp_stale_screen_comment_saved( $comment_id ): void {
	wpp_stale_screen_mark( 'comment/' . (int) $comment_id );
}

/**
 * A settings page was saved: options.php updates the options of a settings group (after checking
 * the group's nonce and capability). Hooked to `updated_option` and `added_option`.
 *
 * @since 0.2.0
 */
function wpp_stale_screen_option_saved(): void {
	// phpcs:disable WordPress.Security.NonceVerification.Missing -- options.php verified it before saving.
	if ( 'options.php' !== ( $GLOBALS['pagenow'] ?? '' ) || ! isset( $_POST['option_page'] ) || ! is_string( $_POST['option_page'] ) ) {
		return;
	}
	$group = sanitize_key( wp_unslash( $_POST['option_page'] ) );
	// phpcs:enable
	if ( '' !== $group ) {
		wpp_stale_screen_mark( 'options/' . $group );
	}
}

/**
 * The action custom screens fire after a save: `do_action( 'wpp_mark_screen_stale', $key )`.
 * Hooked to `wpp_mark_screen_stale`.
 *
 * @since 0.2.0
 *
 * @param string $key Screen key.
 */
function wpp_stale_screen_mark_action( $key ): void {
	if ( is_string( $key ) ) {
		wpp_stale_screen_mark( $key );
	}
}

/**
 * The warning for a `presence-stale` answer: "Editor Two saved this page 2 minutes ago — reload
 * to see the changes." with a Reload button, as a WordPress admin notice. The block editor shows
 * the same text (the message element's) as one of its own notices.
 *
 * @since 0.3.0
 *
 * @param array $stale `{key, user_id, display_name, saved_at}` (wpp_stale_screen_check()).
 * @return string HTML.
 */
function wpp_stale_screen_html( array $stale ): string {
	$when = wpp_render_time( (float) ( $stale['saved_at'] ?? 0 ) );
	$name = (string) ( $stale['display_name'] ?? '' );
	$text = '' !== $name
		/* translators: 1: display name, 2: when, e.g. "20 seconds ago" (a time element). */
		? sprintf( esc_html__( '%1$s saved this page %2$s — reload to see the changes.', 'presence' ), esc_html( $name ), $when )
		/* translators: %s: when, e.g. "20 seconds ago" (a time element). */
		: sprintf( esc_html__( 'This page was saved %s — reload to see the changes.', 'presence' ), $when );
	return sprintf(
		'<div class="notice notice-warning wpp-stale" id="wpp-stale-screen" role="status" data-saved-at="%1$s"><p><span class="wpp-stale__message">%2$s</span> <button type="button" class="button wpp-stale__reload">%3$s</button></p></div>',
		esc_attr( (string) round( (float) ( $stale['saved_at'] ?? 0 ), 3 ) ),
		$text,
		esc_html__( 'Reload', 'presence' )
	);
}
