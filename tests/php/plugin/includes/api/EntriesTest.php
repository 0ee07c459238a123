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
 */
class EntriesTest extends WPP_TestCase {

	public function test_user_id_must_not_be_negative(): void {
		$this->assertSame( 'wpp_invalid_user_id', wpp_entries_set( 'r', 'c', array(), -1 )->get_error_code() );
	}
}
