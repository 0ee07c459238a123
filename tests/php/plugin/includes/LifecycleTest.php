<?php
/**
 * The plugin's life on a site (plugin/includes/lifecycle.php): activation and deactivation, the
 * hourly expiry, and login, logout and user deletion, fired through the real WordPress actions on
 * the backend of this run. Uninstall is UninstallTest's.
 *
 * Activation creates the table: DDL, which commits the transaction MariaDB had open; that test
 * creates nothing before it, and opens a new transaction after it.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_lifecycle_activate
 * @covers ::wpp_lifecycle_deactivate
 * @covers ::wpp_lifecycle_schedule_gc
 * @covers ::wpp_lifecycle_run_gc
 * @covers ::wpp_lifecycle_login
 * @covers ::wpp_lifecycle_logout
 * @covers ::wpp_lifecycle_deleted_user
 */
class LifecycleTest extends WPP_TestCase {

	public function test_activation_creates_the_table_and_deactivation_clears_the_event(): void {
		global $wpdb;
		$wpdb->query( 'DROP TABLE ' . wpp_table_name() );
		do_action( 'activate_' . plugin_basename( WPP_FILE ), false );
		$this->assertTrue( wpp_table_exists() );
		$this->assertNotFalse( wp_next_scheduled( WPP_GC_EVENT ) );
		do_action( 'deactivate_' . plugin_basename( WPP_FILE ), false );
		$this->assertFalse( wp_next_scheduled( WPP_GC_EVENT ) );
		$wpdb->query( 'START TRANSACTION' );
	}

	public function test_gc_event_is_scheduled_hourly_and_runs_the_backend_gc(): void {
		wp_clear_scheduled_hook( WPP_GC_EVENT );
		wpp_lifecycle_schedule_gc(); // What the init hook runs (HooksTest checks the registration).
		$this->assertNotFalse( wp_next_scheduled( WPP_GC_EVENT ) );
		$this->assertSame( 'hourly', wp_get_schedule( WPP_GC_EVENT ) );

		$now = 1_900_000_000.0;
		wpp_backend_use( new WPP_Database_Backend( static function () use ( &$now ) { return $now; } ) );
		wpp_backend()->set( 'r', 'old', array(), 1, 10 );
		$now += 20;
		do_action( WPP_GC_EVENT );
		$this->assertSame( '0', $GLOBALS['wpdb']->get_var( 'SELECT COUNT(*) FROM ' . wpp_table_name() ) );
	}

	public function test_login_of_a_user_who_can_edit_posts_writes_admin_online(): void {
		$editor = self::user( 'editor' );
		do_action( 'wp_login', $editor->user_login, $editor );

		$entries = wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 );
		$this->assertCount( 1, $entries );
		$this->assertSame( 'user-' . $editor->ID, $entries[0]['client_id'] );
		$this->assertSame( $editor->ID, $entries[0]['user_id'] );
		$this->assertSame( $editor->display_name, $entries[0]['data']['display_name'] );
		$this->assertSame( 'login', $entries[0]['data']['screen'] );
		$this->assertStringStartsWith( 'http', $entries[0]['data']['avatar_url'] );
	}

	public function test_login_of_a_subscriber_writes_nothing(): void {
		$subscriber = self::user( 'subscriber' );
		do_action( 'wp_login', $subscriber->user_login, $subscriber );
		$this->assertSame( array(), wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ) );
	}

	public function test_a_real_sign_on_goes_through_the_hook(): void {
		$editor = self::user( 'editor' );
		wp_set_password( 'secret-pass', $editor->ID );
		add_filter( 'send_auth_cookies', '__return_false' );
		$user = wp_signon( array( 'user_login' => $editor->user_login, 'user_password' => 'secret-pass' ) );
		$this->assertInstanceOf( WP_User::class, $user );
		$this->assertSame( array( 'user-' . $editor->ID ), array_column( wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ), 'client_id' ) );
	}

	public function test_logout_removes_all_of_the_users_entries(): void {
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		wpp_entries_set( WPP_ADMIN_ROOM, 'user-' . $editor->ID, array(), $editor->ID );
		wpp_entries_set( 'postType/post:1', 'user-' . $editor->ID, array(), $editor->ID );
		wpp_entries_set( WPP_ADMIN_ROOM, 'user-' . $other->ID, array(), $other->ID );

		self::log_in( $editor );
		add_filter( 'send_auth_cookies', '__return_false' );
		wp_logout();

		$this->assertSame( array(), wpp_backend()->user_entries( $editor->ID, 150 ) );
		$this->assertCount( 1, wpp_backend()->user_entries( $other->ID, 150 ) );
	}

	public function test_deleting_a_user_removes_their_entries(): void {
		$editor = self::user( 'editor' );
		wpp_entries_set( WPP_ADMIN_ROOM, 'user-' . $editor->ID, array(), $editor->ID );
		$this->assertTrue( wp_delete_user( $editor->ID ) );
		$this->assertSame( array(), wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ) );
	}

	public function test_the_options_every_request_reads_are_added_autoloaded(): void {
		global $wpdb;
		foreach ( array( 'wp_presence_recording', 'wp_presence_features', WPP_POST_LOCKS_SINCE_OPTION ) as $option ) {
			delete_option( $option );
		}
		wpp_lifecycle_add_options(); // admin_init, on a site updated without being activated again.
		$this->assertSame( '1', get_option( 'wp_presence_recording' ) );
		$this->assertSame( array(), get_option( 'wp_presence_features' ) );
		$autoload = $wpdb->get_col( "SELECT autoload FROM {$wpdb->options} WHERE option_name IN ( 'wp_presence_recording', 'wp_presence_features', 'wpp_post_locks_since' )" );
		$this->assertCount( 3, $autoload );
		$this->assertSame( array(), array_diff( $autoload, array( 'yes', 'on', 'auto-on' ) ), 'autoloaded: no query per request' );

		update_option( 'wp_presence_recording', '0' );
		wpp_lifecycle_add_options();
		$this->assertSame( '0', get_option( 'wp_presence_recording' ), 'a choice made is kept' );
	}

	public function test_a_role_that_edits_only_pages_signs_in_to_admin_online(): void {
		$pages = self::user( 'subscriber' );
		$pages->add_cap( 'edit_pages' );
		do_action( 'wp_login', $pages->user_login, $pages );
		$this->assertSame( array( 'user-' . $pages->ID ), array_column( wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ), 'client_id' ) );
	}

	public function test_logout_releases_the_users_post_locks(): void {
		require_once ABSPATH . 'wp-admin/includes/post.php';
		$editor = self::user( 'editor' );
		$post   = self::post();
		self::log_in( $editor );
		wp_set_post_lock( $post->ID );
		add_filter( 'send_auth_cookies', '__return_false' );
		wp_logout();
		self::log_in( self::user( 'editor' ) );
		$this->assertFalse( wp_check_post_lock( $post->ID ) );
	}

	public function test_with_recording_off_login_writes_nothing(): void {
		update_option( 'wp_presence_recording', '0' );
		$editor = self::user( 'editor' );
		do_action( 'wp_login', $editor->user_login, $editor );
		$this->assertSame( array(), wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ) );
	}
}
