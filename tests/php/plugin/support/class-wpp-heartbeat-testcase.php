<?php
/**
 * Base of the heartbeat tests, on the suite's WPP_TestCase (a real WordPress with the plugin,
 * each test inside a rolled-back transaction, the store emptied, the pinned backend and the hooks
 * restored after each test), with a draft post by an administrator.
 *
 * A "heartbeat" here is what wp_ajax_heartbeat() does after checking the nonce: the whole
 * `heartbeat_received` filter chain with the browser's data, as the user who sent it.
 *
 * @package Presence
 */

require_once __DIR__ . '/class-wpp-test-memory-backend.php';

abstract class WPP_Heartbeat_TestCase extends WPP_TestCase {

	/**
	 * Post created for the test (draft by an administrator).
	 *
	 * @var int
	 */
	protected $post_id = 0;

	public static function setUpBeforeClass(): void {
		parent::setUpBeforeClass();
		// The post-lock refresh is registered by wp-admin/includes/admin-filters.php in a real
		// admin-ajax request; the test process loads WordPress from the front, so add it the same way.
		require_once ABSPATH . 'wp-admin/includes/admin.php';
		if ( false === has_filter( 'heartbeat_received', 'wp_refresh_post_lock' ) ) {
			add_filter( 'heartbeat_received', 'wp_refresh_post_lock', 10, 3 );
		}
	}

	protected function setUp(): void {
		parent::setUp();
		$this->post_id = self::post(
			array(
				'post_title'  => 'Heartbeat test post',
				'post_status' => 'draft',
				'post_author' => self::user( 'administrator' )->ID,
			)
		)->ID;
	}

	protected function tearDown(): void {
		$this->reset_page();
		parent::tearDown();
	}

	/**
	 * Forgets what open_admin_screen() and the surfaces registered, enqueued and set, as a new
	 * request would.
	 */
	protected function reset_page(): void {
		foreach ( array_keys( wp_scripts()->registered ) as $handle ) {
			if ( str_starts_with( $handle, 'wpp-' ) || 'wp-presence' === $handle ) {
				wp_dequeue_script( $handle );
				wp_deregister_script( $handle );
			}
		}
		wp_dequeue_style( 'wpp-presence' );
		wp_deregister_style( 'wpp-presence' );
		unset( $GLOBALS['current_screen'], $GLOBALS['post'] );
		$GLOBALS['wp_query'] = $GLOBALS['wp_the_query']; // The posts list's tests set a query of their own.
	}

	/**
	 * Sets up the admin screen $id as admin.php would, and runs the enqueue hooks.
	 */
	protected function open_admin_screen( WP_User $user, string $id, ?WP_Post $post = null ): array {
		$this->reset_page();
		wp_set_current_user( $user->ID );
		if ( $post ) {
			$GLOBALS['post'] = $post;
		}
		set_current_screen( $id );
		wpp_assets_register();
		wpp_assets_enqueue_admin();
		$before = $this->inline_before();
		if ( ! $before ) {
			return array();
		}
		$this->assertCount( 1, $before, 'one inline configuration' );
		$this->assertMatchesRegularExpression( '/^var wppPresenceConfig = \{.*\};$/s', $before[0] );
		return json_decode( substr( $before[0], strlen( 'var wppPresenceConfig = ' ), -1 ), true );
	}

	/**
	 * Inline scripts printed before the client (WordPress keeps a leading `false` in the list).
	 */
	protected function inline_before(): array {
		return array_values( array_filter( (array) wp_scripts()->get_data( 'wpp-presence', 'before' ) ) );
	}

	/**
	 * An editor whose display name, and a post (the test's) whose title, are markup — written
	 * straight to the database as an import or another plugin could, past WordPress's own
	 * sanitizing — so the surfaces' own escaping is what is tested.
	 */
	protected function hostile_editor_of_a_hostile_post(): WP_User {
		global $wpdb;
		$user = self::user( 'editor' );
		$wpdb->update( $wpdb->users, array( 'display_name' => '<img src=x onerror=alert(1)>"\'&amp;' ), array( 'ID' => $user->ID ) );
		$wpdb->update( $wpdb->posts, array( 'post_title' => '</a><script>alert(2)</script>' ), array( 'ID' => $this->post_id ) );
		clean_user_cache( $user->ID );
		clean_post_cache( $this->post_id );
		return get_userdata( $user->ID );
	}

	/**
	 * A new user with a role and a display name.
	 */
	protected static function named_user( string $role, string $name ): WP_User {
		$user = self::user( $role );
		wp_update_user( array( 'ID' => $user->ID, 'display_name' => $name ) );
		clean_user_cache( $user->ID );
		return get_userdata( $user->ID );
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
