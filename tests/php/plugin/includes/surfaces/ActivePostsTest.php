<?php
/**
 * The dashboard's "Active posts" widget (plugin/includes/surfaces/active-posts.php): one row per
 * post being edited that the viewer may edit, each person once, "N people", the latest activity;
 * its heartbeat answer (`presence-active-posts`) and what that costs.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-surfaces-render.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-privacy-fixture.php';

/**
 * @covers ::wpp_active_posts_read
 * @covers ::wpp_active_posts_build
 * @covers ::wpp_active_posts_html
 */
final class ActivePostsTest extends WPP_Heartbeat_TestCase {
	use WPP_Surfaces_Render;
	use WPP_Privacy_Fixture;

	protected function tearDown(): void {
		$this->tear_down_privacy_fixture();
		parent::tearDown();
	}

	private function payload( WP_User $viewer ): array {
		wp_set_current_user( $viewer->ID );
		return wpp_active_posts_state();
	}

	public function test_one_row_per_post_each_person_once_newest_activity_first(): void {
		$a     = self::user( 'editor' );
		$b     = self::user( 'editor' );
		$other = self::post( array( 'post_title' => 'Second post', 'post_status' => 'draft' ) );
		$this->heartbeat( $a, $this->editor_data( $this->post_id ), 'post' );
		$this->heartbeat( $a, $this->editor_data( $this->post_id ), 'post' ); // Ticking again: still once.
		wpp_backend()->set( $this->post_room(), 'tab-9', array(), $a->ID, 150 ); // A REST client of the same person.
		usleep( 20000 );
		$this->heartbeat( $b, $this->editor_data( $this->post_id ), 'post' );
		usleep( 20000 );
		$this->heartbeat( $b, $this->editor_data( $other->ID ), 'post' );

		$posts = $this->payload( self::user( 'editor' ) )['posts'];
		$this->assertSame( array( $other->ID, $this->post_id ), array_column( $posts, 'post_id' ), 'newest activity first' );
		$this->assertSame( 2, $posts[1]['total'] );
		$this->assertSame( array( $b->ID, $a->ID ), array_column( $posts[1]['users'], 'user_id' ) );
		$this->assertSame( 'Heartbeat test post', $posts[1]['title'] );
		$this->assertSame( get_edit_post_link( $this->post_id, 'raw' ), $posts[1]['url'] );
		$this->assertEqualsWithDelta( microtime( true ), $posts[0]['latest'], 5 );
		$this->assertSame( max( array_column( $posts[1]['users'], 'updated_at' ) ), $posts[1]['latest'] );
	}

	public function test_the_rendered_widget_has_titles_avatars_counts_and_times(): void {
		$a = self::named_user( 'editor', 'Ada Lovelace' );
		$this->heartbeat( $a, $this->editor_data( $this->post_id ), 'post' );
		$html = $this->render_dashboard_widgets( self::user( 'editor' ) );
		$this->assertMatchesRegularExpression( '#<li class="wpp-active-posts__post" data-post-id="' . $this->post_id . '"><a class="wpp-active-posts__title" href="[^"]+post=' . $this->post_id . '[^"]*">Heartbeat test post</a>#', $html );
		$this->assertStringContainsString( 'aria-label="Ada Lovelace"', $html );
		$this->assertStringContainsString( '>AL</span>', $html );
		$this->assertStringContainsString( '1 person · <time class="wpp-ago"', $html );
		$this->assertStringContainsString( 'class="wpp-active-posts__summary" hidden', $html );
	}

	public function test_nobody_editing_says_so(): void {
		$html = $this->render_dashboard_widgets( self::user( 'author' ) );
		$this->assertStringContainsString( 'Nobody is editing a post you can edit.', $html );
	}

	/**
	 * @dataProvider viewers
	 */
	public function test_a_viewer_gets_rows_only_for_posts_they_may_edit( string $viewer ): void {
		$this->set_up_privacy_fixture();
		$payload = $this->payload( $this->people[ $viewer ] );
		$seen    = array_column( $payload['posts'], 'post_id' );
		$allowed = array_map( fn( $key ) => $this->posts[ $key ]->ID, self::may_see( $viewer ) );
		sort( $seen );
		sort( $allowed );
		$this->assertSame( $allowed, $seen );
		$this->assert_shows_only_allowed_posts( $viewer, $this->render_dashboard_widgets( $this->people[ $viewer ] ) . wp_json_encode( $payload ), 'Active posts' );
	}

	public static function viewers(): array {
		return array(
			'editor'      => array( 'editor' ),
			'author'      => array( 'author' ),
			'contributor' => array( 'contributor' ),
			'librarian'   => array( 'librarian' ),
		);
	}

	public function test_heartbeat_answers_unchanged_until_someone_joins_or_leaves(): void {
		$viewer = self::user( 'editor' );
		$a      = self::user( 'editor' );
		$this->heartbeat( $a, $this->editor_data( $this->post_id ), 'post' );
		$ask   = static fn( $version = null ) => array( 'presence-active-posts' => array( 'version' => null === $version ? '' : (string) $version ) );
		$first = $this->heartbeat( $viewer, $ask() )['presence-active-posts'];
		$this->assertSame( array( $this->post_id ), array_column( $first['posts'], 'post_id' ) );

		$this->heartbeat( $a, $this->editor_data( $this->post_id ), 'post' ); // Only ticking.
		$again = $this->heartbeat( $viewer, $ask( $first['version'] ) )['presence-active-posts'];
		$this->assertSame( array( 'version' => $first['version'], 'unchanged' => true ), $again );

		$this->heartbeat( self::user( 'editor' ), $this->editor_data( $this->post_id ), 'post' );
		$joined = $this->heartbeat( $viewer, $ask( $first['version'] ) )['presence-active-posts'];
		$this->assertSame( 2, $joined['posts'][0]['total'] );

		wpp_backend()->remove_user( $a->ID );
		$left = $this->heartbeat( $viewer, $ask( $joined['version'] ) )['presence-active-posts'];
		$this->assertSame( 1, $left['posts'][0]['total'] );
	}

	public function test_hostile_titles_and_names_are_text(): void {
		$evil = $this->hostile_editor_of_a_hostile_post();
		$this->heartbeat( $evil, $this->editor_data( $this->post_id ), 'post' );
		$html = $this->render_dashboard_widgets( self::user( 'editor' ) );
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringNotContainsString( '<img src=x', $html );
		$this->assertStringContainsString( '>&lt;/a&gt;&lt;script&gt;alert(2)&lt;/script&gt;</a>', $html );
	}
}
