<?php
/**
 * Plugin Name: Presence API (test stand-in)
 *
 * A stand-in for the Presence API feature plugin, written for these tests because that plugin
 * cannot be downloaded here. It is not that plugin's code: it only reproduces what the feature
 * plugin shows from outside, which is what coexistence and the switch depend on:
 * - the table `{prefix}presence` with its columns (room, client_id, user_id, data, date_gmt,
 *   expires_gmt) and `$wpdb->presence`,
 * - the wp_*_presence() functions, declared without function_exists() guards when the file is
 *   included,
 * - the REST routes `wp-presence/v1/presence` and `/presence/rooms`, registered on rest_api_init
 *   by wp_presence_register_rest_routes() through a WP_REST_Presence_Controller,
 * - its heartbeat entries: `user-{id}` in admin/online, `editor-{id}` in a post's room.
 *
 * @package Presence
 */

// phpcs:disable

define( 'WP_PRESENCE_VERSION', 'test-stand-in' );
if ( ! defined( 'WP_PRESENCE_DEFAULT_TTL' ) ) {
	define( 'WP_PRESENCE_DEFAULT_TTL', 150 );
}
$GLOBALS['wpdb']->presence = $GLOBALS['wpdb']->prefix . 'presence';

/** Creates its table (what its activation does). */
function wp_presence_standin_install() {
	global $wpdb;
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	dbDelta(
		"CREATE TABLE {$wpdb->presence} (
  id bigint(20) unsigned NOT NULL auto_increment,
  room varchar(191) NOT NULL default '',
  client_id varchar(191) NOT NULL default '',
  user_id bigint(20) unsigned NOT NULL default '0',
  data longtext NOT NULL,
  date_gmt datetime NOT NULL default '0000-00-00 00:00:00',
  expires_gmt datetime NOT NULL default '0000-00-00 00:00:00',
  PRIMARY KEY  (id),
  UNIQUE KEY room_client (room,client_id),
  KEY user_id (user_id)
) " . $wpdb->get_charset_collate() . ';'
	);
	update_option( 'wp_presence_db_version', 'test-stand-in' );
}

function wp_get_presence( $room, $timeout = null ) {
	global $wpdb;
	$rows = $wpdb->get_results( $wpdb->prepare( "SELECT room, client_id, user_id, data, date_gmt FROM {$wpdb->presence} WHERE room = %s AND expires_gmt > %s AND client_id NOT LIKE '\_%%' ORDER BY date_gmt DESC", $room, gmdate( 'Y-m-d H:i:s' ) ) );
	foreach ( $rows as $row ) {
		$row->data = json_decode( $row->data, true );
	}
	return $rows;
}

function wp_set_presence( $room, $client_id, $state, $user_id = 0 ) {
	global $wpdb;
	return false !== $wpdb->query(
		$wpdb->prepare(
			"INSERT INTO {$wpdb->presence} (room, client_id, user_id, data, date_gmt, expires_gmt) VALUES (%s, %s, %d, %s, %s, %s)
			ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), data = VALUES(data), date_gmt = VALUES(date_gmt), expires_gmt = VALUES(expires_gmt)",
			$room,
			$client_id,
			$user_id,
			wp_json_encode( $state ),
			gmdate( 'Y-m-d H:i:s' ),
			gmdate( 'Y-m-d H:i:s', time() + WP_PRESENCE_DEFAULT_TTL )
		)
	);
}

function wp_remove_presence( $room, $client_id ) {
	global $wpdb;
	return false !== $wpdb->delete( $wpdb->presence, array( 'room' => $room, 'client_id' => $client_id ) );
}

function wp_remove_user_presence( $user_id ) {
	global $wpdb;
	return false !== $wpdb->delete( $wpdb->presence, array( 'user_id' => $user_id ) );
}

function wp_can_access_presence_room( $room, $user_id = 0 ) {
	$user_id = $user_id ? $user_id : get_current_user_id();
	return $user_id && user_can( $user_id, 'edit_posts' );
}

function wp_presence_post_room( $post ) {
	$post = get_post( $post );
	return $post ? 'postType/' . $post->post_type . ':' . $post->ID : false;
}

function wp_presence_admin_room() {
	return 'admin/online';
}

class WP_REST_Presence_Controller extends WP_REST_Controller {
	public function __construct() {
		$this->namespace = 'wp-presence/v1';
		$this->rest_base = 'presence';
	}

	public function register_routes() {
		$room = array( 'type' => 'string', 'required' => true );
		register_rest_route(
			$this->namespace,
			'/presence',
			array(
				array( 'methods' => 'GET', 'callback' => array( $this, 'get_items' ), 'permission_callback' => '__return_true', 'args' => array( 'room' => $room ) ),
				array( 'methods' => 'DELETE', 'callback' => array( $this, 'get_items' ), 'permission_callback' => '__return_true' ),
			)
		);
		register_rest_route( $this->namespace, '/presence/rooms', array( 'methods' => 'GET', 'callback' => array( $this, 'get_items' ), 'permission_callback' => '__return_true' ) );
	}

	public function get_items( $request ) {
		return rest_ensure_response( array( 'served_by' => 'stand-in' ) );
	}
}

function wp_presence_register_rest_routes() {
	( new WP_REST_Presence_Controller() )->register_routes();
}
add_action( 'rest_api_init', 'wp_presence_register_rest_routes' );
