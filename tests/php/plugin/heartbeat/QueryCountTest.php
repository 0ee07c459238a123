<?php
/**
 * Zero database queries added by presence to a heartbeat (when the store is not the database).
 *
 * What is fair to have loaded before the presence handlers run — exactly what a real
 * admin-ajax heartbeat has loaded by then, and nothing more:
 * - the autoloaded options (wp-settings.php loads them at the start of every request);
 * - the current user with their meta and roles (auth cookie validation, before any handler);
 * - in the editor, the post and its meta: core's wp_refresh_post_lock() runs at priority 10 on
 *   the same filter, before presence (20), and loads them to check and set the lock.
 * Everything else is cold: the object cache is flushed first, so other users are NOT loaded —
 * the payload must come from what the entries carry — and the current user's avatar URL is not
 * computed beforehand.
 * Queries are counted from priority 19 to 21 of `heartbeat_received`; presence's two handlers
 * are the only callbacks at 20 (asserted).
 *
 * @package Presence
 */

require_once __DIR__ . '/HeartbeatTestCase.php';

final class WPP_Heartbeat_Query_Count_Test extends WPP_Heartbeat_TestCase {

	/**
	 * One heartbeat as a fresh request; returns the queries run by callbacks at priority 20.
	 */
	private function presence_queries( WP_User $user, array $data, string $screen_id ): int {
		global $wpdb, $wp_filter;
		$this->assertSame(
			array( 'wpp_heartbeat_post_lock_bridge', 'wpp_heartbeat_received' ),
			array_column( $wp_filter['heartbeat_received']->callbacks[20] ?? array(), 'function' ),
			'only presence runs at priority 20'
		);

		// A new request: cold object cache, then what WordPress loads before any handler.
		wp_cache_flush();
		wp_set_current_user( 0 );
		wp_load_alloptions();
		wp_set_current_user( $user->ID );
		wp_get_current_user()->get_role_caps();

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
		return $after - $before;
	}

	/**
	 * Three other users online and editing, so reading them is part of what is counted.
	 */
	private function crowd(): WP_User {
		for ( $i = 0; $i < 3; $i++ ) {
			$this->heartbeat( self::user( 'editor' ), $this->editor_data( $this->post_id ), 'post' );
		}
		return self::user( 'editor' );
	}

	public function test_dashboard_and_editor_ticks_add_no_query_with_a_store_outside_the_database(): void {
		wpp_use_backend( new WPP_Test_Memory_Backend() );
		$me = $this->crowd();

		$this->assertSame( 0, $this->presence_queries( $me, $this->ping(), 'dashboard' ), 'dashboard, first tick' );
		$this->assertSame( 0, $this->presence_queries( $me, $this->ping(), 'dashboard' ), 'dashboard, steady' );
		$this->assertSame( 0, $this->presence_queries( $me, $this->editor_data( $this->post_id ), 'post' ), 'editor' );
		$this->assertSame( 0, $this->presence_queries( $me, $this->editor_data( $this->post_id ), 'post' ), 'editor, steady' );
	}

	public function test_native_backend_adds_no_query(): void {
		if ( ! function_exists( 'presence_upsert' ) ) {
			$this->markTestSkipped( 'The presence extension is not loaded in this PHP.' );
		}
		wpp_use_backend( new WPP_Native_Backend() );
		$me = $this->crowd();
		$this->assertSame( 0, $this->presence_queries( $me, $this->ping(), 'dashboard' ) );
		$this->assertSame( 0, $this->presence_queries( $me, $this->editor_data( $this->post_id ), 'post' ) );
		$editors = $this->heartbeat( $me, $this->editor_data( $this->post_id ), 'post' )['presence-editors'];
		$this->assertCount( 3, $editors['users'] );
	}

	public function test_database_backend_queries_do_not_grow_with_the_number_of_users(): void {
		wpp_use_backend( new WPP_Database_Backend() );
		$me    = self::user( 'editor' );
		$alone = $this->presence_queries( $me, $this->editor_data( $this->post_id ), 'post' );
		$this->assertGreaterThan( 0, $alone, 'the counter does see the queries of a backend that makes them' );
		$this->crowd();
		$this->crowd();
		$this->assertSame( $alone, $this->presence_queries( $me, $this->editor_data( $this->post_id ), 'post' ) );
	}
}
