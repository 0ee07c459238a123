<?php
/**
 * Child process of NativeBackendTest: the extension is loaded with a segment it cannot attach.
 * Prints a JSON report of what the plugin's API gives and what was printed meanwhile.
 *
 * @package Presence
 */

// phpcs:disable
require __DIR__ . '/load-wordpress-with-plugin.php';
ini_set( 'display_errors', '1' ); // As a misconfigured site would: any warning would be printed.

ob_start();
$set   = wpp_entries_set( 'admin/online', 'c', array( 'a' => 1 ), 1 );
$room  = wpp_backend()->get_room( 'admin/online', 150 );
$count = wpp_backend()->count_room( 'admin/online', 150 );
wpp_backend()->rooms( 150 );
wpp_backend()->remove_user( 1 );
$health  = wpp_site_health_backend_test();
$printed = ob_get_clean();

echo json_encode(
	array(
		'backend' => wpp_backend()->name(),
		'set'     => ! is_wp_error( $set ),
		'error'   => is_wp_error( $set ) ? $set->get_error_message() : '',
		'room'    => $room,
		'count'   => $count,
		'printed' => $printed,
		'health'  => $health['status'],
	)
);
