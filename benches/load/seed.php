<?php
/**
 * Seeds the load site: creates the seeded editors and one post per logged-in load user (once),
 * then puts N users online the way their browsers would: each seeded user's heartbeat data goes
 * through WordPress's own `heartbeat_received` filter as that user, so the plugin writes exactly
 * what a real tick writes, whatever its payload looks like. Users online from an earlier, larger
 * seeding are taken offline through the public API (as at logout).
 *
 * The variant (plugin off, backend) comes from the environment, read by the mu-plugin
 * presence-load.php, so the entries land in the store the variant measures.
 *
 * Usage: php seed.php DOCROOT HOST ONLINE LOAD_LOGIN... -- prints one JSON object:
 *   {"posts": {login: post_id}, "seeded": int, "co_editors": int, "online": int|null}
 */

if ( $argc < 5 ) {
	fwrite( STDERR, "usage: php seed.php DOCROOT HOST ONLINE LOAD_LOGIN...\n" );
	exit( 2 );
}
list( , $presence_docroot, $presence_host, $presence_online ) = $argv;
$presence_load_logins = array_slice( $argv, 4 );

/** Seeded editors: presence-load-0001 … (they never log in, so their password is never used). */
const PRESENCE_LOAD_PREFIX = 'presence-load-';

/** Seeded editors that also have each load user's post open in the editor. */
const PRESENCE_LOAD_CO_EDITORS = 3;

/**
 * Seeded users never log in: one fixed hash instead of a slow password hash per user. Declared
 * before WordPress loads, so core's pluggable version is not.
 */
function wp_hash_password( $password ) {
	return '$P$BpresenceLoadNeverLogsIn000000';
}

$_SERVER['HTTP_HOST']   = $presence_host;
$_SERVER['SERVER_NAME'] = $presence_host;
$_SERVER['REQUEST_URI'] = '/wp-admin/admin-ajax.php';
require $presence_docroot . '/wp-load.php';

/**
 * Ids of the seeded editors 1..$count, creating the missing ones.
 *
 * @return int[]
 */
function presence_load_users( int $count ): array {
	$ids = array();
	for ( $i = 1; $i <= $count; $i++ ) {
		$login = sprintf( '%s%04d', PRESENCE_LOAD_PREFIX, $i );
		$user  = get_user_by( 'login', $login );
		if ( $user ) {
			$ids[] = $user->ID;
			continue;
		}
		$id = wp_insert_user(
			array(
				'user_login'   => $login,
				'user_pass'    => wp_generate_password( 20 ),
				'user_email'   => $login . '@example.com',
				'role'         => 'editor',
				'display_name' => sprintf( 'Load Editor %04d', $i ),
			)
		);
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, "could not create $login: " . $id->get_error_message() . "\n" );
			exit( 1 );
		}
		$ids[] = $id;
	}
	return $ids;
}

/**
 * The post a load user edits in the editor scenario (a draft of their own), created once.
 */
function presence_load_post( string $login ): int {
	$user = get_user_by( 'login', $login );
	if ( ! $user ) {
		fwrite( STDERR, "no user $login on the load site\n" );
		exit( 1 );
	}
	$title = "Load test post of $login";
	$found = get_posts(
		array(
			'post_type'   => 'post',
			'post_status' => 'draft',
			'author'      => $user->ID,
			'title'       => $title,
			'numberposts' => 1,
			'fields'      => 'ids',
		)
	);
	if ( $found ) {
		return (int) $found[0];
	}
	$id = wp_insert_post(
		array(
			'post_title'   => $title,
			'post_content' => 'Edited by the load harness.',
			'post_status'  => 'draft',
			'post_author'  => $user->ID,
		),
		true
	);
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, 'could not create the load post: ' . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	return $id;
}

/**
 * One tick of a browser of $user_id carrying $data, through core's heartbeat filter.
 */
function presence_load_tick( int $user_id, array $data, string $screen_id ): void {
	wp_set_current_user( $user_id );
	apply_filters( 'heartbeat_received', array(), $data, $screen_id );
}

$presence_online = max( 0, (int) $presence_online );
$presence_seeded = max( 0, $presence_online - count( $presence_load_logins ) );
$presence_posts  = array();
foreach ( $presence_load_logins as $presence_login ) {
	$presence_posts[ $presence_login ] = presence_load_post( $presence_login );
}
$presence_users = presence_load_users( $presence_seeded );

// Users online from an earlier seeding of more users go offline first.
$presence_keep = array_flip( $presence_users );
if ( function_exists( 'wp_get_presence' ) ) {
	foreach ( wp_get_presence( wp_presence_admin_room() ) as $presence_entry ) {
		$presence_user = get_userdata( (int) $presence_entry->user_id );
		if ( $presence_user && str_starts_with( $presence_user->user_login, PRESENCE_LOAD_PREFIX ) && ! isset( $presence_keep[ $presence_user->ID ] ) ) {
			wp_remove_user_presence( $presence_user->ID );
		}
	}
}

// The first seeded users have the load users' posts open; everyone else is on the dashboard.
$presence_co_editors = 0;
$presence_post_ids   = array_values( $presence_posts );
foreach ( $presence_users as $presence_i => $presence_user_id ) {
	$presence_post = intdiv( $presence_i, PRESENCE_LOAD_CO_EDITORS );
	if ( $presence_post < count( $presence_post_ids ) ) {
		$presence_post_id = $presence_post_ids[ $presence_post ];
		presence_load_tick(
			$presence_user_id,
			array(
				'presence-ping'        => array( 'screen' => 'post', 'post_id' => $presence_post_id ),
				'presence-editor-ping' => array( 'post_id' => $presence_post_id ),
			),
			'post'
		);
		++$presence_co_editors;
	} else {
		presence_load_tick( $presence_user_id, array( 'presence-ping' => array( 'screen' => 'dashboard' ) ), 'dashboard' );
	}
}
wp_set_current_user( 0 );

echo json_encode(
	array(
		'posts'      => $presence_posts,
		'seeded'     => count( $presence_users ),
		'co_editors' => $presence_co_editors,
		'online'     => function_exists( 'wp_get_presence' ) ? count( wp_get_presence( wp_presence_admin_room() ) ) : null,
	)
), "\n";
