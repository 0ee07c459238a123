<?php
/**
 * Activates one plugin of the site (a no-op when it is active). Run by tools/site/site.sh `up`.
 *
 * Usage: php activate-plugin.php DOCROOT HOST PLUGIN_FILE   (e.g. presence/presence.php)
 */

if ( $argc !== 4 ) {
	fwrite( STDERR, "usage: php activate-plugin.php DOCROOT HOST PLUGIN_FILE\n" );
	exit( 2 );
}
// Globals of this script are prefixed: wp-settings.php runs in global scope and reuses $plugin.
list( , $presence_docroot, $presence_host, $presence_plugin ) = $argv;

$_SERVER['HTTP_HOST']   = $presence_host;
$_SERVER['SERVER_NAME'] = $presence_host;
$_SERVER['REQUEST_URI'] = '/wp-admin/plugins.php';
require $presence_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

// Activate as the site's administrator, as a person would.
$presence_admin = get_user_by( 'login', 'admin' );
if ( $presence_admin ) {
	wp_set_current_user( $presence_admin->ID );
}

// On a multisite network the plugin is activated for the whole network.
$presence_network = is_multisite();
if ( $presence_network ? is_plugin_active_for_network( $presence_plugin ) : is_plugin_active( $presence_plugin ) ) {
	echo "$presence_plugin is active\n";
	exit( 0 );
}
$presence_result = activate_plugin( $presence_plugin, '', $presence_network );
if ( is_wp_error( $presence_result ) ) {
	fwrite( STDERR, "activating $presence_plugin failed: " . $presence_result->get_error_message() . "\n" );
	exit( 1 );
}
echo "activated $presence_plugin\n";
