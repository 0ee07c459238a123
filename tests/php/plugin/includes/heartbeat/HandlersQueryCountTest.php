<?php
/**
 * Database queries added by presence's heartbeat handlers (plugin/includes/heartbeat/handlers.php)
 * when the store is not the database: none for an unchanged answer, at most one for a full one
 * (the posts the answer names, loaded in one query for the privacy checks and titles), however
 * many users and posts it lists.
 *
 * What is fair to have loaded before the presence handlers run — exactly what a real
 * admin-ajax heartbeat has loaded by then, and nothing more:
 * - the autoloaded options (wp-settings.php loads them at the start of every request);
 * - the current user with their meta and roles (auth cookie validation, before any handler);
 * - on a network its core options, and the two network options of the switches that `init` read
 *   (in one query, once per request);
 * - in the editor, the post and its meta: core's wp_refresh_post_lock() runs at priority 10 on
 *   the same filter, before presence (20), and loads them to check and set the lock.
 * Everything else is cold: the object cache is flushed first, so other users and other posts are
 * NOT loaded — the payload must come from what the entries carry, plus one batched post query —
 * and the current user's avatar URL is not computed beforehand.
 * Queries are counted from priority 19 to 21 of `heartbeat_received`; presence's two handlers
 * are the only callbacks at 20 (asserted).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-surfaces-render.php';

final class HandlersQueryCountTest extends WPP_Heartbeat_TestCase {
	use WPP_Surfaces_Render;

	/**
	 * One heartbeat as a fresh request; returns the queries run by callbacks at priority 20 and
	 * the response.
	 *
	 * @return array{0:int,1:array}
	 */
	private function presence_queries( WP_User $user, array $data, string $screen_id ): array {
		global $wpdb, $wp_filter;
		$this->assertSame(
			array( 'wpp_handlers_post_lock', 'wpp_handlers_heartbeat' ),
			array_column( $wp_filter['heartbeat_received']->callbacks[20] ?? array(), 'function' ),
			'only presence runs at priority 20'
		);

		// A new request: cold object cache, then what WordPress loads before any handler (on a
		// network also its core options), and what `init` reads (the network's switches).
		wp_cache_flush();
		wp_set_current_user( 0 );
		wp_load_alloptions();
		if ( is_multisite() ) {
			wp_load_core_site_options();
		}
		wp_set_current_user( $user->ID );
		wp_get_current_user()->get_role_caps();
		wpp_post_locks_note_switch();

		$before = 0;
		$after  = 0;
		$start  = static function ( $response ) use ( &$before, $wpdb ) {
			$before = $wpdb->num_queries;
			return $response;
		};
		$stop   = static function ( $response ) use ( &$after, $wpdb ) {
			$after = $wpdb->num_queries;
			return $response;
		};
		add_filter( 'heartbeat_received', $start, 19 );
		add_filter( 'heartbeat_received', $stop, 21 );
		$response = apply_filters( 'heartbeat_received', array(), $data, $screen_id );
		remove_filter( 'heartbeat_received', $start, 19 );
		remove_filter( 'heartbeat_received', $stop, 21 );

		$this->assertArrayHasKey( 'presence-online', $response, 'presence did answer' );
		return array( $after - $before, $response );
	}

	/**
	 * $n other users online, each editing a post of their own (by another author), so the full
	 * answer names $n posts whose titles the viewer may read.
	 *
	 * @return int[] The posts being edited.
	 */
	private function crowd( int $n = 3 ): array {
		$posts = array();
		for ( $i = 0; $i < $n; $i++ ) {
			$posts[] = self::post( array( 'post_title' => "Crowd post $i", 'post_status' => 'draft' ) )->ID;
			$this->heartbeat( self::user( 'editor' ), $this->editor_data( end( $posts ) ), 'post' );
		}
		return $posts;
	}

	/**
	 * The same tick, sending back the versions of the answer it got, so nothing changed.
	 */
	private function with_versions( array $data, array $response ): array {
		$data['presence-ping']['versions'] = array_filter(
			array(
				'online'  => $response['presence-online']['version'] ?? null,
				'editors' => $response['presence-editors']['version'] ?? null,
			),
			static fn( $v ) => null !== $v
		);
		return $data;
	}

	/**
	 * Full answers: one query at most, and the titles are the server's; unchanged answers: none.
	 */
	private function assert_budget( WP_User $me ): void {
		list( $full, $response ) = $this->presence_queries( $me, $this->ping(), 'dashboard' );
		$this->assertSame( 1, $full, 'dashboard, full answer: the three posts in one query' );
		$this->assertContains( 'Editing “Crowd post 2”', array_column( $response['presence-online']['users'], 'label' ) );

		list( $unchanged, $again ) = $this->presence_queries( $me, $this->with_versions( $this->ping(), $response ), 'dashboard' );
		$this->assertSame( 0, $unchanged, 'dashboard, unchanged answer' );
		$this->assertTrue( $again['presence-online']['unchanged'] ?? false );

		$editor                  = $this->editor_data( $this->post_id );
		list( $full, $response ) = $this->presence_queries( $me, $editor, 'post' );
		$this->assertLessThanOrEqual( 1, $full, 'editor, full answer' );
		list( $unchanged, $again ) = $this->presence_queries( $me, $this->with_versions( $editor, $response ), 'post' );
		$this->assertSame( 0, $unchanged, 'editor, unchanged answer' );
		$this->assertTrue( $again['presence-editors']['unchanged'] ?? false );
	}

	public function test_full_answers_cost_one_query_and_unchanged_ones_none_with_a_store_outside_the_database(): void {
		wpp_backend_use( new WPP_Test_Memory_Backend() );
		$this->crowd();
		$this->assert_budget( self::user( 'editor' ) );
	}

	public function test_native_backend_full_answers_cost_one_query_and_unchanged_ones_none(): void {
		if ( ! function_exists( 'presence_upsert' ) ) {
			$this->markTestSkipped( 'The presence extension is not loaded in this PHP.' );
		}
		wpp_backend_use( new WPP_Native_Backend() );
		$this->crowd();
		$me = self::user( 'editor' );
		$this->assert_budget( $me );
		$this->heartbeat( self::user( 'editor' ), $this->editor_data( $this->post_id ), 'post' );
		$editors = $this->heartbeat( $me, $this->editor_data( $this->post_id ), 'post' )['presence-editors'];
		$this->assertCount( 1, $editors['users'] );
	}

	public function test_the_full_answer_stays_one_query_for_a_contributor_who_may_see_no_title(): void {
		wpp_backend_use( new WPP_Test_Memory_Backend() );
		$this->crowd();
		$contributor                = self::user( 'contributor' );
		list( $queries, $response ) = $this->presence_queries( $contributor, $this->ping(), 'dashboard' );
		$this->assertSame( 1, $queries );
		$others = array_filter( $response['presence-online']['users'], static fn( $u ) => $u['user_id'] !== $contributor->ID );
		$this->assertCount( 3, $others );
		$this->assertSame( array( 'Editing a post' ), array_values( array_unique( array_column( $others, 'label' ) ) ) );
	}

	public function test_a_dashboard_tick_with_active_posts_loads_the_posts_of_both_answers_in_one_query(): void {
		wpp_backend_use( new WPP_Test_Memory_Backend() );
		$this->crowd();
		$me   = self::user( 'editor' );
		$data = $this->ping() + array( 'presence-active-posts' => array( 'version' => '' ) );

		list( $full, $response ) = $this->presence_queries( $me, $data, 'dashboard' );
		$this->assertSame( 1, $full );
		$this->assertCount( 3, $response['presence-active-posts']['posts'] );

		$data['presence-ping']['versions']['online']   = $response['presence-online']['version'];
		$data['presence-active-posts']['version']      = (string) $response['presence-active-posts']['version'];
		list( $unchanged, $again )                     = $this->presence_queries( $me, $data, 'dashboard' );
		$this->assertSame( 0, $unchanged );
		$this->assertTrue( $again['presence-active-posts']['unchanged'] );
	}

	public function test_a_posts_list_tick_loads_the_posts_of_both_answers_in_one_query(): void {
		wpp_backend_use( new WPP_Test_Memory_Backend() );
		$posts = array_map( 'get_post', $this->crowd() );
		$me    = self::user( 'editor' );
		$this->render_posts_cells( $me, $posts );
		$config = wpp_posts_list_client_config();
		$data   = $this->ping( array( 'screen' => 'edit-post' ) ) + array(
			'presence-post-rows' => array(
				'rooms'   => $config['rooms'],
				'nonce'   => $config['nonce'],
				'version' => '',
			),
		);

		list( $full, $response ) = $this->presence_queries( $me, $data, 'edit-post' );
		$this->assertSame( 1, $full, 'the online list\'s posts and the rows\' posts together' );
		$this->assertCount( 3, array_filter( (array) $response['presence-post-rows']['rows'] ) );

		$data['presence-ping']['versions']['online'] = $response['presence-online']['version'];
		$data['presence-post-rows']['version']       = (string) $response['presence-post-rows']['version'];
		list( $unchanged, $again )                   = $this->presence_queries( $me, $data, 'edit-post' );
		$this->assertSame( 0, $unchanged );
		$this->assertTrue( $again['presence-post-rows']['unchanged'] );
	}

	public function test_database_backend_queries_do_not_grow_with_the_number_of_users_or_posts(): void {
		wpp_backend_use( new WPP_Database_Backend() );
		$me = self::user( 'editor' );
		$this->crowd( 2 );
		list( $few ) = $this->presence_queries( $me, $this->ping(), 'dashboard' );
		$this->assertGreaterThan( 1, $few, 'the counter does see the queries of a backend that makes them' );
		$this->crowd( 4 );
		list( $many ) = $this->presence_queries( $me, $this->ping(), 'dashboard' );
		$this->assertSame( $few, $many );
	}
}
