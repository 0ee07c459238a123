<?php
/**
 * Stale-screen warning: when someone else saves what a user has open, the user's next tick brings
 * a banner — "Editor Two saved this page 20 s ago — reload to see the changes".
 *
 * A screen is named by a key, in the Presence API feature plugin's forms: `post/{id}` (block and
 * classic editor; REST saves included), `term/{taxonomy}/{id}`, `user-edit/{id}` (the profile
 * screen is the user's own), `comment/{id}`, `options/{group}` (the Settings screens and every
 * Settings API page), `options/privacy`, or a custom key (lower-case letters, digits, `_`, `-`
 * and `/`, at most 191 bytes). A save writes the key's revision into the presence store — the
 * internal room `screens/{key}`, one entry per key holding who saved, when, and a revision number
 * — never into an option or post meta, whose every rewrite would flush the caches presence exists
 * to spare. A page sends its key and the time it was served with each tick; a revision newer
 * than that, by someone else, is answered as `presence-stale`, to users who may see that screen
 * only.
 *
 * Only saves that happened mark a screen, after WordPress checked them: a post, term, profile or
 * comment on the hook that follows the save (named as saved by the current user only when that
 * user may edit the object); a Settings screen once options.php (or the privacy or permalink
 * screen) verified the request's nonce and the user's capability for that page, and one of the
 * page's own options was written. An option written by anything else in the same request (cron,
 * a plugin's housekeeping) marks nothing.
 *
 * Custom screens declare their key with the filter `wpp_screen_key` or the feature plugin's
 * `wp_presence_current_screen_key`; after a save they mark it with the action
 * `wpp_mark_screen_stale` (PHP) or `wp.presence.markScreenStale( key )` (the browser: `POST
 * /wp-presence/v1/screens/stale`, or the feature plugin's `POST
 * /wp-presence/v1/presence/screen-revisions/stale`). A key asked over REST that is not one of the
 * forms above must come with the token the page was served with for it: only keys a screen
 * declared to that user can be marked, never any string. Every mark counts against the user's
 * budget (api/budget.php).
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
 * Longest screen key, in bytes (the feature plugin's WP_PRESENCE_SCREEN_KEY_LIMIT).
 *
 * @since 0.2.0
 * @since 0.3.0 191, was 100.
 */
const WPP_SCREEN_KEY_MAX = 191;

/**
 * Seconds a revision is kept: a page open longer than that without a tick (a tab hidden for a
 * day) is not warned about a save that old.
 *
 * @since 0.2.0
 */
const WPP_SCREEN_REVISION_TTL = DAY_IN_SECONDS;

/**
 * The Settings screens of WordPress itself: screen base => settings group of their key.
 *
 * @since 0.3.0
 */
const WPP_SCREEN_OPTION_PAGES = array(
	'options-general'    => 'general',
	'options-writing'    => 'writing',
	'options-reading'    => 'reading',
	'options-discussion' => 'discussion',
	'options-media'      => 'media',
	'options-permalink'  => 'permalink',
	'options-privacy'    => 'privacy',
);

/**
 * Screens that save their options themselves, not through options.php: admin file => [the nonce
 * actions of a save, the settings group, the options a save writes].
 *
 * @since 0.3.0
 */
const WPP_SCREEN_OWN_SAVES = array(
	'options-permalink.php' => array( array( 'update-permalink' ), 'permalink', array( 'permalink_structure', 'category_base', 'tag_base' ) ),
	'options-privacy.php'   => array( array( 'set-privacy-page', 'create-privacy-page' ), 'privacy', array( 'wp_page_for_privacy_policy' ) ),
);

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
 * The room holding a key's revision: `screens/{key}`, or for a key too long for a room name,
 * `screens/={md5 of the key}` (`=` is in no key).
 *
 * @since 0.3.0
 *
 * @param string $key Screen key (valid).
 * @return string
 */
function wpp_stale_screen_room( string $key ): string {
	$room = WPP_SCREEN_ROOM_PREFIX . $key;
	return strlen( $room ) <= WPP_MAX_ROOM_BYTES ? $room : WPP_SCREEN_ROOM_PREFIX . '=' . md5( $key );
}

/**
 * The key of an admin screen, '' for a screen that does not take part.
 *
 * @since 0.2.0
 * @since 0.3.0 The feature plugin's key forms and its `wp_presence_current_screen_key` filter.
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
	} elseif ( 'term' === $screen->base && isset( $_GET['tag_ID'] ) && '' !== (string) $screen->taxonomy ) {
		$key = 'term/' . $screen->taxonomy . '/' . absint( $_GET['tag_ID'] );
	} elseif ( 'user-edit' === $screen->base && isset( $_GET['user_id'] ) ) {
		$key = 'user-edit/' . absint( $_GET['user_id'] );
	} elseif ( 'profile' === $screen->base ) {
		$key = 'user-edit/' . get_current_user_id();
	} elseif ( 'comment' === $screen->base && isset( $_GET['c'] ) ) {
		$key = 'comment/' . absint( $_GET['c'] );
	} elseif ( isset( WPP_SCREEN_OPTION_PAGES[ $screen->base ] ) ) {
		$key = 'options/' . WPP_SCREEN_OPTION_PAGES[ $screen->base ];
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

	/**
	 * Filters the stale-screen key of the current admin screen (the Presence API feature plugin's
	 * filter; applied after `wpp_screen_key`). '' turns the warning off for the screen; the result
	 * is cut to 191 bytes.
	 *
	 * @since 0.3.0
	 *
	 * @param string    $key    Key, '' when the screen does not take part.
	 * @param WP_Screen $screen The screen.
	 */
	$key = apply_filters( 'wp_presence_current_screen_key', is_string( $key ) ? $key : '', $screen );
	$key = is_string( $key ) ? substr( $key, 0, WPP_SCREEN_KEY_MAX ) : '';
	return wpp_stale_screen_is_key( $key ) ? $key : '';
}

/**
 * The object or settings group a key of one of WordPress's own forms names: `['post', id]`,
 * `['term', id, taxonomy]`, `['user', id]`, `['comment', id]`, `['options', group]`; null for a
 * custom key.
 *
 * @since 0.3.0
 *
 * @param string $key Screen key.
 * @return array|null
 */
function wpp_stale_screen_parse( string $key ): ?array {
	if ( preg_match( '#^(post|user-edit|comment)/([1-9][0-9]{0,19})$#D', $key, $m ) ) {
		return array( 'user-edit' === $m[1] ? 'user' : $m[1], (int) $m[2] );
	}
	if ( preg_match( '#^term/([a-z0-9_-]{1,32})/([1-9][0-9]{0,19})$#D', $key, $m ) ) {
		return array( 'term', (int) $m[2], $m[1] );
	}
	if ( preg_match( '#^options/([a-z0-9_-]+)$#D', $key, $m ) ) {
		return array( 'options', $m[1] );
	}
	return null;
}

/**
 * Whether a user may see the screen a key names, and so be told it changed.
 *
 * @since 0.2.0
 * @since 0.3.0 The feature plugin's key forms; `options/privacy` needs `manage_privacy_options`.
 *
 * @param string  $key    Screen key.
 * @param WP_User $viewer The person.
 * @return bool
 */
function wpp_stale_screen_can_see( string $key, WP_User $viewer ): bool {
	if ( ! $viewer->exists() || ! wpp_stale_screen_is_key( $key ) ) {
		return false;
	}
	$parsed = wpp_stale_screen_parse( $key );
	switch ( $parsed[0] ?? '' ) {
		case 'post':
			return wpp_privacy_can_see_post( $parsed[1], $viewer );
		case 'term':
			$term = get_term( $parsed[1] );
			return $term instanceof WP_Term && $term->taxonomy === $parsed[2] && user_can( $viewer, 'edit_term', $term->term_id );
		case 'user':
			return false !== get_userdata( $parsed[1] ) && user_can( $viewer, 'edit_user', $parsed[1] );
		case 'comment':
			return user_can( $viewer, 'edit_comment', $parsed[1] );
		case 'options':
			if ( 'privacy' === $parsed[1] ) {
				return user_can( $viewer, 'manage_privacy_options' );
			}
			/** This filter is documented in wp-admin/options.php */
			$capability = apply_filters( "option_page_capability_{$parsed[1]}", 'manage_options' );
			return user_can( $viewer, (string) $capability );
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
 * The token a page is served with for its own screen key: proof, on a later request of the same
 * user and session, that a screen declared that key to them. A nonce, so it lasts a day at most.
 *
 * @since 0.3.0
 *
 * @param string $key Screen key ('' gives '').
 * @return string
 */
function wpp_stale_screen_token( string $key ): string {
	return '' === $key ? '' : wp_create_nonce( 'wpp_screen_key|' . $key );
}

/**
 * Whether the current user may mark a screen stale on request (REST): they may see it, and the
 * key is one of WordPress's own forms naming something that exists, or a key a screen declared
 * to them (its token). Custom keys are never taken on their word: any string would otherwise be
 * a new room.
 *
 * @since 0.3.0
 *
 * @param string $key   Screen key.
 * @param string $token The token the page was served with for the key ('' for none).
 * @return bool
 */
function wpp_stale_screen_may_mark( string $key, string $token ): bool {
	$user = wp_get_current_user();
	if ( ! wpp_stale_screen_can_see( $key, $user ) ) {
		return false;
	}
	$parsed = wpp_stale_screen_parse( $key );
	if ( null !== $parsed && ( 'options' !== $parsed[0] || in_array( $parsed[1], WPP_SCREEN_OPTION_PAGES, true ) ) ) {
		return true; // The object exists (the capability check needed it) or the page is WordPress's.
	}
	return '' !== $token && false !== wp_verify_nonce( $token, 'wpp_screen_key|' . $key );
}

/**
 * Records that a screen was saved now by a user: the key's revision in the presence store, within
 * the user's budget (api/budget.php), then `wp_presence_screen_revision_bumped`.
 *
 * @since 0.2.0
 * @since 0.3.0 `$args` (a WP_User alone still names who saved); returns the revision or a
 *              WP_Error; counted against the user's budget.
 *
 * @param string             $key  Screen key.
 * @param array|WP_User|null $args {
 *     @type WP_User|null $user  Who saved; null for the current user (none: cron, WP-CLI).
 *     @type bool         $named Whether the warning names them (false: "This screen was updated").
 *                               Default true.
 *     @type string       $via   'save' (after a save, default) or 'request' (asked over REST).
 * }
 * @return int|WP_Error The revision (a Unix time, or the previous revision + 1); WP_Error for an
 *                      invalid key (400), over the budget (429), or a store that refused (503).
 */
function wpp_stale_screen_mark( string $key, $args = array() ) {
	$args = ( $args instanceof WP_User ? array( 'user' => $args ) : (array) $args ) + array(
		'user'  => null,
		'named' => true,
		'via'   => 'save',
	);
	$user = $args['user'] instanceof WP_User ? $args['user'] : wp_get_current_user();
	if ( ! wpp_stale_screen_is_key( $key ) ) {
		return new WP_Error( 'wpp_invalid_screen_key', __( 'Invalid screen key.', 'presence' ), array( 'status' => 400 ) );
	}
	$charged = wpp_budget_charge_mark( $user->ID, $key, 'request' === $args['via'] ? 'request' : 'save' );
	if ( is_wp_error( $charged ) ) {
		return $charged;
	}

	$room     = wpp_stale_screen_room( $key );
	$latest   = wpp_backend()->get_room( $room, WPP_SCREEN_REVISION_TTL, 1 )[0] ?? null;
	$previous = (int) ( $latest['data']['rev'] ?? 0 );
	$actor    = $args['named'] && $user->exists() ? $user : null;
	if ( 'repeat' === $charged && null !== $latest && (int) ( $latest['data']['user_id'] ?? 0 ) === ( $actor->ID ?? 0 ) ) {
		return $previous; // The same user marked it seconds ago: the others were told already.
	}

	// No owner (user_id 0): logging out removes a user's entries, not the revisions they made.
	$revision = max( $previous + 1, time() );
	$data     = array(
		'user_id'      => $actor->ID ?? 0,
		'display_name' => null !== $actor ? wp_specialchars_decode( (string) $actor->display_name, ENT_QUOTES ) : '',
		'rev'          => $revision,
		'key'          => $key,
	);
	if ( ! wpp_budget_write( $room, 'revision', $data, WPP_SCREEN_REVISION_TTL ) ) {
		return wpp_budget_store_refused( wpp_backend() );
	}

	/**
	 * Fires after a screen's revision was recorded (someone saved what the screen shows, or asked
	 * to mark it stale). The Presence API feature plugin's action.
	 *
	 * @since 0.3.0
	 *
	 * @param string $screen_key Screen key.
	 * @param int    $revision   The new revision.
	 * @param int    $actor_id   Who saved (0: nobody named).
	 */
	do_action( 'wp_presence_screen_revision_bumped', $key, $revision, $actor->ID ?? 0 );
	return $revision;
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
	$latest = wpp_backend()->get_room( wpp_stale_screen_room( $key ), WPP_SCREEN_REVISION_TTL, 1 )[0] ?? null;
	if ( null === $latest || (float) $latest['updated_at'] <= $since ) {
		return null;
	}
	$saver = (int) ( $latest['data']['user_id'] ?? 0 );
	if ( ( $saver > 0 && $saver === $viewer->ID ) || ! wpp_stale_screen_can_see( $key, $viewer ) ) {
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
 * Marks the screen of an object the current user just saved: named as theirs when they may edit
 * it (WordPress checked that before saving); a save made by code on their behalf is marked
 * without a name. The store's refusal leaves the save as it is.
 *
 * @since 0.3.0
 *
 * @param string $key        Screen key.
 * @param string $capability Meta capability to edit the object.
 * @param int    $id         Object id.
 */
function wpp_stale_screen_mark_saved( string $key, string $capability, int $id ): void {
	wpp_stale_screen_mark( $key, array( 'named' => current_user_can( $capability, $id ) ) );
}

/**
 * A post was saved (editor, REST, quick edit, autosave of a draft by its author, scheduled
 * publishing). A revision is recorded only when someone else has the post open — the post's room
 * says so (the post-lock refresh keeps even a hidden editor tab in it) — so an import of
 * thousands of posts writes nothing. Hooked to `wp_after_insert_post`, which follows the save.
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
		wpp_stale_screen_mark_saved( 'post/' . $post->ID, 'edit_post', $post->ID );
	}
}

/**
 * A term was saved. Hooked to `edited_term`, which follows the save.
 *
 * @since 0.2.0
 * @since 0.3.0 The key names the taxonomy.
 *
 * @param int    $term_id  Term id.
 * @param int    $tt_id    Term taxonomy id.
 * @param string $taxonomy Taxonomy.
 */
function wpp_stale_screen_term_saved( $term_id, $tt_id = 0, $taxonomy = '' ): void {
	if ( is_string( $taxonomy ) && '' !== $taxonomy ) {
		wpp_stale_screen_mark_saved( 'term/' . $taxonomy . '/' . (int) $term_id, 'edit_term', (int) $term_id );
	}
}

/**
 * A user profile was saved. Hooked to `profile_update`, which follows the save.
 *
 * @since 0.2.0
 *
 * @param int $user_id User id.
 */
function wpp_stale_screen_user_saved( $user_id ): void {
	if ( ! wpp_stale_screen_meta_only_user( (int) $user_id ) ) {
		wpp_stale_screen_mark_saved( 'user-edit/' . (int) $user_id, 'edit_user', (int) $user_id );
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
 * `wp_set_comment_status`, which follow the save.
 *
 * @since 0.2.0
 *
 * @param int $comment_id Comment id.
 */
function wpp_stale_screen_comment_saved( $comment_id ): void {
	wpp_stale_screen_mark_saved( 'comment/' . (int) $comment_id, 'edit_comment', (int) $comment_id );
}

/**
 * What this request knows of a settings save: `allowed` (settings group => the options it may
 * write, as options.php computed them) and `save` (the save WordPress verified: `['group' =>
 * string, 'options' => string[]]`, or null). Set by the hooks below; a new request starts empty.
 *
 * @since 0.3.0
 *
 * @param array $update Values to set (`allowed`, `save`); none to only read.
 * @return array{allowed:array,save:array|null}
 */
function wpp_stale_screen_settings( array $update = array() ): array {
	static $state = array(
		'allowed' => array(),
		'save'    => null,
	);
	$state = array_merge( $state, array_intersect_key( $update, $state ) );
	return $state;
}

/**
 * Keeps the list of options each settings group may write, as options.php computed it, for the
 * save that may follow. Hooked to the `allowed_options` filter (last, so it sees the final list);
 * returns the list unchanged.
 *
 * @since 0.3.0
 *
 * @param array|mixed $allowed Settings group => option names.
 * @return array|mixed
 */
function wpp_stale_screen_allowed_options( $allowed ) {
	if ( 'options.php' === ( $GLOBALS['pagenow'] ?? '' ) && is_array( $allowed ) ) {
		wpp_stale_screen_settings( array( 'allowed' => $allowed ) );
	}
	return $allowed;
}

/**
 * A settings screen checked a request's nonce: when it passed, for the group the request saves,
 * and the user has that page's capability, remember the save (the options it may write). Hooked
 * to the `check_admin_referer` action, which options.php, options-permalink.php and
 * options-privacy.php call after their capability check and before they write anything; a
 * refused nonce ends the request there.
 *
 * @since 0.3.0
 *
 * @param string    $action The nonce action checked.
 * @param false|int $result False when the nonce was refused, 1 or 2 when it passed.
 */
function wpp_stale_screen_referer_checked( $action, $result ): void {
	$page = (string) ( $GLOBALS['pagenow'] ?? '' );
	if ( ! $result || ! is_string( $action ) || ! is_admin() ) {
		return;
	}
	if ( 'options.php' === $page ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- options.php just verified it; read as options.php reads it.
		$group = isset( $_REQUEST['option_page'] ) && is_string( $_REQUEST['option_page'] ) ? sanitize_text_field( wp_unslash( $_REQUEST['option_page'] ) ) : '';
		if ( '' === $group || $group . '-options' !== $action ) {
			return;
		}
		/** This filter is documented in wp-admin/options.php */
		$capability = (string) apply_filters( "option_page_capability_{$group}", 'manage_options' );
		$allowed    = wpp_stale_screen_settings()['allowed'][ $group ] ?? null;
		if ( current_user_can( $capability ) && is_array( $allowed ) && $allowed ) {
			wpp_stale_screen_settings(
				array(
					'save' => array(
						'group'   => $group,
						'options' => array_map( 'strval', $allowed ),
					),
				)
			);
		}
		return;
	}
	if ( isset( WPP_SCREEN_OWN_SAVES[ $page ] ) && in_array( $action, WPP_SCREEN_OWN_SAVES[ $page ][0], true ) ) {
		list( , $group, $options ) = WPP_SCREEN_OWN_SAVES[ $page ];
		if ( current_user_can( 'privacy' === $group ? 'manage_privacy_options' : 'manage_options' ) ) {
			wpp_stale_screen_settings(
				array(
					'save' => array(
						'group'   => $group,
						'options' => $options,
					),
				)
			);
		}
	}
}

/**
 * A settings page saved one of its options: marks `options/{group}` once, when this request is a
 * verified save of that group (wpp_stale_screen_referer_checked()). Hooked to `updated_option`
 * and `added_option`, which fire only when a value really changed.
 *
 * @since 0.2.0
 * @since 0.3.0 Only for a verified save, and only for one of the group's own options.
 *
 * @param string $option Option name.
 */
function wpp_stale_screen_option_saved( $option ): void {
	$save = wpp_stale_screen_settings()['save'];
	if ( null === $save || ! in_array( $option, $save['options'], true ) ) {
		return;
	}
	wpp_stale_screen_settings( array( 'save' => null ) ); // Once per request.
	$key = 'options/' . $save['group'];
	if ( wpp_stale_screen_is_key( $key ) ) {
		wpp_stale_screen_mark( $key );
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
