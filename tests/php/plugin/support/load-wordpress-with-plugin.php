<?php
/**
 * For child processes of the plugin tests: loads the test site's WordPress (PRESENCE_TEST_DOCROOT)
 * with the plugin from this checkout, as a must-use plugin would be loaded.
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
