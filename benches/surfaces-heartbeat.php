<?php
/**
 * What a dashboard heartbeat answer costs the server with the surfaces: 201 people online, 50 of
 * them each editing a post; the viewer an administrator on the dashboard (Who's online, the
 * admin bar and Active posts), then on another screen (the admin bar only). Prints, for a full
 * answer and an unchanged one: time (best of 30, each a cold object cache as in a new request),
 * database queries, and bytes of JSON.
 *
 * Runs against a site of the harness, inside a transaction that is rolled back, on a private
 * namespace of its store (flushed afterwards):
 *
 *   eval "$(PRESENCE_SITE=test tools/site/site.sh env)"
 *   PHP_INI_SCAN_DIR=$PHP_INI_SCAN_DIR php benches/surfaces-heartbeat.php "$DOCROOT" "$PHP_HOST"
 *
 * @package Presence
 */

// phpcs:disable
if ( $argc !== 3 ) {
	fwrite( STDERR, "usage: php benches/surfaces-heartbeat.php DOCROOT HOST\n" );
	exit( 2 );
}
$_SERVER['HTTP_HOST'] = $argv[2];
require rtrim( $argv[1], '/' ) . '/wp-load.php';

global $wpdb;
$backend = wpp_backend_native_available() ? new WPP_Native_Backend( 'surfacesbench' ) : new WPP_Database_Backend();
wpp_backend_use( $backend );
// The store that answers must be the one the run is labelled with (benches/run-backends sets it).
$store = $backend instanceof WPP_Native_Backend ? (string) ( presence_stats()['backend'] ?? '?' ) : 'database';
$want  = (string) getenv( 'PRESENCE_BENCH_STORE' );
if ( '' !== $want && $want !== $store ) {
	fwrite( STDERR, "surfaces-heartbeat: meant to run on $want, but the store answering is $store\n" );
	exit( 1 );
}
$wpdb->query( 'START TRANSACTION' );

$admin = get_user_by( 'login', 'admin' );
$posts = array();
for ( $i = 0; $i < 50; $i++ ) {
	$posts[] = wp_insert_post( array( 'post_title' => "Measured post $i", 'post_status' => 'draft', 'post_author' => $admin->ID ) );
}
// The editing people write last: they are the 50 most recent, the ones Who's online lists.
for ( $u = 1000; $u < 1200; $u++ ) {
	$post   = $u >= 1150 ? $posts[ $u - 1150 ] : 0;
	$person = array( 'display_name' => "Person $u", 'avatar_url' => "https://example.org/avatar/$u.png" );
	$backend->set( 'admin/online', "user-$u", $person + array( 'screen' => $post ? 'post' : 'dashboard', 'post_id' => $post, 'tab' => 'bench' ), $u, 150 );
	if ( $post ) {
		$backend->set( "postType/post:$post", "user-$u", $person + array( 'tab' => 'bench' ), $u, 150 );
	}
}

/**
 * Best time of $n answers to $data, each after a cold object cache.
 */
function wpp_bench_answer( array $data, int $n, int $user_id ): array {
	global $wpdb;
	$best = INF;
	for ( $i = 0; $i < $n; $i++ ) {
		wp_cache_flush();
		wp_load_alloptions();
		wp_set_current_user( 0 );
		wp_set_current_user( $user_id );
		wp_get_current_user()->get_role_caps();
		$queries  = $wpdb->num_queries;
		$start    = hrtime( true );
		$response = wpp_handlers_heartbeat( array(), $data, 'dashboard' );
		$best     = min( $best, ( hrtime( true ) - $start ) / 1000 );
		$queries  = $wpdb->num_queries - $queries;
	}
	return array( $best, $queries, strlen( (string) wp_json_encode( $response ) ), $response );
}

$tries   = '1' === getenv( 'PRESENCE_BENCH_QUICK' ) ? 3 : 30;
$results = array();
$data    = array(
	'presence-ping'         => array( 'screen' => 'dashboard', 'tab' => 'benchviewer' ),
	'presence-active-posts' => array( 'version' => '' ),
);
list( $time, $queries, $bytes, $response ) = wpp_bench_answer( $data, $tries, $admin->ID );
printf(
	"backend %s; %d people online (%d listed), %d posts being edited\n",
	$backend->name(),
	$response['presence-online']['total'],
	count( $response['presence-online']['users'] ),
	$response['presence-active-posts']['total']
);
printf( "dashboard, full:        %7.0f µs  %d queries  %6d bytes\n", $time, $queries, $bytes );
$results['dashboard_full'] = compact( 'time', 'queries', 'bytes' );
$people = array(
	'online'  => $response['presence-online']['total'],
	'listed'  => count( $response['presence-online']['users'] ),
	'editing' => $response['presence-active-posts']['total'],
);

$data['presence-ping']['versions']['online'] = $response['presence-online']['version'];
$data['presence-active-posts']['version']    = (string) $response['presence-active-posts']['version'];
list( $time, $queries, $bytes ) = wpp_bench_answer( $data, $tries, $admin->ID );
printf( "dashboard, unchanged:   %7.0f µs  %d queries  %6d bytes\n", $time, $queries, $bytes );
$results['dashboard_unchanged'] = compact( 'time', 'queries', 'bytes' );

// Another page than the dashboard: Who's online data for the admin bar only.
$online = array( 'presence-ping' => array( 'screen' => 'edit-post', 'tab' => 'benchviewer' ) );
list( $time, $queries, $bytes, $response ) = wpp_bench_answer( $online, $tries, $admin->ID );
printf( "online only, full:      %7.0f µs  %d queries  %6d bytes\n", $time, $queries, $bytes );
$results['online_full'] = compact( 'time', 'queries', 'bytes' );
$online['presence-ping']['versions']['online'] = $response['presence-online']['version'];
list( $time, $queries, $bytes ) = wpp_bench_answer( $online, $tries, $admin->ID );
printf( "online only, unchanged: %7.0f µs  %d queries  %6d bytes\n", $time, $queries, $bytes );
$results['online_unchanged'] = compact( 'time', 'queries', 'bytes' );

$wpdb->query( 'ROLLBACK' );
if ( $backend instanceof WPP_Native_Backend ) {
	$backend->flush();
}
$json_path = getenv( 'PRESENCE_BENCH_JSON' );
if ( $json_path ) {
	$load = sys_getloadavg();
	file_put_contents(
		$json_path,
		json_encode(
			array(
				'date'    => gmdate( 'Y-m-d' ),
				'load'    => $load ? $load[0] : null,
				'php'     => PHP_VERSION,
				'wp'      => get_bloginfo( 'version' ),
				'store'   => $store,
				'tries'   => $tries,
				'people'  => $people,
				'answers' => $results,
			),
			JSON_PRETTY_PRINT
		) . "\n"
	);
}
