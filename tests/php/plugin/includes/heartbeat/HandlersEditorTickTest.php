<?php
/**
 * What an editor's heartbeat tick costs the database, all of `heartbeat_received` counted (core's
 * post-lock refresh included, which presence answers from the store): the presence ping, the
 * editor ping and core's `wp-refresh-post-lock`, as the block editor sends them every 15 s or so.
 *
 * As a real admin-ajax request has it by then, and nothing more: the autoloaded options (the
 * plugin's own among them: they are added autoloaded), the current user with their meta and
 * roles, and what `init` read (on a network, the two network options of the switches, in one
 * query: counted apart). The post is not loaded: core loads it (one query) to check the user
 * may edit it.
 *
 * On the native store: that one query, and no query on wp_postmeta at all (the lock is the post
 * room's `_lock` entry). On the database backend the same tick is measured here, so the docs can
 * say what it costs.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

final class HandlersEditorTickTest extends WPP_Heartbeat_TestCase {

	/**
	 * One editor tick as a fresh request: the queries of `init`'s switch reads and of the whole
	 * `heartbeat_received`, and the response.
	 *
	 * @return array{init:string[],tick:string[],response:array}
	 */
	private function tick( WP_User $user, array $data ): array {
		wpp_lifecycle_add_options(); // As admin_init did on an earlier request.
		// The store has kept locks for longer than a lock window. (In the first window after it
		// took them over, a lock write also reads the post's meta once, to retire a lock taken
		// before: that one is honoured until it expires, and must not come back after.)
		update_option( WPP_POST_LOCKS_SINCE_OPTION, time() - HOUR_IN_SECONDS );
		wp_cache_flush();
		wp_load_alloptions();
		if ( is_multisite() ) {
			wp_load_core_site_options();
		}
		wp_set_current_user( 0 );
		wp_set_current_user( $user->ID );
		wp_get_current_user()->get_role_caps();

		$queries = array();
		$record  = static function ( $sql ) use ( &$queries ) {
			$queries[] = $sql;
			return $sql;
		};
		add_filter( 'query', $record );
		wpp_post_locks_note_switch(); // What `init` reads.
		$init    = $queries;
		$queries = array();
		$response = apply_filters( 'heartbeat_received', array(), $data, 'post' );
		remove_filter( 'query', $record );

		$this->assertArrayHasKey( 'presence-editors', $response, 'presence did answer' );
		$this->assertArrayHasKey( 'new_lock', $response['wp-refresh-post-lock'] ?? array(), 'core refreshed the lock' );
		return array(
			'init'     => $init,
			'tick'     => $queries,
			'response' => $response,
		);
	}

	/**
	 * The editor's second tick, sending back what the first answered.
	 */
	private function steady_tick( WP_User $editor ): array {
		$first = $this->tick( $editor, $this->editor_data( $this->post_id ) );
		return $this->tick(
			$editor,
			$this->editor_data(
				$this->post_id,
				array(
					'online'  => $first['response']['presence-online']['version'],
					'editors' => $first['response']['presence-editors']['version'],
				)
			)
		);
	}

	private function without_lock( array $data ): array {
		unset( $data['wp-refresh-post-lock'] );
		return $data;
	}

	private static function on_postmeta( array $queries ): array {
		global $wpdb;
		return array_values( preg_grep( '/\b' . preg_quote( $wpdb->postmeta, '/' ) . '\b/', $queries ) );
	}

	public function test_a_native_editor_tick_runs_one_query_and_none_on_post_meta(): void {
		if ( 'native' !== WPP_TEST_BACKEND ) {
			$this->markTestSkipped( 'The native store\'s budget; the database run measures its own below.' );
		}
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		$this->heartbeat( $other, $this->without_lock( $this->editor_data( $this->post_id ) ), 'post' ); // Someone else in the room, not holding the lock.
		$tick = $this->steady_tick( $editor );

		$this->assertLessThanOrEqual( is_multisite() ? 1 : 0, count( $tick['init'] ), 'init: the network switches in one query, only on a network: ' . implode( "\n", $tick['init'] ) );
		$this->assertCount( 1, $tick['tick'], 'core\'s own post fetch, and nothing else: ' . implode( "\n", $tick['tick'] ) );
		$this->assertMatchesRegularExpression( '/FROM \S*posts\b/', $tick['tick'][0] );
		$this->assertSame( array(), self::on_postmeta( array_merge( $tick['init'], $tick['tick'] ) ), 'nothing read from or written to wp_postmeta' );
		$this->assertTrue( $tick['response']['presence-editors']['unchanged'] ?? false );
		$this->assertSame( 2, $tick['response']['presence-heartbeat-collaborators'] );

		$first = $this->tick( $editor, $this->editor_data( $this->post_id ) );
		$this->assertCount( 1, $first['tick'], 'a full answer too (the post it names is the one core loaded)' );
	}

	/**
	 * The same tick on the database backend: the store's queries are counted and the budget of
	 * the docs asserted (docs/plugin.md, "What an editor's tick costs").
	 */
	public function test_a_database_editor_tick_costs_what_the_docs_say(): void {
		if ( 'database' !== WPP_TEST_BACKEND ) {
			$this->markTestSkipped( 'The database backend\'s cost; the native run asserts its own budget above.' );
		}
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		$this->heartbeat( $other, $this->without_lock( $this->editor_data( $this->post_id ) ), 'post' );
		$tick  = $this->steady_tick( $editor );
		$table = wpp_table_name();
		$store = preg_grep( '/\b' . preg_quote( $table, '/' ) . '\b/', $tick['tick'] );
		$this->assertSame( array(), self::on_postmeta( $tick['tick'] ), 'no post meta on this backend either' );
		$this->assertCount( 1 + count( $store ), $tick['tick'], 'the post, then only the store: ' . implode( "\n", $tick['tick'] ) );
		// The lock read and write, the online write and room version, the editor write and read.
		$this->assertCount( 6, $store, implode( "\n", $store ) );
	}
}
