<?php
/**
 * Installs WordPress non-interactively (skipped when already installed), then makes sure the
 * demo users and the demo draft exist. Idempotent; run by tools/site/site.sh `up`.
 *
 * Usage: php provision-site.php DOCROOT HOST
 */

const PRESENCE_SITE_TITLE = 'Presence demo';
const PRESENCE_DEMO_POST  = 'Presence demo post';

/** Demo accounts: login => [password, role, display name]. Printed by site.sh. */
const PRESENCE_DEMO_USERS = array(
	'admin'   => array( 'admin', 'administrator', 'Site Admin' ),
	'editor1' => array( 'editor1', 'editor', 'Editor One' ),
	'editor2' => array( 'editor2', 'editor', 'Editor Two' ),
);

if ( $argc !== 3 ) {
	fwrite( STDERR, "usage: php provision-site.php DOCROOT HOST\n" );
	exit( 2 );
}
// Globals of this script are prefixed: wp-settings.php runs in global scope.
list( , $presence_docroot, $presence_host ) = $argv;

define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST']   = $presence_host;
$_SERVER['SERVER_NAME'] = $presence_host;
$_SERVER['REQUEST_URI'] = '/';
require $presence_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

/** Core sends a "new site" mail on install; nothing can be mailed from here. */
function wp_new_blog_notification() {}

/**
 * Runs wp_install() unless the site is installed.
 */
function presence_install_core(): void {
	if ( is_blog_installed() ) {
		echo 'WordPress ' . get_bloginfo( 'version' ) . " is already installed\n";
		return;
	}
	list( $password ) = PRESENCE_DEMO_USERS['admin'];
	$result           = wp_install( PRESENCE_SITE_TITLE, 'admin', 'admin@example.com', false, '', wp_slash( $password ) );
	if ( is_wp_error( $result['user_id'] ?? null ) ) {
		fwrite( STDERR, 'wp_install failed: ' . $result['user_id']->get_error_message() . "\n" );
		exit( 1 );
	}
	update_option( 'permalink_structure', '/%postname%/' );
	echo 'installed WordPress ' . get_bloginfo( 'version' ) . "\n";
}

/**
 * Creates the user, or brings an existing one back to the documented password, role and name.
 */
function presence_ensure_user( string $login, string $password, string $role, string $display_name ): int {
	$user = get_user_by( 'login', $login );
	if ( ! $user ) {
		$user_id = wp_insert_user(
			array(
				'user_login'   => $login,
				'user_pass'    => $password,
				'user_email'   => $login . '@example.com',
				'role'         => $role,
				'display_name' => $display_name,
				'first_name'   => $display_name,
			)
		);
		if ( is_wp_error( $user_id ) ) {
			fwrite( STDERR, "could not create $login: " . $user_id->get_error_message() . "\n" );
			exit( 1 );
		}
		echo "created user $login ($role)\n";
		return $user_id;
	}
	if ( ! wp_check_password( $password, $user->user_pass, $user->ID ) ) {
		wp_set_password( $password, $user->ID );
	}
	if ( ! in_array( $role, $user->roles, true ) ) {
		$user->set_role( $role );
	}
	// wp_install() names the administrator after its login; give it the documented name.
	if ( $user->display_name === $login ) {
		wp_update_user( array( 'ID' => $user->ID, 'display_name' => $display_name, 'first_name' => $display_name ) );
	}
	return $user->ID;
}

/**
 * A draft "in progress" for the editors to open together.
 */
function presence_ensure_demo_post( int $author_id ): void {
	global $wpdb;
	$post_id = (int) $wpdb->get_var(
		$wpdb->prepare(
			"SELECT ID FROM {$wpdb->posts} WHERE post_title = %s AND post_type = 'post' AND post_status <> 'trash' LIMIT 1",
			PRESENCE_DEMO_POST
		)
	);
	if ( $post_id ) {
		return;
	}
	$post_id = wp_insert_post(
		array(
			'post_title'   => PRESENCE_DEMO_POST,
			'post_content' => "<!-- wp:paragraph -->\n<p>Open this draft as editor1 and editor2 in two browsers: each sees the other in the editor.</p>\n<!-- /wp:paragraph -->",
			'post_status'  => 'draft',
			'post_author'  => $author_id,
		),
		true
	);
	if ( is_wp_error( $post_id ) ) {
		fwrite( STDERR, 'could not create the demo post: ' . $post_id->get_error_message() . "\n" );
		exit( 1 );
	}
	echo "created draft \"" . PRESENCE_DEMO_POST . "\" (post $post_id)\n";
}

presence_install_core();
$presence_user_ids = array();
foreach ( PRESENCE_DEMO_USERS as $login => list( $password, $role, $display_name ) ) {
	$presence_user_ids[ $login ] = presence_ensure_user( $login, $password, $role, $display_name );
}
presence_ensure_demo_post( $presence_user_ids['admin'] );
