<?php
/**
 * Child process of BackendTest: defines PRESENCE_BACKEND as its first argument says (unless it
 * is "-"), loads WordPress with the plugin, and prints a JSON report of the backend chosen, the
 * Site Health result and the admin notice an administrator gets on the dashboard.
 *
 * @package Presence
 */

// phpcs:disable
if ( '-' !== ( $argv[1] ?? '-' ) ) {
	define( 'PRESENCE_BACKEND', $argv[1] );
}
require __DIR__ . '/load-wordpress-with-plugin.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
require_once ABSPATH . 'wp-admin/includes/screen.php';

$admins = get_users( array( 'role' => 'administrator', 'number' => 1, 'fields' => 'ID' ) );
wp_set_current_user( (int) ( $admins[0] ?? 1 ) );
$GLOBALS['current_screen'] = WP_Screen::get( 'dashboard' );
ob_start();
wpp_notices_print();
$notice = (string) ob_get_clean();
$health = wpp_site_health_backend_test();

echo json_encode(
	array(
		'setting' => wpp_backend_setting(),
		'backend' => wpp_backend()->name(),
		'status'  => $health['status'],
		'label'   => $health['label'],
		'notice'  => wp_strip_all_tags( $notice ),
	)
);
