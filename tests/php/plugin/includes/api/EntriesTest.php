<?php
/**
 * Writing entries (plugin/includes/api/entries.php): the owner is checked too, whoever calls. What
 * is stored and read back is tested through the public API and REST (WpFunctionsTest,
 * RestControllerTest).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_entries_set
 * @covers ::wpp_entries_leave
 * @covers ::wpp_validate_unless_written_after
 */
class EntriesTest extends WPP_TestCase {

	public function test_user_id_must_not_be_negative(): void {
		$this->assertSame( 'wpp_invalid_user_id', wpp_entries_set( 'r', 'c', array(), -1 )->get_error_code() );
	}

	/**
	 * A time that is not a Unix time of 0 or later is refused before the store is asked, and the
	 * entry stays; a numeric string is a time.
	 */
	public function test_a_leave_refuses_a_bad_unless_written_after_and_keeps_the_entry(): void {
		$this->assertTrue( wpp_entries_set( 'r', 'c', array( 'a' => 1 ) ) );
		foreach ( array( NAN, INF, -1.0, 'soon', array() ) as $bad ) {
			$left = wpp_entries_leave( 'r', 'c', array( 'unless_written_after' => $bad ) );
			$this->assertInstanceOf( WP_Error::class, $left );
			$this->assertSame( 'presence_invalid_unless_written_after', $left->get_error_code() );
			$this->assertSame( 400, $left->get_error_data()['status'] );
		}
		$this->assertNotNull( wpp_backend()->entry( 'r', 'c' ) );
		// Written after time 1: it stays.
		$this->assertFalse( wpp_entries_leave( 'r', 'c', array( 'unless_written_after' => '1' ) )['removed'] );
		$this->assertTrue( wpp_entries_leave( 'r', 'c' )['removed'] );
	}
}
