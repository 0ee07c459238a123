<?php
/**
 * Renders each surface the way WordPress would for a viewer, as HTML, for the surface tests and
 * the privacy test (which looks at everything a viewer is shown).
 *
 * Use in a WPP_Heartbeat_TestCase.
 *
 * @package Presence
 */

trait WPP_Surfaces_Render {

	/**
	 * The admin bar with the presence node, as $viewer on admin screen $screen (or the front end
	 * for 'front').
	 */
	protected function render_admin_bar( WP_User $viewer, string $screen = 'dashboard', ?WP_Post $post = null ): string {
		require_once ABSPATH . WPINC . '/class-wp-admin-bar.php';
		wp_set_current_user( $viewer->ID );
		unset( $GLOBALS['current_screen'] );
		if ( 'front' !== $screen ) {
			if ( $post ) {
				$GLOBALS['post'] = $post;
			}
			set_current_screen( $screen );
		}
		$bar = new WP_Admin_Bar();
		$bar->add_group( array( 'id' => 'top-secondary', 'meta' => array( 'class' => 'ab-top-secondary' ) ) );
		wpp_admin_bar_menu( $bar );
		ob_start();
		$bar->render();
		return (string) ob_get_clean();
	}

	/**
	 * The dashboard widgets (Who's online, Active posts) as $viewer.
	 */
	protected function render_dashboard_widgets( WP_User $viewer ): string {
		wp_set_current_user( $viewer->ID );
		set_current_screen( 'dashboard' );
		ob_start();
		wpp_whos_online_render();
		wpp_active_posts_render();
		return (string) ob_get_clean();
	}

	/**
	 * The posts list's "Editing now" cells for $posts, as $viewer (the posts are the list's query).
	 */
	protected function render_posts_cells( WP_User $viewer, array $posts ): string {
		wp_set_current_user( $viewer->ID );
		$query              = new WP_Query();
		$query->posts       = $posts;
		$GLOBALS['wp_query'] = $query;
		wpp_posts_list_state( true );
		ob_start();
		foreach ( $posts as $post ) {
			wpp_posts_list_column( WPP_POSTS_COLUMN, $post->ID );
		}
		return (string) ob_get_clean();
	}

	/**
	 * The Users list's Status cells and views, as $viewer.
	 *
	 * @param int[] $user_ids Users of the rows.
	 */
	protected function render_users_list( WP_User $viewer, array $user_ids ): string {
		wp_set_current_user( $viewer->ID );
		wpp_users_list_presence( true );
		$html = implode( ' ', wpp_users_list_views( array( 'all' => '<a href="users.php" class="current" aria-current="page">All</a>' ) ) );
		foreach ( $user_ids as $id ) {
			$html .= wpp_users_list_column( '', 'wpp_status', $id );
		}
		return $html;
	}
}
