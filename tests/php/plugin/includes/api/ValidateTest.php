<?php
/**
 * Validation of names and states (plugin/includes/api/validate.php).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_validate_name
 * @covers ::wpp_validate_state
 * @covers ::wpp_validate_array_depth
 */
class ValidateTest extends WPP_TestCase {

	public function test_validation_errors_are_wp_errors_with_status_400(): void {
		foreach ( array( wpp_validate_name( '', 'room' ), wpp_validate_name( 'c' . "\x7f", 'client_id' ), wpp_validate_state( 'x' ) ) as $error ) {
			$this->assertInstanceOf( WP_Error::class, $error );
			$this->assertSame( 400, $error->get_error_data()['status'] );
		}
		$this->assertSame( 'wpp_invalid_client_id', wpp_validate_name( '', 'client_id' )->get_error_code() );
		$this->assertSame( 'wpp_data_too_large', wpp_validate_state( array( str_repeat( 'x', WPP_MAX_STATE_BYTES ) ) )->get_error_code() );
	}

	public function test_names_may_not_end_in_a_space(): void {
		// MySQL would take `a ` for `a` (PAD SPACE): refused on every backend alike.
		$this->assertSame( 'wpp_invalid_room', wpp_validate_name( 'admin/online ', 'room' )->get_error_code() );
		$this->assertSame( 'wpp_invalid_client_id', wpp_validate_name( 'user-1 ', 'client_id' )->get_error_code() );
		$this->assertTrue( wpp_validate_name( 'a b', 'room' ) );
		$this->assertTrue( wpp_validate_name( ' a', 'client_id' ) );
		$this->assertInstanceOf( WP_Error::class, wpp_validate_name( ' ', 'room' ) );
	}

	public function test_depth_counting_stops_early_on_deep_input(): void {
		$deep = array();
		for ( $i = 0; $i < 10000; $i++ ) {
			$deep = array( $deep );
		}
		$this->assertSame( 4, wpp_validate_array_depth( $deep, 4 ) );
		$this->assertInstanceOf( WP_Error::class, wpp_validate_state( $deep ) );
		$this->assertSame( 1, wpp_validate_array_depth( array(), 4 ) );
		$this->assertSame( 3, wpp_validate_array_depth( array( 1, array( array( 2 ) ) ), 4 ) );
	}
}
