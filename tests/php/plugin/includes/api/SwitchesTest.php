<?php
/**
 * The recording switch and the feature switches (plugin/includes/api/switches.php): the feature
 * plugin's options, either off wins, the filters have the last word, read at call time.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_switches_recording_enabled
 * @covers ::wpp_switches_feature_enabled
 */
class SwitchesTest extends WPP_TestCase {

	public function test_features_are_on_unless_switched_off(): void {
		delete_option( 'wp_presence_features' );
		foreach ( WPP_SWITCHES_FEATURES as $feature ) {
			$this->assertTrue( wpp_switches_feature_enabled( $feature ), "$feature: on when never set" );
		}
		$this->assertTrue( wpp_switches_feature_enabled( 'wpp-something-new' ), 'a feature the option does not name' );
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
