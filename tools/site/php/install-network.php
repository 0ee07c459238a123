<?php
/**
 * Turns an installed single site into a multisite network with subdirectory sites (a no-op on a
 * network). wp-config.php must define WP_ALLOW_MULTISITE. Run by tools/site/site.sh `up` when
 * PRESENCE_MULTISITE=1; site.sh then writes the network's constants into wp-config.php.
 *
 * Usage: php install-network.php DOCROOT HOST   (HOST = 127.0.0.1:PORT)
 *
 * The network's domain is the host without its port: nginx hands PHP `HTTP_HOST` as `$host`
 * (Debian's fastcgi_params), which has none. The sites' URLs keep the port (their home/siteurl).
 */

if ( $argc !== 3 ) {
	fwrite( STDERR, "usage: php install-network.php DOCROOT HOST\n" );
	exit( 2 );
}
list( , $presence_docroot, $presence_host ) = $argv;
$presence_domain = preg_replace( '/:\d+$/', '', $presence_host );

define( 'WP_INSTALLING', true );
define( 'WP_INSTALLING_NETWORK', true );
$_SERVER['HTTP_HOST']   = $presence_host;
$_SERVER['SERVER_NAME'] = $presence_host;
$_SERVER['REQUEST_URI'] = '/';
require $presence_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ( is_multisite() ) {
	echo "already a multisite network\n";
	exit( 0 );
}
// As core's network setup screen does: a single site's $wpdb has no names for the network tables.
foreach ( $wpdb->tables( 'ms_global' ) as $presence_table => $presence_prefixed ) {
	$wpdb->$presence_table = $presence_prefixed;
}
install_network();
if ( '' !== $wpdb->last_error ) {
	fwrite( STDERR, "creating the network tables failed: {$wpdb->last_error}\n" );
	exit( 1 );
}
$presence_result = populate_network( 1, $presence_domain, 'admin@example.com', 'Presence demo network', '/', false );
if ( is_wp_error( $presence_result ) && 'siteexists' !== $presence_result->get_error_code() ) {
	fwrite( STDERR, 'populate_network failed: ' . $presence_result->get_error_message() . "\n" );
	exit( 1 );
}
if ( ! $wpdb->get_var( $wpdb->prepare( "SELECT id FROM {$wpdb->site} WHERE domain = %s", $presence_domain ) ) ) {
	fwrite( STDERR, "populate_network left no network for $presence_domain\n" );
	exit( 1 );
}
echo "turned the site into a multisite network on $presence_domain\n";
