<?php
/**
 * Child process of PingTest, run on a PHP without the mbstring extension (WordPress does not
 * require it): reads a `presence-ping` with a title the way the heartbeat handler does, and
 * prints whether mbstring was loaded and the title kept, as JSON.
 *
 * @package Presence
 */

// phpcs:disable
require __DIR__ . '/load-wordpress-with-plugin.php';

$ping = wpp_heartbeat_read_ping(
	array( 'presence-ping' => array( 'screen' => 'post', 'title' => '<b>Déjà</b> vu ' . str_repeat( '€', 400 ) . "\xff" ) ),
	''
);
echo json_encode( array( extension_loaded( 'mbstring' ), $ping['title'] ) );
