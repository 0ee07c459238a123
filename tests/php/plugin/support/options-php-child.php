<?php
/**
 * Child process of StaleScreenOptionsPhpTest: one POST to wp-admin/options.php, run by WordPress's
 * own file as php-fpm would run it (admin.php's bootstrap and authentication from the request's
 * cookies, options.php's capability and nonce checks, its writes, its redirect or wp_die()),
 * with the plugin of this checkout loaded as a must-use plugin would be, on the store of the run.
 *
 * Argument: JSON `{cookies: {name: value}, post: {field: value}, probe: bool}`. With `probe`, the
 * request also writes options the way other code does during any admin request — one of the
 * page's own options on `admin_init` (before options.php checks anything) and another option on
 * `shutdown` (after options.php refused or redirected) — as WP-Cron's spawn or a plugin's
 * housekeeping would.
 *
 * Prints one JSON line at shutdown: `{user, died, redirect}` — who the request was, the status of
 * its wp_die() (null if none), where it redirected (null if nowhere).
 *
 * @package Presence
 */

// phpcs:disable
$wpp_child = json_decode( (string) ( $argv[1] ?? '' ), true );
if ( ! is_array( $wpp_child ) ) {
	fwrite( STDERR, "usage: options-php-child.php JSON\n" );
	exit( 2 );
}
$wpp_child_result = array(
	'user'     => 0,
	'died'     => null,
	'redirect' => null,
);

$_SERVER['HTTP_HOST']       = getenv( 'PRESENCE_TEST_HOST' ) ?: 'localhost';
$_SERVER['SERVER_NAME']     = $_SERVER['HTTP_HOST'];
$_SERVER['REQUEST_METHOD']  = 'POST';
$_SERVER['REQUEST_URI']     = '/wp-admin/options.php';
$_SERVER['PHP_SELF']        = '/wp-admin/options.php';
$_SERVER['SCRIPT_NAME']     = '/wp-admin/options.php';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
$_COOKIE                    = (array) $wpp_child['cookies'];
$_POST                      = (array) $wpp_child['post'];
$_GET                       = array();
$_REQUEST                   = $_POST;

$GLOBALS['wp_filter']['muplugins_loaded'][10][] = array(
	'function'      => static function () use ( $wpp_child ) {
		require_once dirname( __DIR__, 4 ) . '/plugin/presence.php';
		if ( 'database' === getenv( 'PRESENCE_TEST_BACKEND' ) ) {
			wpp_backend_use( new WPP_Database_Backend() ); // The store of the run, as the bootstrap pins it.
		}
		add_filter(
			'wp_die_handler',
			static fn() => static function ( $message, $title = '', $args = array() ) {
				$GLOBALS['wpp_child_result']['died'] = (int) _wp_die_process_input( $message, $title, $args )[2]['response'];
				die();
			}
		);
		add_filter(
			'wp_redirect',
			static function ( $location ) {
				$GLOBALS['wpp_child_result']['redirect'] = (string) $location;
				return $location;
			}
		);
		if ( ! empty( $wpp_child['probe'] ) ) {
			add_action( 'admin_init', static fn() => update_option( 'blogdescription', 'Written on admin_init ' . uniqid() ) );
			add_action( 'shutdown', static fn() => update_option( 'wpp_test_probe', uniqid() ), 10 );
		}
		add_action(
			'shutdown',
			static function () {
				$GLOBALS['wpp_child_result']['user'] = get_current_user_id();
				echo "\n" . json_encode( $GLOBALS['wpp_child_result'] ) . "\n";
			},
			PHP_INT_MAX
		);
	},
	'accepted_args' => 0,
);

$wpp_docroot = rtrim( (string) getenv( 'PRESENCE_TEST_DOCROOT' ), '/' );
chdir( $wpp_docroot . '/wp-admin' );
require $wpp_docroot . '/wp-admin/options.php';
