<?php
/**
 * PHPUnit bootstrap of the plugin suite: loads a real, installed WordPress and the plugin from
 * this repository, and pins the backend the run is about.
 *
 * Environment:
 * - PRESENCE_TEST_DOCROOT  WordPress root containing wp-load.php (required).
 * - PRESENCE_TEST_BACKEND  'native' (the presence extension must be loaded, else the run fails)
 *                          or 'database' (the table backend, even when the extension is loaded).
 *                          Default: native when the extension is loaded, database otherwise.
 * - PRESENCE_TEST_HOST     Host name for $_SERVER (default: the host of the site's home URL).
 *
 * Every test runs inside START TRANSACTION / ROLLBACK (see WPP_TestCase), so the site's data is
 * untouched; the native store of this site's namespace is flushed between tests.
 *
 * @package Presence
 */

// phpcs:disable WordPress.NamingConventions.PrefixAllGlobals -- test bootstrap.

/**
 * Stops the run with a message: configuration errors must fail loudly, never skip.
 *
 * @param string $message What is wrong.
 */
function wpp_test_abort( string $message ): void {
	fwrite( STDERR, "presence plugin tests: $message\n" );
	exit( 1 );
}

/**
 * Fails the run unless the store answering is the one it is labelled with: the database table for
 * PRESENCE_TEST_BACKEND=database; for native, the store presence.backend chooses (Redis for a
 * redis:// URL, else the shared-memory segment). PRESENCE_TEST_STORE, when given (bin/test gives
 * it), must name that same store. Each is checked where the data lands: a row in the table, the
 * segment file, or a read the Redis server itself counts.
 */
function wpp_test_check_store(): void {
	global $wpdb;
	$ini = trim( (string) ini_get( 'presence.backend' ) );
	if ( 'database' === WPP_TEST_BACKEND ) {
		$store = 'database';
	} else {
		$store = '' !== $ini && 0 !== strcasecmp( $ini, 'shm' ) ? 'redis' : 'shm';
	}
	$claimed = (string) getenv( 'PRESENCE_TEST_STORE' );
	if ( '' !== $claimed && $claimed !== $store ) {
		wpp_test_abort( "this run is labelled PRESENCE_TEST_STORE=$claimed, but PRESENCE_TEST_BACKEND=" . WPP_TEST_BACKEND . " and presence.backend=\"$ini\" choose $store." );
	}
	$backend = wpp_backend();
	$room    = 'bootstrap/which-store';
	if ( 'database' === $store ) {
		if ( ! $backend instanceof WPP_Database_Backend || ! $backend->set( $room, 'check', array(), 0, 60 ) ) {
			wpp_test_abort( 'the database backend is not the one answering, or could not write.' );
		}
		$rows = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM ' . wpp_table_name() . ' WHERE room = %s', $room ) ); // phpcs:ignore WordPress.DB
		$backend->remove( $room, 'check' );
		if ( 1 !== $rows ) {
			wpp_test_abort( 'a write of the database backend did not land in ' . wpp_table_name() . '.' );
		}
		return;
	}
	$answering = $backend instanceof WPP_Native_Backend ? ( presence_stats()['backend'] ?? 'nothing' ) : get_class( $backend );
	if ( $answering !== $store ) {
		wpp_test_abort( "this run is about $store, but the store answering is $answering." );
	}
	if ( 'redis' === $store ) {
		require_once dirname( __DIR__ ) . '/support/RedisInfo.php';
		try {
			$seen = ( new RedisInfo( $ini ) )->measure(
				static function () use ( $backend, $room ): void {
					$backend->room_version( $room );
				}
			);
		} catch ( RuntimeException | InvalidArgumentException $e ) {
			wpp_test_abort( 'cannot ask the Redis server of presence.backend itself: ' . $e->getMessage() );
		}
		if ( $seen['replies'] < 1 ) {
			wpp_test_abort( "the Redis server at $ini did not see the plugin's read: another store answers." );
		}
		return;
	}
	// An empty presence.shm_path is the per-user default, which presence_stats() names.
	$path = (string) ini_get( 'presence.shm_path' );
	$path = '' === $path ? (string) ( presence_stats()['segment_path'] ?? '' ) : $path;
	$backend->set( $room, 'check', array(), 0, 60 );
	$backend->remove( $room, 'check' );
	clearstatcache();
	if ( presence_stats()['segment_path'] !== $path || ! is_file( $path ) ) {
		wpp_test_abort( "the store answering does not write the segment presence.shm_path names ($path)." );
	}
}

$wpp_docroot = rtrim( (string) getenv( 'PRESENCE_TEST_DOCROOT' ), '/' );
if ( '' === $wpp_docroot || ! is_file( $wpp_docroot . '/wp-load.php' ) ) {
	wpp_test_abort( 'set PRESENCE_TEST_DOCROOT to the root of an installed WordPress (the directory holding wp-load.php); got "' . $wpp_docroot . '".' );
}

$wpp_backend_name = (string) getenv( 'PRESENCE_TEST_BACKEND' );
if ( '' === $wpp_backend_name ) {
	$wpp_backend_name = function_exists( 'presence_upsert' ) ? 'native' : 'database';
}
if ( ! in_array( $wpp_backend_name, array( 'native', 'database' ), true ) ) {
	wpp_test_abort( 'PRESENCE_TEST_BACKEND must be "native" or "database", got "' . $wpp_backend_name . '".' );
}
if ( 'native' === $wpp_backend_name && ! function_exists( 'presence_upsert' ) ) {
	wpp_test_abort( 'PRESENCE_TEST_BACKEND=native but the presence extension is not loaded (run php with -d extension=/path/to/libpresence.so).' );
}
define( 'WPP_TEST_BACKEND', $wpp_backend_name );
define( 'WPP_TEST_PLUGIN_DIR', dirname( __DIR__, 3 ) . '/plugin' );

$_SERVER['HTTP_HOST']       = getenv( 'PRESENCE_TEST_HOST' ) ?: 'localhost';
$_SERVER['SERVER_NAME']     = $_SERVER['HTTP_HOST'];
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';

// Load the plugin from this repository before the site's plugins (like the WP test library's
// tests_add_filter()). When the site also has it active, that copy returns at its guard.
$GLOBALS['wp_filter']['muplugins_loaded'][10][] = array(
	'function'      => static function () {
		// As when WordPress loads the site's (symlinked) copy: plugin_basename() of the repository
		// file is then presence/presence.php, so activate_/deactivate_ hooks get their real names.
		if ( is_file( WP_PLUGIN_DIR . '/presence/presence.php' ) ) {
			wp_register_plugin_realpath( WP_PLUGIN_DIR . '/presence/presence.php' );
		}
		require WPP_TEST_PLUGIN_DIR . '/presence.php';
	},
	'accepted_args' => 0,
);

require $wpp_docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

if ( ! defined( 'WPP_DIR' ) || realpath( WPP_DIR ) !== realpath( WPP_TEST_PLUGIN_DIR ) ) {
	wpp_test_abort( 'another copy of the plugin was loaded first (' . ( defined( 'WPP_DIR' ) ? WPP_DIR : 'none' ) . ').' );
}

// DDL commits transactions, so tables (and on a network a second and a third site) are made
// before any test opens one. The sites stay: the namespacing tests switch to the second, the
// network tests spread people over all three.
if ( is_multisite() ) {
	foreach ( array( 'second', 'third' ) as $wpp_nth => $wpp_name ) {
		if ( count( get_sites( array( 'number' => $wpp_nth + 2 ) ) ) < $wpp_nth + 2 ) {
			$wpp_site = wp_insert_site( array( 'domain' => get_network()->domain, 'path' => get_network()->path . "wpp-$wpp_name/", 'title' => "Presence $wpp_name site" ) );
			if ( is_wp_error( $wpp_site ) ) {
				wpp_test_abort( "could not create a $wpp_name site: " . $wpp_site->get_error_message() );
			}
		}
	}
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $wpp_blog ) {
		switch_to_blog( (int) $wpp_blog );
		wpp_table_maybe_repair();
		restore_current_blog();
	}
}
wpp_table_maybe_repair();
// Every run starts with presence recorded and every feature on. The WP-CLI tests change these
// switches through real commands, which commit; one interrupted half-way would otherwise leave a
// switch off and turn this whole suite into failures that say nothing of their cause.
foreach ( is_multisite() ? get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) : array( get_current_blog_id() ) as $wpp_blog ) {
	if ( is_multisite() ) { // A single site has no switch_to_blog().
		switch_to_blog( (int) $wpp_blog );
	}
	if ( '1' !== get_option( 'wp_presence_recording' ) ) {
		update_option( 'wp_presence_recording', '1' );
	}
	if ( array() !== get_option( 'wp_presence_features' ) ) {
		update_option( 'wp_presence_features', array() );
	}
	if ( is_multisite() ) {
		restore_current_blog();
	}
}
if ( is_multisite() ) {
	delete_site_option( 'wp_presence_network_recording' );
	delete_site_option( 'wp_presence_network_features' );
}
// Tests create many users: bcrypt at its lowest cost (WordPress 6.8+) takes ~1 ms instead of ~140.
add_filter( 'wp_hash_password_options', static fn( $options ) => array( 'cost' => 4 ) + (array) $options );
wpp_backend_use( 'native' === WPP_TEST_BACKEND ? new WPP_Native_Backend() : new WPP_Database_Backend() );
wpp_test_check_store();

fwrite(
	STDOUT,
	sprintf(
		"Presence plugin tests: WordPress %s, PHP %s, backend %s (store checked: %s), %s\n",
		get_bloginfo( 'version' ),
		PHP_VERSION,
		wpp_backend()->name(),
		'database' === WPP_TEST_BACKEND ? 'database table' : ( presence_stats()['backend'] ?? '?' ),
		is_multisite() ? 'multisite' : 'single site'
	)
);

require __DIR__ . '/support/class-wpp-testcase.php';
require __DIR__ . '/support/class-wpp-backend-contract-testcase.php';
require __DIR__ . '/support/class-wpp-test-failing-backend.php';
require __DIR__ . '/support/class-wpp-legacy-tables.php';
