<?php
/**
 * The surfaces' markup in heartbeat answers (plugin/includes/ui/fragments.php): a surface comes
 * back only when its data changed from the version its copy shows, rendered by the same function
 * as the first paint, for this viewer (the privacy rule), also for a tab that does not ping.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-privacy-fixture.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-surfaces-render.php';

/**
 * @covers ::wpp_fragments_heartbeat
 * @covers ::wpp_fragments_pick
 * @covers ::wpp_fragments_cells
 * @covers ::wpp_fragments_editors
 * @covers ::wpp_fragments_post_rows
 * @covers ::wpp_fragments_active_posts
 * @covers ::wpp_admin_bar_html
 */
final class FragmentsTest extends WPP_Heartbeat_TestCase {

	use WPP_Privacy_Fixture;
	use WPP_Surfaces_Render;

	protected function tearDown(): void {
		$this->tear_down_privacy_fixture();
		parent::tearDown();
	}

	/**
	 * A dashboard tick of the leading tab: the ping, and the asks of the page's surfaces.
	 */
	private function dashboard_tick( array $asks, array $versions = array() ): array {
		return $this->ping( array( 'versions' => $versions ) ) + array( 'presence-fragments' => $asks );
	}

	public function test_changed_surfaces_come_back_rendered_and_current_ones_do_not(): void {
		$viewer = self::user( 'editor' );
		$other  = self::named_user( 'editor', 'Ada Lovelace' );
		$this->heartbeat( $other, $this->ping() );

		$first = $this->heartbeat( $viewer, $this->dashboard_tick( array( 'whos-online' => array( 'v' => '1' ), 'admin-bar' => array( 'v' => '1', 'screen' => 'dashboard' ) ) ) );
		$this->assertSame( wpp_whos_online_html( $first['presence-online'], $viewer ), $first['presence-fragments']['whos-online'], 'the first paint\'s renderer' );
		// WordPress's own markup of the node (6.1 has no role on it).
		$this->assertMatchesRegularExpression( "#^<li (role='group' )?id='wp-admin-bar-wpp-online' class=\"menupop wpp-ab wpp-ab--others\">#", $first['presence-fragments']['admin-bar'] );
		$this->assertStringContainsString( 'data-name="Ada Lovelace"', $first['presence-fragments']['admin-bar'] );

		$version = (string) $first['presence-online']['version'];
		$again   = $this->heartbeat( $viewer, $this->dashboard_tick( array( 'whos-online' => array( 'v' => $version ), 'admin-bar' => array( 'v' => $version, 'screen' => 'dashboard' ) ), array( 'online' => $version ) ) );
		$this->assertTrue( $again['presence-online']['unchanged'] );
		$this->assertArrayNotHasKey( 'presence-fragments', $again, 'an unchanged tick carries no markup' );

		$this->heartbeat( self::named_user( 'author', 'Newcomer' ), $this->ping() );
		$joined = $this->heartbeat( $viewer, $this->dashboard_tick( array( 'whos-online' => array( 'v' => $version ) ), array( 'online' => $version ) ) );
		$this->assertStringContainsString( 'Newcomer', $joined['presence-fragments']['whos-online'] );
		$this->assertStringContainsString( 'data-wpp-version="' . $joined['presence-online']['version'] . '"', $joined['presence-fragments']['whos-online'] );
	}

	public function test_a_surface_older_than_the_pages_data_is_rendered_again(): void {
		// A tab that became leader holds the newest `presence-online` (relayed) while its widget
		// still shows an older version: the unchanged answer does not leave the widget behind.
		$viewer = self::user( 'editor' );
		$this->heartbeat( self::user( 'editor' ), $this->ping() );
		$current = (string) $this->heartbeat( $viewer, $this->ping() )['presence-online']['version'];
		$answer  = $this->heartbeat( $viewer, $this->dashboard_tick( array( 'whos-online' => array( 'v' => '12' ) ), array( 'online' => $current ) ) );
		$this->assertTrue( $answer['presence-online']['unchanged'] );
		$this->assertStringContainsString( 'data-wpp-version="' . $current . '"', $answer['presence-fragments']['whos-online'] );
	}

	public function test_a_tab_that_does_not_ping_still_gets_its_surfaces(): void {
		$viewer = self::user( 'editor' );
		$other  = self::named_user( 'editor', 'Other Person' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' );
		$this->heartbeat( $viewer, $this->editor_data( $this->post_id ), 'post' );
		$before = wpp_backend()->get_room( 'admin/online', 150 );

		$answer = $this->heartbeat(
			$viewer,
			array(
				'presence-fragments' => array(
					'post-editors' => array( 'post_id' => (string) $this->post_id ),
					'admin-bar'    => array( 'screen' => 'post', 'post_id' => (string) $this->post_id ),
				),
			),
			'post'
		);
		$this->assertEquals( $before, wpp_backend()->get_room( 'admin/online', 150 ), 'no ping, no write' );
		$this->assertStringContainsString( 'data-user-id="' . $other->ID . '"', $answer['presence-fragments']['post-editors'] );
		$this->assertStringNotContainsString( 'data-user-id="' . $viewer->ID . '"', $answer['presence-fragments']['post-editors'] );
		$this->assertSame( $this->post_id, $answer['presence-editors']['post_id'], 'the data beside it, for the collaboration edges' );
		$this->assertStringContainsString( 'wp-admin-bar-wpp-online-here-user-' . $other->ID, $answer['presence-fragments']['admin-bar'], 'the other editor of this post is on this screen' );
	}

	/**
	 * @dataProvider roles
	 */
	public function test_an_editor_learns_who_edits_a_post_and_others_learn_nothing( string $role, bool $may_edit ): void {
		$other = self::named_user( 'editor', 'Other Editor' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' ); // An administrator's draft.
		$answer = $this->heartbeat(
			self::user( $role ),
			$this->dashboard_tick(
				array(
					'post-editors' => array( 'post_id' => (string) $this->post_id ),
					'admin-bar'    => array( 'screen' => 'dashboard' ),
					'whos-online'  => array(),
				)
			)
		);
		$fragments = $answer['presence-fragments'];
		$this->assertSame( $may_edit, isset( $fragments['post-editors'] ), "$role: who edits the post" );
		foreach ( array( 'admin-bar', 'whos-online' ) as $key ) {
			$this->assertSame( $may_edit, str_contains( $fragments[ $key ], 'Heartbeat test post' ), "$role, $key: the title" );
			$this->assertSame( $may_edit, str_contains( $fragments[ $key ], 'post=' . $this->post_id ), "$role, $key: the link" );
			$this->assertSame( ! $may_edit, str_contains( $fragments[ $key ], 'Editing a post' ), "$role, $key" );
		}
	}

	public static function roles(): array {
		return array(
			'editor'      => array( 'editor', true ),
			'author'      => array( 'author', false ),
			'contributor' => array( 'contributor', false ),
		);
	}

	/**
	 * @dataProvider viewers
	 */
	public function test_active_posts_and_the_posts_list_follow_the_privacy_rule( string $viewer ): void {
		$this->set_up_privacy_fixture();
		$person = $this->people[ $viewer ];
		$this->render_posts_cells( $person, array_values( $this->posts ) );
		$rows   = wpp_posts_list_client_config(); // Null for a list of posts none of which the viewer may edit.
		$answer = $this->heartbeat(
			$person,
			array(
				'presence-post-rows' => null === $rows ? null : array( 'rooms' => $rows['rooms'], 'nonce' => $rows['nonce'] ),
				'presence-fragments' => array( 'editors' => array( 'v' => '1' ), 'active-posts' => array( 'v' => '1' ) ),
			)
		);
		$cells = $answer['presence-fragments']['editors'] ?? array();
		$seen  = array();
		foreach ( $this->posts as $key => $post ) {
			if ( isset( $cells[ 'post-' . $post->ID ] ) && str_contains( $cells[ 'post-' . $post->ID ], 'data-user-id=' ) ) {
				$seen[] = $key;
			}
		}
		$allowed = self::may_see( $viewer );
		sort( $seen );
		sort( $allowed );
		$this->assertSame( $allowed, $seen, "$viewer: rows with people" );
		$this->assert_shows_only_allowed_posts( $viewer, implode( '', $cells ) . ( $answer['presence-fragments']['active-posts'] ?? '' ), 'fragments' );
	}

	public static function viewers(): array {
		return array(
			'editor'      => array( 'editor' ),
			'author'      => array( 'author' ),
			'contributor' => array( 'contributor' ),
			'librarian'   => array( 'librarian' ),
		);
	}

	public function test_agents_are_labelled_in_the_admin_bar_active_posts_and_the_posts_list(): void {
		$viewer = self::user( 'editor' );
		$agent  = array(
			'user_id'      => 77,
			'display_name' => 'Robot <i>',
			'avatar_url'   => '',
			'status'       => 'active',
			'screen'       => 'post',
			'post_id'      => 0,
			'label'        => 'Editing a post',
			'url'          => '',
			'updated_at'   => microtime( true ),
			'is_agent'     => true,
		);
		$bar = wpp_admin_bar_html( array( 'version' => 1, 'total' => 2, 'users' => array( $agent ) ), $viewer, array( 'screen' => 'dashboard', 'post_id' => 0 ) );
		$this->assertStringContainsString( 'Robot &lt;i&gt;<span class="wpp-agent-badge">Agent</span>', $bar );

		$active = wpp_active_posts_html(
			array(
				'version' => 1,
				'posts'   => array(
					array( 'post_id' => $this->post_id, 'title' => 'T', 'url' => '', 'total' => 1, 'latest' => microtime( true ), 'users' => array( $agent ) ),
				),
			),
			$viewer
		);
		$this->assertStringContainsString( 'title="Robot &lt;i&gt; (agent)"', $active );

		$cell = wpp_posts_list_cell_html( $this->post_room(), array( $agent ), 4 );
		$this->assertStringContainsString( 'title="Robot &lt;i&gt; (agent) (Active)"', $cell );
		$this->assertStringNotContainsString( '<i>', $bar . $active . $cell );
	}

	public function test_names_and_titles_others_wrote_are_text_in_every_fragment(): void {
		$evil = $this->hostile_editor_of_a_hostile_post();
		$this->heartbeat( $evil, $this->editor_data( $this->post_id ), 'post' );
		$answer = $this->heartbeat(
			self::user( 'administrator' ),
			$this->dashboard_tick(
				array(
					'whos-online'  => array(),
					'admin-bar'    => array( 'screen' => 'dashboard' ),
					'active-posts' => array(),
					'post-editors' => array( 'post_id' => (string) $this->post_id ),
				)
			) + array( 'presence-active-posts' => array() )
		);
		$html = implode( '', $answer['presence-fragments'] );
		$this->assertCount( 4, $answer['presence-fragments'] );
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringNotContainsString( '<img src=x', $html );
		$this->assertStringContainsString( '&lt;img src=x onerror=alert(1)&gt;', $html );
	}

	public function test_fragments_other_code_added_are_kept_and_bad_asks_are_ignored(): void {
		$this->assertSame( array(), $this->heartbeat( self::user( 'subscriber' ), array( 'presence-fragments' => array( 'whos-online' => array() ) ) ), 'nothing for a subscriber' );
		add_filter(
			'heartbeat_received',
			static function ( $response ) {
				$response['presence-fragments']['my-surface'] = '<p>mine</p>';
				return $response;
			},
			25
		);
		$answer = $this->heartbeat( self::user( 'editor' ), $this->dashboard_tick( array( 'whos-online' => array( 'v' => array( 'x' ) ), 'post-editors' => 'junk', 'nope' => 1 ) ) );
		$this->assertSame( '<p>mine</p>', $answer['presence-fragments']['my-surface'] );
		$this->assertArrayHasKey( 'whos-online', $answer['presence-fragments'], 'a version that is no number: the whole surface' );
		$this->assertArrayNotHasKey( 'post-editors', $answer['presence-fragments'] );
		$this->assertArrayNotHasKey( 'nope', $answer['presence-fragments'] );

	}
}
