<?php
/**
 * What the Network Admin browser test needs on the network "e2ems": two more sites, "Newsroom"
 * (/newsroom/) and "Shop" (/shop/), whose addresses carry the site's port like the main site's;
 * two editors of Newsroom ("reporter1", "reporter2") and one of Shop ("merchant1"), each password
 * the login. The network's "admin" is its super admin. Idempotent.
 * Prints JSON: the sites' and users' ids.
 *
 * Usage: php network-fixtures.php DOCROOT HOST      (HOST = 127.0.0.1:PORT, as in the site's URL)
 *
 * @package Presence
 */

// phpcs:disable
if ( $argc !== 3 ) {
	fwrite( STDERR, "usage: php network-fixtures.php DOCROOT HOST\n" );
	exit( 2 );
}
// A network's sites are found by the host PHP sees behind nginx: without the port.
$_SERVER['HTTP_HOST']   = preg_replace( '/:\d+$/', '', $argv[2] );
$_SERVER['SERVER_NAME'] = $_SERVER['HTTP_HOST'];
$_SERVER['REQUEST_URI'] = '/';
require rtrim( $argv[1], '/' ) . '/wp-load.php';

if ( ! is_multisite() ) {
	fwrite( STDERR, "network-fixtures: {$argv[1]} is not a network\n" );
	exit( 1 );
}
$network = get_network();
$out     = array( 'sites' => array(), 'users' => array() );
foreach ( array( 'newsroom' => 'Newsroom', 'shop' => 'Shop' ) as $slug => $title ) {
	$path = $network->path . $slug . '/';
	$site = get_site_by_path( $network->domain, $path );
	if ( ! $site || $site->path !== $path ) {
		$id = wp_insert_site( array( 'domain' => $network->domain, 'path' => $path, 'title' => $title, 'network_id' => $network->id ) );
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, "$slug: " . $id->get_error_message() . "\n" );
			exit( 1 );
		}
		$site = get_site( $id );
	}
	$url = 'http://' . $argv[2] . $path;
	update_blog_option( $site->blog_id, 'home', untrailingslashit( $url ) );
	update_blog_option( $site->blog_id, 'siteurl', untrailingslashit( $url ) );
	$out['sites'][ $slug ] = (int) $site->blog_id;
}

foreach ( array(
	'reporter1' => array( 'newsroom', 'Reporter One' ),
	'reporter2' => array( 'newsroom', 'Reporter Two' ),
	'merchant1' => array( 'shop', 'Merchant One' ),
) as $login => list( $slug, $name ) ) {
	$user = get_user_by( 'login', $login );
	if ( ! $user ) {
		$id = wpmu_create_user( $login, $login, $login . '@example.com' );
		if ( ! $id ) {
			fwrite( STDERR, "$login: could not be created\n" );
			exit( 1 );
		}
		list( $first, $last ) = explode( ' ', $name );
		wp_update_user( array( 'ID' => $id, 'display_name' => $name, 'first_name' => $first, 'last_name' => $last ) );
		$user = get_user_by( 'id', $id );
	}
	add_user_to_blog( $out['sites'][ $slug ], $user->ID, 'editor' );
	$out['users'][ $login ] = (int) $user->ID;
}
echo json_encode( $out ), "\n";
