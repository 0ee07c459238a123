<?php
/**
 * Child process of BudgetFullStoreTest: the site's WordPress with the plugin, its native backend
 * on a private shared-memory segment of the smallest size (the parent's `-d` settings). One user
 * writes REST entries and another marks a screen stale (low-priority writes), the segment is then
 * filled with other users' heartbeat entries, and the same users try again before a new user's
 * heartbeat arrives. Prints what each write got and what the segment evicted, as JSON. Its
 * database writes (the users) are rolled back.
 *
 * @package Presence
 */

// phpcs:disable
require __DIR__ . '/load-wordpress-with-plugin.php';

global $wpdb;
$wpdb->query( 'START TRANSACTION' );
add_filter( 'wp_hash_password_options', static fn( $options ) => array( 'cost' => 4 ) + (array) $options );

$user = static function ( string $role ): WP_User {
	$login = 'wpp_full_' . $role . '_' . wp_generate_password( 6, false );
	return get_user_by( 'id', wp_insert_user( array( 'user_login' => $login, 'user_pass' => wp_generate_password(), 'user_email' => "$login@example.org", 'role' => $role ) ) );
};
$dispatch = static function ( string $route, array $body ): WP_REST_Response {
	$request = new WP_REST_Request( 'POST', '/wp-presence/v1' . $route );
	$request->set_header( 'Content-Type', 'application/json' );
	$request->set_body( wp_json_encode( $body ) );
	return rest_get_server()->dispatch( $request );
};
$answer = static fn( WP_REST_Response $r ) => array(
	'status'      => $r->get_status(),
	'code'        => $r->get_data()['code'] ?? null,
	'retry_after' => $r->get_headers()['Retry-After'] ?? null,
);
$lru     = static fn() => (int) presence_stats()['evictions']['lru'];
$backend = wpp_backend();
$result  = array( 'store' => $backend instanceof WPP_Native_Backend ? ( presence_stats()['backend'] ?? '' ) : get_class( $backend ) );

// Low-priority writes while there is room.
$writer = $user( 'editor' );
wp_set_current_user( $writer->ID );
foreach ( array( 't1', 't2', 't3' ) as $tab ) {
	$result['rest_with_room'][] = $dispatch( '/presence', array( 'room' => 'integration/doc', 'client_id' => $tab ) )->get_status();
}
$marker = $user( 'contributor' );
wp_set_current_user( $marker->ID );
$result['mark_with_room'] = $dispatch( '/screens/stale', array( 'key' => 'plugin/screen', 'token' => wpp_stale_screen_token( 'plugin/screen' ) ) )->get_status();

// Other people's heartbeats fill the segment.
$filled = 0;
while ( presence_stats()['live_entries'] < presence_stats()['capacity'] ) {
	$id = 100000 + $filled++;
	$backend->set( WPP_ADMIN_ROOM, "user-$id", array( 'screen' => 'dashboard' ), $id, 3600 );
}
$result['filled']      = $filled;
$result['lru_at_full'] = $lru();

// The same users again: refused, and nobody evicted for them.
wp_set_current_user( $writer->ID );
$result['rest_when_full']    = $answer( $dispatch( '/presence', array( 'room' => 'integration/doc', 'client_id' => 't4' ) ) );
$result['refresh_when_full'] = $dispatch( '/presence', array( 'room' => 'integration/doc', 'client_id' => 't1' ) )->get_status();
wp_set_current_user( $marker->ID );
$result['mark_when_full']     = $answer( $dispatch( '/screens/stale', array( 'key' => 'plugin/other', 'token' => wpp_stale_screen_token( 'plugin/other' ) ) ) );
$result['lru_after_refusals'] = $lru();

// A post lock taken while the store is full: refused there, it goes to post meta and still holds.
require_once ABSPATH . 'wp-admin/includes/post.php';
wp_set_current_user( $writer->ID );
$locked = wp_insert_post( array( 'post_title' => 'Locked while full', 'post_status' => 'draft', 'post_author' => $writer->ID ) );
wp_set_post_lock( $locked );
$result['lock_when_full'] = array(
	'lru'     => $lru(),
	'in_meta' => (string) $wpdb->get_var( $wpdb->prepare( "SELECT meta_value FROM $wpdb->postmeta WHERE post_id = %d AND meta_key = '_edit_lock'", $locked ) ),
	'writer'  => $writer->ID,
);
wp_set_current_user( $marker->ID );
$result['lock_when_full']['holder'] = (int) wp_check_post_lock( $locked );

// A real user's heartbeat still gets in: the oldest low-priority entry makes room.
$newcomer = $user( 'editor' );
wp_set_current_user( $newcomer->ID );
$result['heartbeat_when_full'] = wpp_write_online( $newcomer, 'dashboard' );
$result['lru_after_heartbeat'] = $lru();
$result['newcomer_online']     = null !== wpp_entries_find( WPP_ADMIN_ROOM, wpp_client_ids_user( $newcomer->ID ) );
$result['online_entries']      = $backend->count_room( WPP_ADMIN_ROOM, 3600 );
$result['low_priority_left']   = array_merge(
	array_column( $backend->get_room( 'integration/doc', 3600 ), 'client_id' ),
	array_map( static fn( $e ) => $e['room'], $backend->get_room( wpp_stale_screen_room( 'plugin/screen' ), DAY_IN_SECONDS ) ),
	array_map( static fn( $e ) => $e['room'], $backend->get_room( WPP_BUDGET_ROOM_PREFIX . $marker->ID, DAY_IN_SECONDS ) )
);

$wpdb->query( 'ROLLBACK' );
echo "\n" . json_encode( $result ) . "\n";
