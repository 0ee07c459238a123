<?php
/**
 * Child process of FeaturePluginSwitchTest: one step of a site switching from the Presence API
 * feature plugin (its stand-in, presence-api-standin/) to Presence. Prints a JSON report.
 *
 *   standin                only the feature plugin: creates its table, writes entries
 *   both | both-ours-first both active, loaded in either order: activates Presence, then
 *                          deactivates the feature plugin (its last entry follows)
 *   ours                   only Presence (the feature plugin deactivated)
 *
 * @package Presence
 */

// phpcs:disable

$step    = $argv[1] ?? 'standin';
$standin = __DIR__ . '/presence-api-standin/presence-api.php';
$ours    = dirname( __DIR__, 4 ) . '/plugin/presence.php';
$load    = array(
	'standin'         => array( $standin ),
	'both'            => array( $standin, $ours ),
	'both-ours-first' => array( $ours, $standin ),
	'ours'            => array( $ours ),
)[ $step ];

$_SERVER['HTTP_HOST']   = getenv( 'PRESENCE_TEST_HOST' ) ?: 'localhost';
$_SERVER['REQUEST_URI'] = '/wp-admin/';
$GLOBALS['wp_filter']['muplugins_loaded'][10][] = array(
	'function'      => static function () use ( $load, $ours ) {
		foreach ( $load as $file ) {
			if ( $file === $ours && is_file( WP_PLUGIN_DIR . '/presence/presence.php' ) ) {
				wp_register_plugin_realpath( WP_PLUGIN_DIR . '/presence/presence.php' );
			}
			require $file;
		}
	},
	'accepted_args' => 0,
);
require rtrim( getenv( 'PRESENCE_TEST_DOCROOT' ), '/' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/screen.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';

/** SHOW CREATE TABLE of the feature plugin's table. */
function wpp_child_definition(): string {
	$row = $GLOBALS['wpdb']->get_row( 'SHOW CREATE TABLE ' . $GLOBALS['wpdb']->prefix . 'presence', ARRAY_N );
	return is_array( $row ) ? (string) $row[1] : '';
}

/** Which file declared a function. */
function wpp_child_declared_in( string $function ): string {
	return function_exists( $function ) ? basename( dirname( ( new ReflectionFunction( $function ) )->getFileName() ) ) : '';
}

$editor = get_user_by( 'login', 'wpp_switch_editor' );
$report = array();

if ( 'standin' === $step ) {
	if ( ! $editor ) {
		$editor = get_user_by( 'id', wp_insert_user( array( 'user_login' => 'wpp_switch_editor', 'user_pass' => wp_generate_password(), 'user_email' => 'wpp_switch_editor@example.org', 'display_name' => 'Switch Editor', 'role' => 'editor' ) ) );
	}
	$post = wp_insert_post( array( 'post_title' => 'Switch test', 'post_status' => 'draft', 'post_author' => $editor->ID ) );
	update_option( 'wpp_switch_test_post', $post );
	wp_presence_standin_install();
	wp_set_presence( 'admin/online', 'user-' . $editor->ID, array( 'screen' => 'edit-post', 'title' => 'Posts' ), $editor->ID );
	wp_set_presence( 'postType/post:' . $post, 'editor-' . $editor->ID, array( 'locked' => true ), $editor->ID );
	wp_set_presence( 'admin/online', 'tab-x', array( 'a' => 1 ), $editor->ID );
	wp_set_presence( 'admin/online', '_bookkeeping', array( 'rev' => 3 ), 0 );
	$GLOBALS['wpdb']->insert( $GLOBALS['wpdb']->presence, array( 'room' => 'admin/online', 'client_id' => 'expired', 'user_id' => $editor->ID, 'data' => '{}', 'date_gmt' => gmdate( 'Y-m-d H:i:s', time() - 400 ), 'expires_gmt' => gmdate( 'Y-m-d H:i:s', time() - 250 ) ) );
	$report = array( 'editor' => $editor->ID, 'post' => $post, 'their_entries' => count( wp_get_presence( 'admin/online' ) ) );
} elseif ( 'ours' === $step ) {
	wp_set_current_user( $editor->ID );
	$get  = new WP_REST_Request( 'GET', '/wp-presence/v1/presence' );
	$get->set_query_params( array( 'room' => 'admin/online' ) );
	$items  = rest_do_request( $get );
	$report = array(
		'api_from'    => wpp_child_declared_in( 'wp_get_presence' ),
		'online'      => array_column( array_map( 'get_object_vars', wp_get_presence( 'admin/online' ) ), 'client_id' ),
		'rest_status' => $items->get_status(),
		'rest_items'  => array_column( (array) $items->get_data(), 'client_id' ),
		'rooms'       => array_column( (array) rest_do_request( new WP_REST_Request( 'GET', '/wp-presence/v1/presence/rooms' ) )->get_data(), 'room' ),
	);
} else {
	$before = wpp_child_definition();
	do_action( 'activate_' . plugin_basename( WPP_FILE ), false );
	$post = (int) get_option( 'wpp_switch_test_post' );

	$routes    = rest_get_server()->get_routes( 'wp-presence/v1' );
	$callbacks = array();
	// The screen-revisions route too: while the feature plugin is active, it is left to it.
	foreach ( array( '/wp-presence/v1/presence', '/wp-presence/v1/presence/rooms', '/wp-presence/v1/presence/screen-revisions/stale' ) as $route ) {
		foreach ( $routes[ $route ] ?? array() as $endpoint ) {
			$callbacks[ $route ][] = is_array( $endpoint['callback'] ) ? get_class( $endpoint['callback'][0] ) : (string) $endpoint['callback'];
		}
	}

	$admins = get_users( array( 'role' => 'administrator', 'number' => 1, 'fields' => 'ID' ) );
	wp_set_current_user( (int) $admins[0] );
	$GLOBALS['current_screen'] = WP_Screen::get( 'dashboard' );
	ob_start();
	do_action( 'admin_notices' );
	$notices = ob_get_clean();

	$store  = static fn( string $room ) => array_column( wpp_backend()->get_room( $room, 150 ), null, 'client_id' );
	$online = $store( 'admin/online' );
	$report = array(
		'api_from'        => wpp_child_declared_in( 'wp_get_presence' ),
		'routes'          => $callbacks,
		'switch_notices'  => substr_count( $notices, 'are both active' ),
		'conflict_notice' => str_contains( $notices, 'another plugin already defines' ),
		'notice'          => wp_strip_all_tags( $notices ),
		'table_unchanged' => $before === wpp_child_definition() && '' !== $before,
		'online'          => array_keys( $online ),
		'online_user'     => $online[ 'user-' . $editor->ID ]['data'] ?? null,
		'post_room'       => array_keys( $store( 'postType/post:' . $post ) ),
		'their_online'    => count( wp_get_presence( 'admin/online' ) ),
	);

	// Written through the feature plugin after Presence was activated; follows it when it goes.
	wp_set_presence( 'admin/online', 'tab-late', array(), $editor->ID );
	do_action( 'deactivated_plugin', 'presence-api/presence-api.php', false );
	$report['after_deactivation'] = array_keys( $store( 'admin/online' ) );
	$report['table_kept']         = '' !== wpp_child_definition();
}

echo wp_json_encode( $report );
