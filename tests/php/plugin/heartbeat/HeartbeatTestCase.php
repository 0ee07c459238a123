<?php
/**
 * Base of the heartbeat tests: a real WordPress with the plugin active (loaded by the suite's
 * bootstrap), each test inside a database transaction that is rolled back, and the presence store
 * emptied before each test.
 *
 * A "heartbeat" here is what wp_ajax_heartbeat() does after checking the nonce: the whole
 * `heartbeat_received` filter chain with the browser's data, as the user who sent it.
 *
 * @package Presence
 */

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/MemoryBackend.php';

abstract class WPP_Heartbeat_TestCase extends TestCase {

	/**
	 * Post created for the test (draft by the admin user).
	 *
	 * @var int
	 */
	protected $post_id = 0;

	public static function setUpBeforeClass(): void {
		// The post-lock refresh is registered by wp-admin/includes/admin-filters.php in a real
		// admin-ajax request; the test process loads WordPress from the front, so add it the same way.
		require_once ABSPATH . 'wp-admin/includes/admin.php';
		if ( false === has_filter( 'heartbeat_received', 'wp_refresh_post_lock' ) ) {
			add_filter( 'heartbeat_received', 'wp_refresh_post_lock', 10, 3 );
		}
	}

	protected function setUp(): void {
		global $wpdb;
		$wpdb->query( 'START TRANSACTION' );
		wpp_use_backend( null, true );
		$this->flush();
		wp_set_current_user( 0 );
		$this->post_id = (int) wp_insert_post(
			array(
				'post_title'  => 'Heartbeat test post',
				'post_status' => 'draft',
				'post_author' => $this->user( 'administrator' )->ID,
			)
		);
	}

	protected function tearDown(): void {
		global $wpdb;
		$this->flush();
		wpp_use_backend( null, true );
		wp_set_current_user( 0 );
		remove_all_filters( 'wpp_presence_online_limit' );
		remove_all_filters( 'wpp_presence_idle_after' );
		$wpdb->query( 'ROLLBACK' );
	}

	/**
	 * Empties this site's entries in whatever backend is active.
	 */
	protected function flush(): void {
		$backend = wpp_backend();
		if ( method_exists( $backend, 'flush' ) ) {
			$backend->flush();
		}
	}

	/**
	 * A new user with a role; the display name says which.
	 */
	protected function user( string $role, string $name = '' ): WP_User {
		static $n = 0;
		++$n;
		$login = 'hb_' . $role . '_' . $n . '_' . wp_generate_password( 6, false );
		$id    = wp_insert_user(
			array(
				'user_login'   => $login,
				'user_pass'    => wp_generate_password(),
				'user_email'   => $login . '@example.com',
				'role'         => $role,
				'display_name' => '' !== $name ? $name : ucfirst( $role ) . ' ' . $n,
			)
		);
		$this->assertIsInt( $id );
		return get_userdata( $id );
	}

	/**
	 * Runs the heartbeat filter chain as $user with $data, the way wp_ajax_heartbeat() does.
	 */
	protected function heartbeat( WP_User $user, array $data, string $screen_id = 'dashboard' ): array {
		wp_set_current_user( $user->ID );
		return apply_filters( 'heartbeat_received', array(), $data, $screen_id );
	}

	/**
	 * The data the client script sends on the dashboard.
	 */
	protected function ping( array $extra = array() ): array {
		return array( 'presence-ping' => $extra + array( 'screen' => 'dashboard', 'title' => 'Dashboard' ) );
	}

	/**
	 * The data the block editor sends: the presence pings plus core's post lock.
	 */
	protected function editor_data( int $post_id, array $versions = array() ): array {
		return array(
			'presence-ping'        => array(
				'screen'   => 'post',
				'title'    => 'Heartbeat test post',
				'post_id'  => (string) $post_id,
				'versions' => $versions,
			),
			'presence-editor-ping' => array( 'post_id' => (string) $post_id ),
			'wp-refresh-post-lock' => array( 'post_id' => (string) $post_id ),
		);
	}

	protected function post_room( int $post_id = 0 ): string {
		return 'postType/post:' . ( $post_id ?: $this->post_id );
	}

	/**
	 * User ids of a payload's users, in order.
	 */
	protected function ids( array $payload ): array {
		return array_map( static fn( $u ) => $u['user_id'], $payload['users'] ?? array() );
	}
}
