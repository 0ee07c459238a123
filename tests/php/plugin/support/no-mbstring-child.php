<?php
/**
 * Child process of PingTest, run on a PHP without the mbstring extension (WordPress does not
 * require it): reads a `presence-ping` with a title the way the heartbeat handler does, and
 * prints whether mbstring was loaded and the title kept, as JSON.
 *
 * @package Presence
 */

// phpcs:disable
$_SERVER['HTTP_HOST']   = getenv( 'PRESENCE_TEST_HOST' ) ?: 'localhost';
$_SERVER['REQUEST_URI'] = '/';
$GLOBALS['wp_filter']['muplugins_loaded'][10][] = array(
	'function'      => static function () {
		require_once dirname( __DIR__, 4 ) . '/plugin/presence.php';
	},
	'accepted_args' => 0,
);
require rtrim( getenv( 'PRESENCE_TEST_DOCROOT' ), '/' ) . '/wp-load.php';

$ping = wpp_heartbeat_read_ping(
	array( 'presence-ping' => array( 'screen' => 'post', 'title' => '<b>Déjà</b> vu ' . str_repeat( '€', 400 ) . "\xff" ) ),
	''
);
echo json_encode( array( extension_loaded( 'mbstring' ), $ping['title'] ) );
