<?php
/**
 * Where someone is, in words (plugin/includes/ui/screens.php): each screen's label, a link
 * only when the viewer may follow it, the server's title of a post, and nothing the browser sent
 * shown as text.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_screens_where
 * @covers ::wpp_screens_label
 * @covers ::wpp_screens_post_title
 */
final class ScreensTest extends WPP_TestCase {

	private static function where( string $screen, WP_User $viewer, int $post_id = 0 ): array {
		return wpp_screens_where( array( 'screen' => $screen, 'post_id' => $post_id ), $viewer );
	}

	public function test_labels_of_screens_and_links_the_viewer_may_follow(): void {
		$admin  = self::user( 'administrator' );
		$author = self::user( 'author' );
		wp_set_current_user( $admin->ID );
		$cases = array(
			'dashboard'       => array( 'On the dashboard', 'index.php', 'index.php' ),
			'edit-comments'   => array( 'Moderating comments', 'edit-comments.php', 'edit-comments.php' ),
			'upload'          => array( 'In the media library', 'upload.php', 'upload.php' ),
			'users'           => array( 'Managing users', 'users.php', '' ),
			'plugins'         => array( 'Managing plugins', is_multisite() ? '' : 'plugins.php', '' ), // A network's plugins are its own.
			'options-general' => array( 'Changing settings', 'options-general.php', '' ),
			'edit-post'       => array( 'Browsing Posts', 'edit.php?post_type=post', 'edit.php?post_type=post' ),
			'edit-page'       => array( 'Browsing Pages', 'edit.php?post_type=page', '' ),
			'edit-category'   => array( 'Managing Categories', 'edit-tags.php?taxonomy=category', '' ),
			'profile'         => array( 'Editing their profile', '', '' ),
			'comment'         => array( 'Editing a comment', '', '' ),
			'post'            => array( 'Editing a post', '', '' ),
			'page'            => array( 'Editing a post', '', '' ),
			'login'           => array( 'Just logged in', '', '' ),
			'some-plugin'     => array( 'Elsewhere in the admin', '', '' ),
		);
		foreach ( $cases as $screen => list( $label, $admin_path, $author_path ) ) {
			$for_admin = self::where( $screen, $admin );
			$this->assertSame( $label, $for_admin['label'], $screen );
			$this->assertSame( '' === $admin_path ? '' : admin_url( $admin_path ), $for_admin['url'], "$screen, administrator" );
			$this->assertSame( '' === $author_path ? '' : admin_url( $author_path ), self::where( $screen, $author )['url'], "$screen, author" );
		}
		$front = self::where( 'front', $author );
		$this->assertSame( array( 'Viewing the site', home_url( '/' ) ), array( $front['label'], $front['url'] ) );
	}

	public function test_a_screen_id_from_the_browser_is_never_shown(): void {
		$where = self::where( '<b>hacked</b>-Hello', self::user( 'editor' ) );
		$this->assertSame( 'Elsewhere in the admin', $where['label'] );
		$this->assertSame( 'bhackedb-hello', $where['screen'], 'kept only as a clean key' );
	}

	public function test_a_post_reads_its_server_title_with_its_edit_link(): void {
		$editor = self::user( 'editor' );
		wp_set_current_user( $editor->ID );
		$post  = self::post( array( 'post_title' => 'Fish &amp; chips <em>now</em>', 'post_status' => 'draft' ) );
		$where = self::where( 'post', $editor, $post->ID );
		$this->assertSame( 'Editing “Fish & chips <em>now</em>”', $where['label'], 'entities decoded, markup kept as text' );
		$this->assertSame( get_edit_post_link( $post->ID, 'raw' ), $where['url'] );
		$this->assertSame( $post->ID, $where['post_id'] );

		$untitled = self::post( array( 'post_title' => '', 'post_content' => 'Body only', 'post_status' => 'draft' ) );
		$this->assertSame( 'Editing “(no title)”', self::where( 'post', $editor, $untitled->ID )['label'] );
		$this->assertSame( 'Editing a post', self::where( 'post', $editor, 999999999 )['label'], 'a post that is gone' );
		$this->assertSame( 0, self::where( 'post', $editor, 999999999 )['post_id'] );
	}

	public function test_another_viewer_gets_the_link_only_if_they_may_edit_the_post(): void {
		wp_set_current_user( self::user( 'administrator' )->ID );
		$post = self::post( array( 'post_title' => 'Someone else', 'post_status' => 'draft' ) );
		$this->assertSame( '', self::where( 'post', self::user( 'author' ), $post->ID )['url'] );
	}

	public function test_custom_screens_are_named_by_a_filter(): void {
		add_filter(
			'wpp_screen_label',
			static fn( $where, $screen ) => 'toplevel_page_shop' === $screen ? array( 'label' => 'Running the shop', 'url' => admin_url( 'admin.php?page=shop' ) ) : $where,
			10,
			2
		);
		$where = self::where( 'toplevel_page_shop', self::user( 'editor' ) );
		$this->assertSame( 'Running the shop', $where['label'] );
		$this->assertSame( admin_url( 'admin.php?page=shop' ), $where['url'] );
	}
}
