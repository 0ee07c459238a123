<?php
/**
 * Post locks in the store (plugin/includes/post-locks.php), through core's own functions:
 * wp_set_post_lock(), wp_check_post_lock(), the release core sends when an editor leaves, a
 * user-less lock, every post type, recording off, a lock already in post meta, the feature
 * switch, deactivation, a failing store, priming, and what a lock refresh no longer costs.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_post_locks_read
 * @covers ::wpp_post_locks_write
 * @covers ::wpp_post_locks_add
 * @covers ::wpp_post_locks_delete
 * @covers ::wpp_post_locks_note_switch
 * @covers ::wpp_post_locks_to_meta
 * @covers ::wpp_post_locks_prime
 */
class PostLocksTest extends WPP_TestCase {

	public static function setUpBeforeClass(): void {
		parent::setUpBeforeClass();
		require_once ABSPATH . 'wp-admin/includes/admin.php';
	}

	protected function setUp(): void {
		parent::setUp();
		update_option( WPP_POST_LOCKS_SINCE_OPTION, time() - DAY_IN_SECONDS ); // Long since on: no meta lock can hold.
	}

	/** Rows of `_edit_lock` in wp_postmeta for a post, straight from the table. */
	private static function meta_rows( int $post_id ): array {
		global $wpdb;
		return $wpdb->get_col( $wpdb->prepare( "SELECT meta_value FROM {$wpdb->postmeta} WHERE post_id = %d AND meta_key = '_edit_lock'", $post_id ) );
	}

	private static function lock_entry( WP_Post $post ): ?array {
		return wpp_backend()->entry( 'postType/' . $post->post_type . ':' . $post->ID, '_lock' );
	}

	public function test_a_lock_lives_in_the_store_and_core_reads_it_back(): void {
		$one  = self::user( 'editor' );
		$two  = self::user( 'editor' );
		$post = self::post();
		self::log_in( $one );
		$lock = wp_set_post_lock( $post->ID );
		$this->assertSame( $one->ID, $lock[1] );

		$entry = self::lock_entry( $post );
		$this->assertSame( $one->ID, $entry['user_id'], 'the lock holder owns the entry' );
		$this->assertSame( array(), $entry['data'] );
		$this->assertSame( gmdate( 'Y-m-d H:i:s', (int) $lock[0] ), $entry['date_gmt'], 'dated the lock\'s time' );
		$this->assertSame( array(), self::meta_rows( $post->ID ), 'nothing in post meta' );
		$this->assertSame( implode( ':', $lock ), get_post_meta( $post->ID, '_edit_lock', true ) );
		$this->assertSame( array( implode( ':', $lock ) ), get_post_meta( $post->ID, '_edit_lock' ) );

		self::log_in( $two );
		$this->assertSame( $one->ID, (int) wp_check_post_lock( $post->ID ), 'the other editor sees the lock' );
		self::log_in( $one );
		$this->assertFalse( wp_check_post_lock( $post->ID ), 'its own lock is no lock to its holder' );
		$this->assertSame( array(), wp_get_presence( 'postType/post:' . $post->ID ), 'never listed' );
	}

	public function test_every_post_type_and_recording_off_keep_their_locks_in_the_store(): void {
		register_post_type( 'wpp_nopresence', array( 'show_ui' => true, 'supports' => array( 'title' ) ) );
		$editor = self::user( 'administrator' );
		self::log_in( $editor );
		update_option( 'wp_presence_recording', '0' );
		try {
			foreach ( array( 'post', 'page', 'wpp_nopresence', 'wp_block' ) as $type ) {
				$post = self::post( array( 'post_type' => $type ) );
				wp_set_post_lock( $post->ID );
				$this->assertSame( $editor->ID, self::lock_entry( $post )['user_id'] ?? null, $type );
				$this->assertSame( array(), self::meta_rows( $post->ID ), $type );
			}
		} finally {
			unregister_post_type( 'wpp_nopresence' );
		}
	}

	public function test_refreshing_a_lock_writes_no_post_meta_and_keeps_cached_post_queries(): void {
		global $wpdb;
		$post = self::post();
		self::log_in( self::user( 'editor' ) );
		wp_set_post_lock( $post->ID );
		$last_changed = wp_cache_get_last_changed( 'posts' );
		$queries      = array();
		add_filter(
			'query',
			static function ( $sql ) use ( &$queries ) {
				$queries[] = $sql;
				return $sql;
			}
		);
		for ( $i = 0; $i < 3; $i++ ) {
			wp_set_post_lock( $post->ID );
			wp_check_post_lock( $post->ID );
		}
		$this->assertSame( $last_changed, wp_cache_get_last_changed( 'posts' ), 'no post query cache was flushed' );
		$this->assertSame( array(), preg_grep( '/' . preg_quote( $wpdb->postmeta, '/' ) . '/', $queries ), 'no query touched post meta' );
	}

	public function test_a_release_after_someone_took_over_leaves_the_new_lock(): void {
		$one  = self::user( 'editor' );
		$two  = self::user( 'editor' );
		$post = self::post();
		self::log_in( $one );
		$first = implode( ':', wp_set_post_lock( $post->ID ) );
		self::log_in( $two );
		$second = implode( ':', wp_set_post_lock( $post->ID ) ); // "Take over".

		// What core's wp_ajax_wp_remove_post_lock() sends when the first editor leaves.
		$released = ( time() - 150 + 5 ) . ':' . $one->ID;
		$this->assertFalse( update_post_meta( $post->ID, '_edit_lock', $released, $first ) );
		$this->assertSame( $second, get_post_meta( $post->ID, '_edit_lock', true ) );
		self::log_in( $one );
		$this->assertSame( $two->ID, (int) wp_check_post_lock( $post->ID ) );

		// The holder's own release is taken, and ages out on its own clock.
		self::log_in( $two );
		$back = time() - 150 + 5;
		$this->assertTrue( update_post_meta( $post->ID, '_edit_lock', $back . ':' . $two->ID, $second ) );
		$this->assertSame( gmdate( 'Y-m-d H:i:s', $back ), self::lock_entry( $post )['date_gmt'], 'dated back as core asks: it lapses within 5 s, as in post meta' );
		$this->assertTrue( update_post_meta( $post->ID, '_edit_lock', ( time() - 400 ) . ':' . $two->ID ) );
		self::log_in( $one );
		$this->assertFalse( wp_check_post_lock( $post->ID ), 'a lock past its window is none' );
		$this->assertNull( self::lock_entry( $post ), 'a lock already past its window leaves nothing in the store' );
	}

	public function test_a_lock_without_a_user_takes_its_holder_from_edit_last(): void {
		$holder = self::user( 'editor' );
		$post   = self::post();
		update_post_meta( $post->ID, '_edit_last', $holder->ID );
		$this->assertTrue( update_post_meta( $post->ID, '_edit_lock', (string) time() ) );
		$this->assertSame( 0, self::lock_entry( $post )['user_id'] );
		$this->assertSame( array(), self::meta_rows( $post->ID ) );
		self::log_in( self::user( 'editor' ) );
		$this->assertSame( (string) $holder->ID, (string) wp_check_post_lock( $post->ID ) );
	}

	public function test_values_that_are_no_lock_and_other_keys_go_to_post_meta(): void {
		$post = self::post();
		update_post_meta( $post->ID, '_edit_lock', 'not a lock' );
		$this->assertSame( array( 'not a lock' ), self::meta_rows( $post->ID ) );
		$this->assertNull( self::lock_entry( $post ) );
		update_post_meta( $post->ID, '_edit_lockx', time() . ':1' );
		$this->assertSame( time() . ':1', get_post_meta( $post->ID, '_edit_lockx', true ) );
		$this->assertFalse( wpp_post_locks_room( 0 ) );
		$this->assertFalse( wpp_post_locks_room( 99999999 ), 'no such post' );
	}

	public function test_deleting_the_lock_releases_the_post(): void {
		$one  = self::user( 'editor' );
		$post = self::post();
		self::log_in( $one );
		$lock = implode( ':', wp_set_post_lock( $post->ID ) );
		$this->assertFalse( delete_post_meta( $post->ID, '_edit_lock', 'another value' ) );
		$this->assertNotNull( self::lock_entry( $post ) );
		$this->assertTrue( delete_post_meta( $post->ID, '_edit_lock', $lock ) );
		$this->assertNull( self::lock_entry( $post ) );
		$this->assertSame( '', get_post_meta( $post->ID, '_edit_lock', true ) );
		$this->assertSame( array(), get_post_meta( $post->ID, '_edit_lock' ) );

		$this->assertTrue( add_post_meta( $post->ID, '_edit_lock', time() . ':' . $one->ID, true ) );
		$this->assertFalse( add_post_meta( $post->ID, '_edit_lock', time() . ':' . $one->ID, true ), 'unique: a lock is there' );
		$this->assertSame( array(), self::meta_rows( $post->ID ) );
	}

	public function test_a_users_removal_releases_their_locks(): void {
		$one  = self::user( 'editor' );
		$post = self::post();
		self::log_in( $one );
		wp_set_post_lock( $post->ID );
		wp_remove_user_presence( $one->ID );
		self::log_in( self::user( 'editor' ) );
		$this->assertFalse( wp_check_post_lock( $post->ID ) );
	}

	public function test_a_lock_already_in_post_meta_holds_until_it_expires(): void {
		$one  = self::user( 'editor' );
		$two  = self::user( 'editor' );
		$post = self::post();
		// Taken before the store kept locks (the plugin was just activated).
		wpp_post_locks_bypassed( true );
		update_post_meta( $post->ID, '_edit_lock', ( time() - 30 ) . ':' . $one->ID );
		wpp_post_locks_bypassed( false );
		update_option( WPP_POST_LOCKS_SINCE_OPTION, time() - 10 );
		wp_cache_delete( $post->ID, 'post_meta' );

		self::log_in( $two );
		$this->assertSame( $one->ID, (int) wp_check_post_lock( $post->ID ), 'still held' );

		self::log_in( $one );
		wp_set_post_lock( $post->ID ); // Its holder's next refresh: now in the store.
		$this->assertSame( array(), self::meta_rows( $post->ID ), 'the old meta lock is gone, so it cannot come back' );
		$this->assertSame( $one->ID, self::lock_entry( $post )['user_id'] );

		// A meta lock past its own window, or once the store has kept locks for a whole window.
		$expired = self::post();
		wpp_post_locks_bypassed( true );
		update_post_meta( $expired->ID, '_edit_lock', ( time() - 200 ) . ':' . $one->ID );
		wpp_post_locks_bypassed( false );
		self::log_in( $two );
		$this->assertFalse( wp_check_post_lock( $expired->ID ) );
		$old = self::post();
		wpp_post_locks_bypassed( true );
		update_post_meta( $old->ID, '_edit_lock', time() . ':' . $one->ID );
		wpp_post_locks_bypassed( false );
		update_option( WPP_POST_LOCKS_SINCE_OPTION, time() - 200 );
		$this->assertFalse( wp_check_post_lock( $old->ID ), 'after the first window post meta is not read' );
	}

	public function test_switching_post_locks_off_puts_them_back_in_post_meta(): void {
		$one  = self::user( 'editor' );
		$post = self::post();
		self::log_in( $one );
		$lock = implode( ':', wp_set_post_lock( $post->ID ) );

		update_option( 'wp_presence_features', array( 'post-locks' => 0 ) );
		wpp_post_locks_note_switch();
		$this->assertSame( 0, (int) get_option( WPP_POST_LOCKS_SINCE_OPTION ) );
		$this->assertSame( array( $lock ), self::meta_rows( $post->ID ), 'the live lock was written to post meta' );
		self::log_in( self::user( 'editor' ) );
		$this->assertSame( $one->ID, (int) wp_check_post_lock( $post->ID ) );

		$other = self::post();
		wp_set_post_lock( $other->ID );
		$this->assertCount( 1, self::meta_rows( $other->ID ), 'core\'s own post meta' );
		$this->assertNull( self::lock_entry( $other ) );

		update_option( 'wp_presence_features', array( 'post-locks' => 1 ) );
		wpp_post_locks_note_switch();
		$this->assertEqualsWithDelta( time(), (int) get_option( WPP_POST_LOCKS_SINCE_OPTION ), 5, 'when the store took locks over again' );
		self::log_in( $one );
		$this->assertNotFalse( wp_check_post_lock( $other->ID ), 'the lock taken in post meta meanwhile still holds' );
	}

	public function test_deactivation_gives_the_locks_back_to_post_meta(): void {
		$one  = self::user( 'editor' );
		$post = self::post();
		self::log_in( $one );
		$lock = implode( ':', wp_set_post_lock( $post->ID ) );
		wpp_lifecycle_deactivate_site();
		$this->assertSame( array( $lock ), self::meta_rows( $post->ID ) );
	}

	public function test_a_failing_store_leaves_locks_to_post_meta(): void {
		$post = self::post();
		self::log_in( self::user( 'editor' ) );
		wpp_backend_use( new WPP_Test_Failing_Backend() );
		$lock = wp_set_post_lock( $post->ID );
		$this->assertSame( array( implode( ':', $lock ) ), self::meta_rows( $post->ID ) );
		self::log_in( self::user( 'editor' ) );
		$this->assertSame( (int) $lock[1], (int) wp_check_post_lock( $post->ID ), 'read from post meta' );
	}

	public function test_checking_the_locks_of_a_list_reads_them_in_one_call(): void {
		if ( 'database' !== WPP_TEST_BACKEND ) {
			$this->markTestSkipped( 'Counts database queries: the database backend\'s.' );
		}
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/misc.php';
		$one   = self::user( 'editor' );
		$posts = array();
		self::log_in( $one );
		for ( $i = 0; $i < 5; $i++ ) {
			$posts[] = self::post()->ID;
			wp_set_post_lock( end( $posts ) );
		}
		$viewer = self::user( 'editor' );
		$data   = array( 'wp-check-locked-posts' => array_map( static fn( $id ) => 'post-' . $id, $posts ) );
		$check  = function ( bool $prime ) use ( $wpdb, $viewer, $data ): int {
			wp_cache_flush();
			wp_load_alloptions();
			if ( is_multisite() ) {
				wp_load_core_site_options();
			}
			wp_set_current_user( 0 ); // Loaded afresh, as in a new request.
			self::log_in( $viewer );
			wp_get_current_user()->get_role_caps();
			wpp_post_locks_note_switch(); // What `init` reads.
			$before   = $wpdb->num_queries;
			$response = $prime ? wpp_post_locks_prime_heartbeat( array(), $data ) : array();
			$answer   = wp_check_locked_posts( $response, $data, 'edit-post' );
			$this->assertCount( 5, $answer['wp-check-locked-posts'], 'every post is locked by the other editor' );
			return $wpdb->num_queries - $before;
		};
		$unprimed = $check( false );
		$primed   = $check( true );
		$this->assertSame( 4, $primed, 'the posts in one query, the locks in one, the holder\'s user and meta (core\'s own)' );
		$this->assertSame( 12, $unprimed, 'without priming: each post and each lock alone' );
	}
}
