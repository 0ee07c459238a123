<?php
/**
 * The readers of the switches (plugin/includes/api/switches.php): recording (site, network,
 * their filters) and features (site, network, the filter).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_switches_recording_enabled
 * @covers ::wpp_switches_feature_enabled
 * @covers ::wpp_switches_choice
 */
class SwitchesTest extends WPP_TestCase {

	protected function setUp(): void {
		parent::setUp();
		delete_option( 'wp_presence_recording' );
		delete_option( 'wp_presence_features' );
		if ( is_multisite() ) {
			delete_site_option( 'wp_presence_network_recording' );
			delete_site_option( 'wp_presence_network_features' );
		}
	}

	public function test_recording_is_on_when_nothing_is_stored(): void {
		$this->assertTrue( wpp_switches_recording_enabled() );
	}

	/**
	 * @dataProvider stored_recording
	 */
	public function test_the_site_switch_is_off_only_when_stored_off( $stored, bool $expected ): void {
		update_option( 'wp_presence_recording', $stored );
		$this->assertSame( $expected, wpp_switches_recording_enabled() );
	}

	public static function stored_recording(): array {
		return array(
			"'1'"         => array( '1', true ),
			"'0'"         => array( '0', false ),
			'empty'       => array( '', false ),
			"'off'"       => array( 'off', false ),
			'any text on' => array( 'yes', true ),
		);
	}

	public function test_a_filter_has_the_last_word_over_the_site_switch_both_ways(): void {
		update_option( 'wp_presence_recording', '0' );
		$seen = null;
		add_filter(
			'wp_presence_recording_enabled',
			static function ( $enabled ) use ( &$seen ) {
				$seen = $enabled;
				return true;
			}
		);
		$this->assertTrue( wpp_switches_recording_enabled() );
		$this->assertFalse( $seen, 'the filter gets the stored choice' );

		remove_all_filters( 'wp_presence_recording_enabled' );
		update_option( 'wp_presence_recording', '1' );
		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		$this->assertFalse( wpp_switches_recording_enabled() );
	}

	public function test_the_network_switch_off_wins_over_the_site(): void {
		if ( ! is_multisite() ) {
			update_site_option( 'wp_presence_network_recording', '0' ); // A single site has no network switch.
			$this->assertTrue( wpp_switches_recording_enabled() );
			return;
		}
		update_option( 'wp_presence_recording', '1' );
		update_site_option( 'wp_presence_network_recording', '0' );
		$this->assertFalse( wpp_switches_recording_enabled() );

		switch_to_blog( self::other_blog_id() );
		$this->assertFalse( wpp_switches_recording_enabled(), 'every site of the network' );
		restore_current_blog();

		update_site_option( 'wp_presence_network_recording', '1' );
		update_option( 'wp_presence_recording', '0' );
		$this->assertFalse( wpp_switches_recording_enabled(), 'the site off wins too' );
	}

	public function test_the_network_filter_is_asked_only_when_the_site_records_and_has_the_last_word(): void {
		if ( ! is_multisite() ) {
			add_filter( 'wp_presence_network_recording_enabled', '__return_false' );
			$this->assertTrue( wpp_switches_recording_enabled(), 'not asked on a single site' );
			return;
		}
		$asked = 0;
		add_filter(
			'wp_presence_network_recording_enabled',
			static function ( $enabled ) use ( &$asked ) {
				++$asked;
				return ! $enabled;
			}
		);
		update_site_option( 'wp_presence_network_recording', '0' );
		$this->assertTrue( wpp_switches_recording_enabled(), 'the network filter turns the network on' );
		update_site_option( 'wp_presence_network_recording', '1' );
		$this->assertFalse( wpp_switches_recording_enabled(), 'and off' );
		$this->assertSame( 2, $asked );

		update_option( 'wp_presence_recording', '0' );
		$this->assertFalse( wpp_switches_recording_enabled() );
		$this->assertSame( 2, $asked, 'not asked when the site is off' );
	}

	public function test_a_feature_is_on_unless_switched_off(): void {
		foreach ( WPP_SWITCHES_FEATURES as $feature ) {
			$this->assertTrue( wpp_switches_feature_enabled( $feature ), $feature );
		}
		update_option( 'wp_presence_features', array( 'admin-bar' => 0, 'post-list' => 1 ) );
		$this->assertFalse( wpp_switches_feature_enabled( 'admin-bar' ) );
		$this->assertTrue( wpp_switches_feature_enabled( 'post-list' ) );
		$this->assertTrue( wpp_switches_feature_enabled( 'post-locks' ), 'a feature the option leaves out is on' );

		update_option( 'wp_presence_features', 'not an array' );
		$this->assertTrue( wpp_switches_feature_enabled( 'admin-bar' ), 'an option that is not an array switches nothing off' );
	}

	/**
	 * @dataProvider unknown_features
	 */
	public function test_an_unknown_feature_is_off( $feature ): void {
		add_filter( 'wp_presence_feature_enabled', '__return_true' );
		$this->assertFalse( wpp_switches_feature_enabled( $feature ) );
	}

	public static function unknown_features(): array {
		return array(
			'misspelt'          => array( 'post-lock' ),
			'a later version’s' => array( 'user-list' ),
			'empty'             => array( '' ),
		);
	}

	public function test_the_network_switching_a_feature_off_wins_over_the_site(): void {
		if ( ! is_multisite() ) {
			update_site_option( 'wp_presence_network_features', array( 'admin-bar' => 0 ) );
			$this->assertTrue( wpp_switches_feature_enabled( 'admin-bar' ), 'a single site has no network switch' );
			return;
		}
		update_option( 'wp_presence_features', array( 'admin-bar' => 1 ) );
		update_site_option( 'wp_presence_network_features', array( 'admin-bar' => 0 ) );
		$this->assertFalse( wpp_switches_feature_enabled( 'admin-bar' ) );
		$this->assertTrue( wpp_switches_feature_enabled( 'post-list' ) );

		update_site_option( 'wp_presence_network_features', array( 'admin-bar' => 1 ) );
		update_option( 'wp_presence_features', array( 'admin-bar' => 0 ) );
		$this->assertFalse( wpp_switches_feature_enabled( 'admin-bar' ), 'the site off wins too' );
	}

	public function test_the_feature_filter_has_the_last_word_both_ways(): void {
		update_option( 'wp_presence_features', array( 'admin-bar' => 0 ) );
		$seen = array();
		add_filter(
			'wp_presence_feature_enabled',
			static function ( $enabled, $feature ) use ( &$seen ) {
				$seen[ $feature ] = $enabled;
				return ! $enabled;
			},
			10,
			2
		);
		$this->assertTrue( wpp_switches_feature_enabled( 'admin-bar' ) );
		$this->assertFalse( wpp_switches_feature_enabled( 'post-list' ) );
		$this->assertSame( array( 'admin-bar' => false, 'post-list' => true ), $seen, 'the filter gets the stored choice and the feature' );
	}

	public function test_features_are_on_unless_switched_off(): void {
		delete_option( 'wp_presence_features' );
		foreach ( WPP_SWITCHES_FEATURES as $feature ) {
			$this->assertTrue( wpp_switches_feature_enabled( $feature ), "$feature: on when never set" );
		}
		update_option( 'wp_presence_features', array( 'admin-bar' => 1 ) );
		$this->assertTrue( wpp_switches_feature_enabled( 'post-locks' ), 'a feature the option does not name' );
		update_option( 'wp_presence_features', 'garbage' );
		$this->assertTrue( wpp_switches_feature_enabled( 'post-locks' ), 'an option that is no array' );
		update_option( 'wp_presence_features', array( 'post-locks' => 0, 'admin-bar' => '1', 'post-list' => '0' ) );
		$this->assertFalse( wpp_switches_feature_enabled( 'post-locks' ) );
		$this->assertTrue( wpp_switches_feature_enabled( 'admin-bar' ) );
		$this->assertFalse( wpp_switches_feature_enabled( 'post-list' ) );
		$this->assertTrue( wpp_switches_feature_enabled( 'synced-patterns' ) );
	}

	public function test_the_filter_has_the_last_word_and_the_network_off_wins(): void {
		update_option( 'wp_presence_features', array( 'post-locks' => 0 ) );
		add_filter( 'wp_presence_feature_enabled', static fn( $on, $feature ) => 'post-locks' === $feature ? true : $on, 10, 2 );
		$this->assertTrue( wpp_switches_feature_enabled( 'post-locks' ) );
		remove_all_filters( 'wp_presence_feature_enabled' );
		update_option( 'wp_presence_features', array() );
		if ( is_multisite() ) {
			update_site_option( 'wp_presence_network_features', array( 'post-locks' => 0 ) );
			$this->assertFalse( wpp_switches_feature_enabled( 'post-locks' ), 'switched off for the network' );
			$this->assertTrue( wpp_switches_feature_enabled( 'admin-bar' ) );
			$blog = self::other_blog_id();
			switch_to_blog( $blog );
			$this->assertFalse( wpp_switches_feature_enabled( 'post-locks' ), 'on every site' );
			restore_current_blog();
		} else {
			update_site_option( 'wp_presence_network_features', array( 'post-locks' => 0 ) );
			$this->assertTrue( wpp_switches_feature_enabled( 'post-locks' ), 'no network on a single site' );
		}
	}

	public function test_each_site_of_a_network_follows_its_own_options(): void {
		if ( ! is_multisite() ) {
			$this->markTestSkipped( 'multisite only' );
		}
		update_option( 'wp_presence_recording', '0' );
		$this->assertFalse( wpp_switches_recording_enabled() );
		switch_to_blog( self::other_blog_id() );
		$this->assertTrue( wpp_switches_recording_enabled(), 'read at call time, for the site switched to' );
		restore_current_blog();
	}

	public function test_stored_values_read_as_on_and_off(): void {
		foreach ( array( '1' => true, 1 => true, 'on' => true, 'yes' => true, '0' => false, '' => false, 'off' => false, 'no' => false, 'false' => false ) as $value => $on ) {
			$this->assertSame( $on, wpp_switches_option_on( (string) $value ), var_export( $value, true ) );
		}
		$this->assertFalse( wpp_switches_option_on( false ) );
		$this->assertFalse( wpp_switches_option_on( 0 ) );
		$this->assertTrue( wpp_switches_option_on( true ) );
	}
}
