<?php
/**
 * Base test case of the plugin suite: one database transaction per test, rolled back after it;
 * current user, caches, hooks added by the test and this site's native store reset in between.
 * Each test starts with an empty store: the presence table is emptied inside the transaction
 * (so the site's rows return at the rollback) and this site's namespace of the native segment is
 * flushed (entries there are short-lived by nature).
 *
 * @package Presence
 */

use PHPUnit\Framework\TestCase;

/**
 * Wraps each test in START TRANSACTION / ROLLBACK on the real database.
 */
abstract class WPP_TestCase extends TestCase {

	/**
	 * Snapshot of $wp_filter taken before the test, restored after it.
	 *
	 * @var array
	 */
	private array $hooks_before = array();

	/**
	 * Backend pinned by the bootstrap, restored after tests that swap it.
	 *
	 * @var WPP_Backend|null
	 */
	private ?WPP_Backend $backend_before = null;

	protected function setUp(): void {
		parent::setUp();
		global $wpdb, $wp_filter;
		$wpdb->suppress_errors( false );
		$wpdb->show_errors( false );
		$wpdb->query( 'SET autocommit = 0' );
		$wpdb->query( 'START TRANSACTION' );
		$this->hooks_before   = array_map( static fn( $hook ) => clone $hook, $wp_filter );
		$this->backend_before = wpp_backend();
		self::flush_store();
		( new WPP_Database_Backend() )->flush(); // Inside the transaction: the site's rows come back.
		wp_set_current_user( 0 );
		wp_cache_flush();
	}

	protected function tearDown(): void {
		global $wpdb, $wp_filter;
		if ( null === $this->backend_before ) {
			parent::tearDown(); // setUp() did not run (skipped before it): nothing to undo.
			return;
		}
		self::flush_store();
		$wpdb->query( 'ROLLBACK' );
		$wpdb->query( 'SET autocommit = 1' );
		$wp_filter = $this->hooks_before; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		wpp_backend_use( $this->backend_before );
		$this->backend_before = null;
		if ( is_multisite() && ms_is_switched() ) {
			restore_current_blog();
		}
		wp_set_current_user( 0 );
		wp_cache_flush();
		$_GET  = array();
		$_POST = array();
		parent::tearDown();
	}

	/**
	 * Empties this site's namespace of the native store (other sites' entries are not touched).
	 */
	protected static function flush_store(): void {
		if ( function_exists( 'presence_flush' ) ) {
			( new WPP_Native_Backend() )->flush();
		}
	}

	/**
	 * Runs a script of support/ in a fresh PHP process (same binary, same environment, so the same
	 * site and php.ini). The child prints its result as its last line; anything before it (such as
	 * deprecation notices of WordPress core with WP_DEBUG on) is returned with stderr.
	 *
	 * @param string   $script   File name in support/.
	 * @param string[] $php_args    More arguments for php (such as '-d', 'name=value').
	 * @param string[] $script_args Arguments for the script.
	 * @return array{0:string,1:string} [last line of stdout, everything else].
	 */
	protected static function run_child( string $script, array $php_args = array(), array $script_args = array() ): array {
		$process = proc_open(
			array_merge( array( PHP_BINARY, '-d', 'display_errors=stderr' ), $php_args, array( __DIR__ . '/' . $script ), $script_args ),
			array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ),
			$pipes
		);
		$out = stream_get_contents( $pipes[1] );
		$err = stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		proc_close( $process );
		$lines = explode( "\n", rtrim( (string) $out ) );
		$last  = (string) array_pop( $lines );
		return array( $last, implode( "\n", $lines ) . "\n" . $err );
	}

	/**
	 * Id of another site of the network, or 0 on a single site.
	 */
	protected static function other_blog_id(): int {
		if ( ! is_multisite() ) {
			return 0;
		}
		foreach ( get_sites( array( 'fields' => 'ids', 'number' => 10 ) ) as $id ) {
			if ( (int) $id !== get_current_blog_id() ) {
				return (int) $id;
			}
		}
		return 0;
	}

	/**
	 * Creates a user with a role (inside the test's transaction).
	 *
	 * @param string $role Role.
	 * @return WP_User
	 */
	protected static function user( string $role = 'editor' ): WP_User {
		static $n = 0;
		++$n;
		$login = 'wpp_' . $role . '_' . $n . '_' . wp_generate_password( 6, false );
		$id    = wp_insert_user(
			array(
				'user_login'   => $login,
				'user_pass'    => wp_generate_password(),
				'user_email'   => $login . '@example.org',
				'display_name' => ucfirst( $role ) . ' ' . $n,
				'role'         => $role,
			)
		);
		if ( is_wp_error( $id ) ) {
			throw new RuntimeException( $id->get_error_message() );
		}
		return get_user_by( 'id', $id );
	}

	/**
	 * Creates a post (inside the test's transaction).
	 *
	 * @param array $args wp_insert_post() arguments.
	 * @return WP_Post
	 */
	protected static function post( array $args = array() ): WP_Post {
		$id = wp_insert_post(
			$args + array(
				'post_title'  => 'Presence test',
				'post_status' => 'publish',
				'post_type'   => 'post',
				'post_author' => 1,
			),
			true
		);
		if ( is_wp_error( $id ) ) {
			throw new RuntimeException( $id->get_error_message() );
		}
		return get_post( $id );
	}

	/**
	 * Logs a user in for the rest of the test.
	 *
	 * @param WP_User|int $user User.
	 */
	protected static function log_in( $user ): void {
		wp_set_current_user( $user instanceof WP_User ? $user->ID : (int) $user );
	}
}
