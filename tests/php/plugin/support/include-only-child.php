<?php
/**
 * Child process of HooksTest: loads WordPress without the plugin, snapshots every registered
 * callback, includes each plugin file (without calling wpp_hooks_register()), and prints the
 * callbacks that appeared, as JSON.
 *
 * @package Presence
 */

// phpcs:disable

$_SERVER['HTTP_HOST'] = getenv( 'PRESENCE_TEST_HOST' ) ?: 'localhost';
define( 'WP_PLUGIN_DIR', sys_get_temp_dir() . '/wpp-no-plugins' ); // The site's plugins stay out.
require rtrim( getenv( 'PRESENCE_TEST_DOCROOT' ), '/' ) . '/wp-load.php';

/** Every [hook, priority, callback id] registered now. */
function wpp_child_callbacks(): array {
	$all = array();
	foreach ( $GLOBALS['wp_filter'] as $hook => $wp_hook ) {
		foreach ( $wp_hook->callbacks as $priority => $callbacks ) {
			foreach ( array_keys( $callbacks ) as $id ) {
				$all[] = "$hook|$priority|$id";
			}
		}
	}
	return $all;
}

$before = wpp_child_callbacks();
define( 'WPP_FILE', dirname( __DIR__, 4 ) . '/plugin/presence.php' );
define( 'WPP_DIR', dirname( WPP_FILE ) );
$files = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( WPP_DIR . '/includes', FilesystemIterator::SKIP_DOTS ) );
$list  = array();
foreach ( $files as $file ) {
	if ( 'php' === $file->getExtension() ) {
		$list[] = $file->getPathname();
	}
}
sort( $list );
// The admin bar fragment extends WP_Admin_Bar, which WordPress loads only for pages with the bar.
require_once ABSPATH . WPINC . '/class-wp-admin-bar.php';
// The WP-CLI command class extends WP_CLI_Command, which only WP-CLI declares.
if ( ! class_exists( 'WP_CLI_Command' ) ) {
	class WP_CLI_Command {}
}
// Interfaces and helpers first so classes can be declared.
usort( $list, static fn( $a, $b ) => ( str_contains( $b, 'interface-' ) <=> str_contains( $a, 'interface-' ) ) ?: strcmp( $a, $b ) );
foreach ( $list as $path ) {
	require_once $path;
}
echo json_encode( array_values( array_diff( wpp_child_callbacks(), $before ) ) );
