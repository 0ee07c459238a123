<?php
/**
 * What the surfaces' and the live lane's browser tests need beyond the demo site, so they never
 * touch what the other browser tests use: editors "editor3" to "editor7", a second administrator
 * ("admin2"; each password is the login), a draft "Surfaces test post" by the administrator (its
 * title put back when a previous run's block-editor save changed it), a draft "Live test post",
 * and a synced pattern "Live test pattern" with a draft "Pattern test post" that uses it.
 * Idempotent. Prints JSON: the users' ids and the posts' ids.
 *
 * Usage: php fixtures.php DOCROOT HOST      (HOST = 127.0.0.1:PORT, as in the site's URL)
 *
 * @package Presence
 */

// phpcs:disable
if ( $argc !== 3 ) {
	fwrite( STDERR, "usage: php fixtures.php DOCROOT HOST\n" );
	exit( 2 );
}
$_SERVER['HTTP_HOST']   = $argv[2];
$_SERVER['SERVER_NAME'] = $argv[2];
$_SERVER['REQUEST_URI'] = '/';
require rtrim( $argv[1], '/' ) . '/wp-load.php';

$out = array();
foreach ( array(
	'editor3' => array( 'editor', 'Editor Three' ),
	'editor4' => array( 'editor', 'Editor Four' ),
	'admin2'  => array( 'administrator', 'Admin Two' ),
	'editor5' => array( 'editor', 'Editor Five' ),
	'editor6' => array( 'editor', 'Editor Six' ),
	'editor7' => array( 'editor', 'Editor Seven' ),
) as $login => list( $role, $name ) ) {
	$user = get_user_by( 'login', $login );
	if ( ! $user ) {
		$id = wp_insert_user( array( 'user_login' => $login, 'user_pass' => $login, 'user_email' => $login . '@example.com', 'role' => $role, 'display_name' => $name ) );
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, "$login: " . $id->get_error_message() . "\n" );
			exit( 1 );
		}
		$user = get_user_by( 'id', $id );
	}
	$out[ $login ] = $user->ID;
}

$post_id = (int) $wpdb->get_var( $wpdb->prepare( "SELECT ID FROM {$wpdb->posts} WHERE post_name = %s AND post_type = 'post' LIMIT 1", 'surfaces-test-post' ) );
if ( ! $post_id ) {
	$admin   = get_user_by( 'login', 'admin' );
	$post_id = wp_insert_post(
		array(
			'post_title'   => 'Surfaces test post',
			'post_name'    => 'surfaces-test-post',
			'post_content' => "<!-- wp:paragraph -->\n<p>Opened by the browser tests.</p>\n<!-- /wp:paragraph -->",
			'post_status'  => 'draft',
			'post_author'  => $admin ? $admin->ID : 1,
		),
		true
	);
	if ( is_wp_error( $post_id ) ) {
		fwrite( STDERR, $post_id->get_error_message() . "\n" );
		exit( 1 );
	}
}
if ( 'Surfaces test post' !== get_post_field( 'post_title', $post_id ) ) {
	wp_update_post( array( 'ID' => $post_id, 'post_title' => 'Surfaces test post' ) ); // A previous run saved another.
}
$out['post'] = (int) $post_id;

/**
 * The id of the post of this type and slug, created with these fields when missing.
 */
function wpp_fixture_post( string $type, string $slug, array $fields ): int {
	global $wpdb;
	$id = (int) $wpdb->get_var( $wpdb->prepare( "SELECT ID FROM {$wpdb->posts} WHERE post_name = %s AND post_type = %s LIMIT 1", $slug, $type ) );
	if ( ! $id ) {
		$admin = get_user_by( 'login', 'admin' );
		$id    = wp_insert_post( $fields + array( 'post_type' => $type, 'post_name' => $slug, 'post_author' => $admin ? $admin->ID : 1 ), true );
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, $id->get_error_message() . "\n" );
			exit( 1 );
		}
	}
	return (int) $id;
}

$out['livePost'] = wpp_fixture_post( 'post', 'live-test-post', array( 'post_title' => 'Live test post', 'post_status' => 'draft', 'post_content' => "<!-- wp:paragraph -->\n<p>Opened by the live lane's tests.</p>\n<!-- /wp:paragraph -->" ) );
$out['pattern']  = wpp_fixture_post( 'wp_block', 'live-test-pattern', array( 'post_title' => 'Live test pattern', 'post_status' => 'publish', 'post_content' => "<!-- wp:paragraph -->\n<p>A synced pattern.</p>\n<!-- /wp:paragraph -->" ) );
$out['patternPost'] = wpp_fixture_post( 'post', 'pattern-test-post', array( 'post_title' => 'Pattern test post', 'post_status' => 'draft', 'post_content' => '<!-- wp:block {"ref":' . $out['pattern'] . '} /-->' ) );
echo json_encode( $out ), "\n";
