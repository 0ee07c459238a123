<?php
/**
 * The posts list's "Editing now" column (plugin/includes/surfaces/posts-list.php): which lists get
 * it, what a cell shows (others' avatars, the viewer left out; nothing for a post the viewer may
 * not edit), one read for the whole page, and its heartbeat answer (`presence-post-rows`).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-surfaces-render.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-privacy-fixture.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-store-round-trips.php';
require_once dirname( __DIR__, 2 ) . '/support/class-wpp-test-counting-backend.php';

/**
 * @covers ::wpp_posts_list_columns
 * @covers ::wpp_posts_list_column
 * @covers ::wpp_posts_list_read
 */
final class PostsListTest extends WPP_Heartbeat_TestCase {
	use WPP_Surfaces_Render;
	use WPP_Privacy_Fixture;
	use WPP_Store_Round_Trips;

	protected function tearDown(): void {
		$this->tear_down_privacy_fixture();
		parent::tearDown();
	}

	/**
	 * The cell of one post in rendered cells.
	 */
	private static function cell( string $html, string $room ): string {
		return preg_match( '#<div class="wpp-editing" data-wpp-room="' . preg_quote( $room, '#' ) . '" data-wpp-version="[0-9]+">.*?</div>#s', $html, $m ) ? $m[0] : '';
	}

	public function test_the_column_comes_after_the_title_for_post_types_with_presence_support(): void {
		wp_set_current_user( self::user( 'editor' )->ID );
		$columns = array( 'cb' => '', 'title' => 'Title', 'author' => 'Author' );
		$this->assertSame( array( 'cb', 'title', 'wpp_editing', 'author' ), array_keys( wpp_posts_list_columns( $columns, 'post' ) ) );
		$this->assertSame( array( 'cb', 'title', 'wpp_editing', 'author' ), array_keys( wpp_posts_list_columns( $columns ) ), 'pages' );
		register_post_type( 'wpp_plain', array( 'show_ui' => true ) );
		$this->assertSame( $columns, wpp_posts_list_columns( $columns, 'wpp_plain' ) );
		unregister_post_type( 'wpp_plain' );
		wp_set_current_user( self::user( 'subscriber' )->ID );
		$this->assertSame( $columns, wpp_posts_list_columns( $columns, 'post' ) );
	}

	public function test_a_cell_shows_the_others_in_the_room_not_the_viewer(): void {
		$me    = self::user( 'editor' );
		$other = self::named_user( 'editor', 'Other Person' );
		$this->heartbeat( $me, $this->editor_data( $this->post_id ), 'post' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' );
		$quiet = self::post( array( 'post_title' => 'Quiet' ) );

		$html = $this->render_posts_cells( $me, array( get_post( $this->post_id ), $quiet ) );
		$cell = self::cell( $html, $this->post_room() );
		$this->assertStringContainsString( 'data-user-id="' . $other->ID . '"', $cell );
		$this->assertStringNotContainsString( 'data-user-id="' . $me->ID . '"', $cell );
		$this->assertStringContainsString( 'aria-label="Other Person (Active)"', $cell );
		$this->assertStringContainsString( '<span class="wpp-editing__nobody" hidden>', $cell );
		$quiet_cell = self::cell( $html, 'postType/post:' . $quiet->ID );
		$this->assertStringContainsString( '<ul class="wpp-avatars" hidden></ul>', $quiet_cell );
		$this->assertStringContainsString( 'Nobody else is editing', $quiet_cell );
	}

	public function test_one_read_for_the_whole_page(): void {
		wpp_backend_use( new WPP_Database_Backend() );
		$me    = self::user( 'editor' );
		$posts = array();
		for ( $i = 0; $i < 12; $i++ ) {
			$posts[] = self::post( array( 'post_title' => "Row $i" ) );
			$this->heartbeat( self::user( 'editor' ), $this->editor_data( end( $posts )->ID ), 'post' );
		}
		global $wpdb;
		wp_set_current_user( $me->ID );
		$before = $wpdb->num_queries;
		$html   = $this->render_posts_cells( $me, $posts );
		$this->assertSame( 1, $wpdb->num_queries - $before, 'the rooms of 12 rows in one query' );
		$this->assertSame( 12, substr_count( $html, 'class="wpp-avatars__item' ) );
	}

	public function test_the_rooms_of_a_page_are_one_read_of_the_store(): void {
		$me    = self::user( 'editor' );
		$posts = array();
		for ( $i = 0; $i < 12; $i++ ) {
			$posts[] = self::post( array( 'post_title' => "Row $i" ) );
			$this->heartbeat( self::user( 'editor' ), $this->editor_data( end( $posts )->ID ), 'post' );
		}
		$counting = new WPP_Test_Counting_Backend( wpp_backend() );
		wpp_backend_use( $counting );
		$html  = '';
		$trips = self::redis_round_trips(
			function () use ( $me, $posts, &$html ): void {
				$html = $this->render_posts_cells( $me, $posts );
			}
		);
		$this->assertSame( array( 'get_rooms' => 1 ), $counting->calls, 'one read of the backend for 12 rows' );
		if ( null !== $trips ) {
			$this->assertSame( 1, $trips, 'one round trip to Redis for 12 rows' );
		}
		$this->assertSame( 12, substr_count( $html, 'class="wpp-avatars__item' ) );
	}

	/**
	 * @dataProvider viewers
	 */
	public function test_a_post_the_viewer_may_not_edit_shows_nothing( string $viewer ): void {
		$this->set_up_privacy_fixture();
		$html = $this->render_posts_cells( $this->people[ $viewer ], array_values( $this->posts ) );
		$this->assert_shows_only_allowed_posts( $viewer, $html, 'posts list', false );
		foreach ( $this->posts as $key => $post ) {
			$room     = 'postType/' . $post->post_type . ':' . $post->ID;
			$has_cell = '' !== self::cell( $html, $room );
			$this->assertSame( in_array( $key, self::may_see( $viewer ), true ), $has_cell, "$viewer, $key" );
			if ( $has_cell ) {
				$this->assertStringContainsString( 'data-user-id="' . $this->people[ $key ]->ID . '"', self::cell( $html, $room ) );
			}
		}
		$this->assertSame( count( $this->posts ), substr_count( $html, 'class="wpp-editing"' ), 'every row has a cell' );
	}

	public function test_a_room_the_access_filter_denies_is_left_out_of_the_page(): void {
		$editor  = self::user( 'editor' );
		$allowed = self::post( array( 'post_title' => 'Allowed' ) );
		$denied  = self::post( array( 'post_title' => 'Denied' ) );
		wp_set_current_user( $editor->ID );
		$deny = static function ( $allowed_room, $room ) use ( $denied ) {
			return 'postType/post:' . $denied->ID === $room ? false : $allowed_room;
		};
		add_filter( 'wpp_can_access_room', $deny, 10, 2 );
		$rooms = wpp_posts_list_rooms( array( $allowed, $denied ) );
		remove_filter( 'wpp_can_access_room', $deny, 10 );
		$this->assertSame( array( $allowed->ID => 'postType/post:' . $allowed->ID ), $rooms, 'the rows, and so the live lane\'s token, follow the filter' );
	}

	public static function viewers(): array {
		return array(
			'editor'      => array( 'editor' ),
			'author'      => array( 'author' ),
			'contributor' => array( 'contributor' ),
			'librarian'   => array( 'librarian' ),
		);
	}

	/**
	 * The data the posts list's client sends, from the page's state.
	 */
	private function rows_ask( WP_User $viewer, array $posts, $version = null ): array {
		$this->render_posts_cells( $viewer, $posts );
		$config = wpp_posts_list_client_config();
		return array(
			'presence-post-rows' => array(
				'rooms'   => $config['rooms'],
				'nonce'   => $config['nonce'],
				'version' => null === $version ? '' : (string) $version,
			),
		);
	}

	public function test_heartbeat_keeps_the_column_current_and_answers_unchanged_at_no_cost(): void {
		$me = self::user( 'editor' );
		$this->assertNull( ( function () {
			$this->render_posts_cells( self::user( 'editor' ), array() );
			return wpp_posts_list_client_config();
		} )(), 'no rooms, nothing to keep current' );

		$ask   = $this->rows_ask( $me, array( get_post( $this->post_id ) ) );
		$first = $this->heartbeat( $me, $ask )['presence-post-rows'];
		$this->assertSame( array(), ( (array) $first['rows'] )[ $this->post_room() ] );

		$other = self::user( 'editor' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' );
		$ask['presence-post-rows']['version'] = (string) $first['version'];
		$joined                                = $this->heartbeat( $me, $ask )['presence-post-rows'];
		$this->assertSame( array( $other->ID ), array_column( (array) $joined['rows']->{$this->post_room()}, 'user_id' ) );

		global $wpdb;
		$ask['presence-post-rows']['version'] = (string) $joined['version'];
		// A new request: cold object cache, then what WordPress loads before any handler.
		wp_cache_flush();
		wp_set_current_user( 0 );
		wp_load_alloptions();
		if ( is_multisite() ) {
			wp_load_core_site_options();
		}
		wp_set_current_user( $me->ID );
		wp_get_current_user()->get_role_caps();
		$queries = array();
		add_filter(
			'query',
			static function ( $sql ) use ( &$queries ) {
				$queries[] = $sql;
				return $sql;
			}
		);
		$before    = $wpdb->num_queries;
		$unchanged = wpp_handlers_heartbeat( array(), $ask, 'edit-post' )['presence-post-rows'] ?? null;
		$this->assertSame( array( 'version' => $joined['version'], 'unchanged' => true ), $unchanged );
		if ( 'native' === wpp_backend()->name() ) {
			$this->assertSame( 0, $wpdb->num_queries - $before, 'an unchanged answer loads no post: ' . implode( '; ', $queries ) );
		}
	}

	public function test_rooms_the_server_did_not_sign_for_this_user_are_not_answered(): void {
		$this->set_up_privacy_fixture();
		$contributor = $this->people['contributor'];
		$secret_room = 'postType/post:' . $this->posts['secret']->ID;

		// A nonce for other rooms, or another user's nonce for these rooms.
		$own = self::post( array( 'post_title' => 'Own', 'post_status' => 'draft', 'post_author' => $contributor->ID ) );
		$ask = $this->rows_ask( $contributor, array( $own ) );
		$this->assertArrayHasKey( 'presence-post-rows', $this->heartbeat( $contributor, $ask ), 'its own signed rooms are answered' );
		$ask['presence-post-rows']['rooms'] = array( $secret_room );
		$this->assertArrayNotHasKey( 'presence-post-rows', $this->heartbeat( $contributor, $ask ) );

		$editor_ask = $this->rows_ask( $this->people['editor'], array( $this->posts['secret'] ) );
		$this->assertArrayNotHasKey( 'presence-post-rows', $this->heartbeat( $contributor, $editor_ask ) );

		// Rooms that are not post rooms, or too many, are not even read.
		$this->assertNull( wpp_ping_read_post_rows( array( 'presence-post-rows' => array( 'rooms' => array( 'admin/online' ), 'nonce' => 'x' ) ) ) );
		$this->assertNull( wpp_ping_read_post_rows( array( 'presence-post-rows' => array( 'rooms' => array_fill( 0, 201, $secret_room ), 'nonce' => 'x' ) ) ) );
	}

	public function test_a_signed_room_the_viewer_may_no_longer_edit_is_dropped_from_a_full_answer(): void {
		$author = self::user( 'author' );
		$own    = self::post( array( 'post_title' => 'Mine for now', 'post_status' => 'draft', 'post_author' => $author->ID ) );
		$ask    = $this->rows_ask( $author, array( $own ) );
		wp_update_post( array( 'ID' => $own->ID, 'post_author' => self::user( 'author' )->ID ) ); // Reassigned.
		$this->heartbeat( self::user( 'editor' ), $this->editor_data( $own->ID ), 'post' );
		$rows = (array) $this->heartbeat( $author, $ask )['presence-post-rows']['rows'];
		$this->assertSame( array(), $rows );
	}
}
