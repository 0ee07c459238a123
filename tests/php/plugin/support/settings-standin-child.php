<?php
/**
 * Child process of SettingsTest: the feature plugin's stand-in and Presence both loaded, an
 * administrator in wp-admin; reports which of Presence's switch screens appear (none should:
 * the feature plugin serves the same options with its own). Prints a JSON report.
 *
 * @package Presence
 */

// phpcs:disable

$_SERVER['HTTP_HOST']   = getenv( 'PRESENCE_TEST_HOST' ) ?: 'localhost';
$_SERVER['REQUEST_URI'] = '/wp-admin/';
$GLOBALS['wp_filter']['muplugins_loaded'][10][] = array(
	'function'      => static function () {
		require __DIR__ . '/presence-api-standin/presence-api.php';
		require dirname( __DIR__, 4 ) . '/plugin/presence.php';
	},
	'accepted_args' => 0,
);
require rtrim( getenv( 'PRESENCE_TEST_DOCROOT' ), '/' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/template.php';

$admin = get_users( array( 'role' => 'administrator', 'number' => 1 ) )[0];
wp_set_current_user( $admin->ID );
if ( is_multisite() ) {
	grant_super_admin( $admin->ID );
}

wpp_settings_register();
wpp_settings_add_page();
wpp_network_settings_add_page();
ob_start();
wpp_network_settings_render_recording();
$network_section = (string) ob_get_clean();

echo wp_json_encode(
	array(
		'feature_plugin_active' => wpp_feature_plugin_active(),
		'registered'            => array_values( array_intersect( array( 'wp_presence_recording', 'wp_presence_features' ), array_keys( get_registered_settings() ) ) ),
		'general_field'         => isset( $GLOBALS['wp_settings_fields']['general']['default']['wp_presence_recording'] ),
		'page'                  => in_array( 'presence-api', array_merge( array_column( $GLOBALS['submenu']['options-general.php'] ?? array(), 2 ), array_column( $GLOBALS['submenu']['settings.php'] ?? array(), 2 ) ), true ),
		'network_section'       => $network_section,
	)
) . "\n";
