<?php
/**
 * Settings saves through WordPress's real wp-admin/options.php (surfaces/stale-screen.php): a POST
 * that options.php refuses never raises the "saved this page" warning, even when options are
 * written during that request, and a real save always does. Each POST runs in a child process
 * that executes options.php itself (support/options-php-child.php), authenticated by the user's
 * cookies, on the store of the run; the users it needs are committed for it and deleted after.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_stale_screen_referer_checked
 * @covers ::wpp_stale_screen_option_saved
 */
final class StaleScreenOptionsPhpTest extends WPP_TestCase {

	/**
	 * Users committed for the child processes, deleted after the test.
	 *
	 * @var int[]
	 */
	private array $committed = array();

	protected function setUp(): void {
		parent::setUp();
		global $wpdb;
		// The child processes see only committed rows, and this process must see theirs.
		$wpdb->query( 'COMMIT' );
		$wpdb->query( 'SET autocommit = 1' );
	}

	protected function tearDown(): void {
		require_once ABSPATH . 'wp-admin/includes/user.php';
		foreach ( $this->committed as $user_id ) {
			wp_delete_user( $user_id );
		}
		delete_option( 'wpp_test_probe' );
		foreach ( array( WPP_SCREEN_ROOM_PREFIX, WPP_BUDGET_ROOM_PREFIX ) as $prefix ) {
			( new WPP_Database_Backend() )->flush( $prefix ); // What the children wrote to the table.
		}
		parent::tearDown();
	}

	/**
	 * A committed user with a role, and the cookies of a session of theirs.
	 *
	 * @return array{0:WP_User,1:array<string,string>}
	 */
	private function committed_user( string $role ): array {
		$user              = self::user( $role );
		$this->committed[] = $user->ID;
		$expiration        = time() + HOUR_IN_SECONDS;
		$token             = WP_Session_Tokens::get_instance( $user->ID )->create( $expiration );
		return array(
			$user,
			array(
				AUTH_COOKIE      => wp_generate_auth_cookie( $user->ID, $expiration, 'auth', $token ),
				LOGGED_IN_COOKIE => wp_generate_auth_cookie( $user->ID, $expiration, 'logged_in', $token ),
			),
		);
	}

	/**
	 * The nonce options.php checks for a settings group, as the user's page would carry it.
	 */
	private static function nonce( WP_User $user, array $cookies, string $group ): string {
		$_COOKIE[ LOGGED_IN_COOKIE ] = $cookies[ LOGGED_IN_COOKIE ]; // The session the nonce is bound to.
		wp_set_current_user( $user->ID );
		$nonce = wp_create_nonce( $group . '-options' );
		unset( $_COOKIE[ LOGGED_IN_COOKIE ] );
		wp_set_current_user( 0 );
		return $nonce;
	}

	/**
	 * POSTs the General settings form to options.php in a child process.
	 *
	 * @return array{user:int,died:int|null,redirect:string|null}
	 */
	private function post_general( array $cookies, string $nonce, string $tagline, bool $probe ): array {
		list( $last, $output ) = self::run_child(
			'options-php-child.php',
			array(),
			array(
				wp_json_encode(
					array(
						'cookies' => $cookies,
						'probe'   => $probe,
						'post'    => array(
							'option_page'      => 'general',
							'action'           => 'update',
							'_wpnonce'         => $nonce,
							'_wp_http_referer' => '/wp-admin/options-general.php',
							'blogname'         => get_option( 'blogname' ),
							'blogdescription'  => $tagline,
						),
					)
				),
			)
		);
		$result = json_decode( $last, true );
		$this->assertIsArray( $result, "the child did not report: $last $output" );
		wp_cache_flush(); // What the child wrote, not what this process had read.
		return $result;
	}

	/**
	 * The warning a viewer of options-general.php served at $since gets on their next tick.
	 */
	private static function banner( WP_User $viewer, float $since ): ?array {
		return wpp_stale_screen_check( 'options/general', $since, $viewer );
	}

	public function test_a_refused_options_php_post_never_raises_the_warning_and_a_real_save_does(): void {
		$tagline                      = get_option( 'blogdescription' );
		list( $viewer )               = $this->committed_user( 'administrator' );
		list( $admin, $admin_cookie ) = $this->committed_user( 'administrator' );
		list( $contributor, $theirs ) = $this->committed_user( 'contributor' );
		try {
			$since = microtime( true ) - 1;

			// A contributor posts the General settings with options written during the request.
			$refused = $this->post_general( $theirs, self::nonce( $contributor, $theirs, 'general' ), 'Contributor was here', true );
			$this->assertSame( $contributor->ID, $refused['user'], 'the child ran as the contributor' );
			$this->assertSame( 403, $refused['died'], 'options.php refused it' );
			$this->assertNotSame( '', (string) get_option( 'wpp_test_probe' ), 'an option was written during the refused request' );
			$this->assertStringStartsWith( 'Written on admin_init', get_option( 'blogdescription' ), "even one of the page's own" );
			$this->assertNull( self::banner( $viewer, $since ), 'no warning, with nobody\'s name' );

			// An administrator's post whose nonce is not theirs: refused too.
			$forged = $this->post_general( $admin_cookie, self::nonce( $contributor, $theirs, 'general' ), 'Forged', true );
			$this->assertSame( $admin->ID, $forged['user'] );
			$this->assertSame( 403, $forged['died'], 'options.php refused the nonce' );
			$this->assertNull( self::banner( $viewer, $since ) );

			// The administrator's real save.
			$saved = $this->post_general( $admin_cookie, self::nonce( $admin, $admin_cookie, 'general' ), 'Saved at ' . microtime( true ), true );
			$this->assertNull( $saved['died'] );
			$this->assertStringContainsString( 'settings-updated=true', (string) $saved['redirect'] );
			$banner = self::banner( $viewer, $since );
			$this->assertNotNull( $banner, 'a real save warns who has the page open' );
			$this->assertSame( $admin->ID, $banner['user_id'] );
			$this->assertNull( self::banner( $admin, $since ), 'not the one who saved' );
		} finally {
			update_option( 'blogdescription', $tagline );
		}
	}
}
