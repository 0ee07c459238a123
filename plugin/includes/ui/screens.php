<?php
/**
 * Where someone is, in words a viewer reads: "Editing “Title”", "Moderating comments", "On the
 * dashboard", with a link when the viewer may follow it.
 *
 * Built on read, for one viewer, from what wpp_privacy_entry_for_viewer() kept of an entry: the
 * screen id and the post id the user's own heartbeat stored. Nothing the browser sent is shown as
 * text: a screen id only selects one of the labels below, and a title is always the server's
 * post title.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Where an online user is, as the viewer may see it.
 *
 * @since 0.2.0
 *
 * @param array   $data   Entry data as wpp_privacy_entry_for_viewer() returned it.
 * @param WP_User $viewer The person who reads it.
 * @return array{screen:string,post_id:int,label:string,url:string}
 */
function wpp_screens_where( array $data, WP_User $viewer ): array {
	$screen  = wpp_ping_clean_key( $data['screen'] ?? '' );
	$post_id = wpp_privacy_data_post_id( $data ) ?? 0;
	$post    = $post_id > 0 ? get_post( $post_id ) : null;

	if ( $post instanceof WP_Post ) {
		$where = array(
			/* translators: %s: post title. */
			'label' => sprintf( __( 'Editing “%s”', 'presence' ), wpp_screens_post_title( $post ) ),
			// get_edit_post_link() checks the current user's right to edit; another viewer's here.
			'url'   => get_current_user_id() === $viewer->ID || user_can( $viewer, 'edit_post', $post->ID ) ? (string) get_edit_post_link( $post, 'raw' ) : '',
		);
	} else {
		$post_id = 0;
		$where   = wpp_screens_label( $screen, $viewer );
	}

	/**
	 * Filters what a viewer reads about where an online user is. Use it to name a custom admin
	 * screen. The label is shown as text; build it on the server (never from an entry's data,
	 * which other users wrote).
	 *
	 * @since 0.2.0
	 *
	 * @param array   $where   `label` (text) and `url` ('' for no link).
	 * @param string  $screen  Screen id the user's heartbeat stored ('post' for a post the viewer may not see).
	 * @param int     $post_id Post the user is editing, when the viewer may see it; 0 otherwise.
	 * @param WP_User $viewer  The person who reads it.
	 */
	$where = apply_filters( 'wpp_screen_label', $where, $screen, $post_id, $viewer );

	return array(
		'screen'  => $screen,
		'post_id' => $post_id,
		'label'   => (string) ( $where['label'] ?? '' ),
		'url'     => (string) ( $where['url'] ?? '' ),
	);
}

/**
 * A post's title as text (the way the admin lists show it: entities decoded, markup shown as
 * typed), or "(no title)".
 *
 * @since 0.2.0
 *
 * @param WP_Post $post Post.
 * @return string
 */
function wpp_screens_post_title( WP_Post $post ): string {
	$title = trim( html_entity_decode( (string) $post->post_title, ENT_QUOTES | ENT_HTML5, 'UTF-8' ) );
	if ( '' === $title || 'auto-draft' === $post->post_status ) {
		return __( '(no title)', 'presence' );
	}
	return $title;
}

/**
 * The label of a screen that is not a post the viewer may see, and the link to it when the
 * viewer may open it.
 *
 * @since 0.2.0
 *
 * @param string  $screen Screen id.
 * @param WP_User $viewer The person who reads it.
 * @return array{label:string,url:string}
 */
function wpp_screens_label( string $screen, WP_User $viewer ): array {
	$link = static fn( string $label, string $path = '', string $cap = 'edit_posts' ): array => array(
		'label' => $label,
		'url'   => '' !== $path && user_can( $viewer, $cap ) ? admin_url( $path ) : '',
	);

	switch ( $screen ) {
		case 'dashboard':
			return $link( __( 'On the dashboard', 'presence' ), 'index.php', 'read' );
		case 'edit-comments':
			return $link( __( 'Moderating comments', 'presence' ), 'edit-comments.php' );
		case 'comment':
			return $link( __( 'Editing a comment', 'presence' ) );
		case 'upload':
		case 'media':
			return $link( __( 'In the media library', 'presence' ), 'upload.php', 'upload_files' );
		case 'users':
			return $link( __( 'Managing users', 'presence' ), 'users.php', 'list_users' );
		case 'user':
			return $link( __( 'Adding a user', 'presence' ) );
		case 'user-edit':
			return $link( __( 'Editing a user profile', 'presence' ) );
		case 'profile':
			return $link( __( 'Editing their profile', 'presence' ) );
		case 'plugins':
			return $link( __( 'Managing plugins', 'presence' ), 'plugins.php', 'activate_plugins' );
		case 'themes':
			return $link( __( 'Choosing a theme', 'presence' ), 'themes.php', 'switch_themes' );
		case 'tools':
		case 'import':
		case 'export':
			return $link( __( 'Using the tools', 'presence' ), 'tools.php' );
		case 'site-health':
			return $link( __( 'Checking site health', 'presence' ), 'site-health.php', 'view_site_health_checks' );
		case 'front':
			return array(
				'label' => __( 'Viewing the site', 'presence' ),
				'url'   => home_url( '/' ),
			);
		case 'login':
			return $link( __( 'Just logged in', 'presence' ) );
		case WPP_PRIVACY_HIDDEN_SCREEN:
			return $link( __( 'Editing a post', 'presence' ) );
	}

	if ( str_starts_with( $screen, 'options-' ) || str_starts_with( $screen, 'settings_page_' ) ) {
		return $link( __( 'Changing settings', 'presence' ), 'options-general.php', 'manage_options' );
	}
	if ( str_starts_with( $screen, 'edit-' ) ) {
		$name = substr( $screen, 5 );
		$type = get_post_type_object( $name );
		if ( $type && $type->show_ui ) {
			return array(
				/* translators: %s: plural name of a post type, e.g. "Posts". */
				'label' => sprintf( __( 'Browsing %s', 'presence' ), $type->labels->name ),
				'url'   => user_can( $viewer, $type->cap->edit_posts ) ? admin_url( 'edit.php?post_type=' . $type->name ) : '',
			);
		}
		$taxonomy = get_taxonomy( $name );
		if ( $taxonomy && $taxonomy->show_ui ) {
			return array(
				/* translators: %s: plural name of a taxonomy, e.g. "Categories". */
				'label' => sprintf( __( 'Managing %s', 'presence' ), $taxonomy->labels->name ),
				'url'   => user_can( $viewer, $taxonomy->cap->manage_terms ) ? admin_url( 'edit-tags.php?taxonomy=' . $taxonomy->name ) : '',
			);
		}
	}
	$type = get_post_type_object( $screen );
	if ( $type && $type->show_ui ) {
		return $link( __( 'Editing a post', 'presence' ) ); // An editor, the post unknown.
	}
	return $link( __( 'Elsewhere in the admin', 'presence' ) );
}
