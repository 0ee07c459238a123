<?php
/**
 * Admin notices (plugin/includes/admin/notices.php): the database fallback, for administrators,
 * on the dashboard and the Plugins screen only.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_notices_print
 */
class NoticesTest extends WPP_TestCase {

	/**
	 * Output of the admin_notices callback on a screen, as a user.
	 */
	private function notices_on( string $screen, WP_User $user ): string {
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		self::log_in( $user );
		$GLOBALS['current_screen'] = WP_Screen::get( $screen ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		ob_start();
		wpp_notices_print();
		$html = (string) ob_get_clean();
		unset( $GLOBALS['current_screen'] );
		return $html;
	}

	public function test_fallback_notice_only_for_administrators_and_only_with_the_database_backend(): void {
		$admin  = self::user( 'administrator' );
		$editor = self::user( 'editor' );

		wpp_backend_use( new WPP_Database_Backend() );
		$this->assertStringContainsString( 'presence PHP extension is not loaded', $this->notices_on( 'dashboard', $admin ) );
		$this->assertStringContainsString( 'notice-info', $this->notices_on( 'plugins', $admin ) );
		$this->assertSame( '', $this->notices_on( 'dashboard', $editor ), 'editors never see it' );
		$this->assertSame( '', $this->notices_on( 'edit-post', $admin ), 'not on every screen' );

		if ( function_exists( 'presence_upsert' ) ) {
			wpp_backend_use( new WPP_Native_Backend() );
			$this->assertSame( '', $this->notices_on( 'dashboard', $admin ) );
		}
	}
}
