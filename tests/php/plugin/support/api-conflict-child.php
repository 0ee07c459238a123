<?php
/**
 * Child process of PublicApiTest: another plugin declares wp_get_presence() (without a
 * function_exists() guard), loaded before or after Presence (argument `early` or `late`). Prints
 * a JSON report.
 *
 * @package Presence
 */

// phpcs:disable

// `early`: the other plugin's file is loaded before Presence; `late`: after it, as a plugin whose
// directory sorts after presence/ would be (still before plugins_loaded).
$other_plugin_loads = ( $argv[1] ?? 'early' );
$declare_other      = static function () {
	require __DIR__ . '/api-other-plugin.php';
};
if ( 'early' === $other_plugin_loads ) {
	$declare_other();
}

$_SERVER['HTTP_HOST']   = getenv( 'PRESENCE_TEST_HOST' ) ?: 'localhost';
$_SERVER['REQUEST_URI'] = '/wp-admin/';
$GLOBALS['wp_filter']['muplugins_loaded'][10][] = array(
	'function'      => static function () use ( $other_plugin_loads, $declare_other ) {
		require dirname( __DIR__, 4 ) . '/plugin/presence.php';
		if ( 'late' === $other_plugin_loads ) {
			$declare_other();
		}
	},
	'accepted_args' => 0,
);
require rtrim( getenv( 'PRESENCE_TEST_DOCROOT' ), '/' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/screen.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';

$admins = get_users( array( 'role' => 'administrator', 'number' => 1, 'fields' => 'ID' ) );
wp_set_current_user( (int) ( $admins[0] ?? 1 ) );
$GLOBALS['current_screen'] = WP_Screen::get( 'dashboard' ); // Without firing current_screen: nothing may write.
ob_start();
wpp_notices_print();
$notice = ob_get_clean();

// Nothing is written: only validation and a read of an empty room.
$internals = is_wp_error( wpp_entries_set( '', 'c', array() ) ) && array() === wpp_entries_get( 'wpp-conflict-test-room' );

echo wp_json_encode(
	array(
		'conflicts'              => wpp_public_api_conflicts(),
		'wp_get_presence'        => wp_get_presence( 'r' ),
		'wp_set_presence_exists' => function_exists( 'wp_set_presence' ),
		'internals_work'         => $internals,
		'notice'                 => wp_strip_all_tags( $notice ),
	)
);
