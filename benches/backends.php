<?php
/**
 * Side-by-side benchmark of one heartbeat as the plugin performs it, on each store the plugin can
 * use, in one run:
 *   shm      — WPP_Native_Backend, the extension on its shared-memory segment;
 *   redis    — WPP_Native_Backend, the extension with presence.backend on a Redis over loopback;
 *   database — WPP_Database_Backend, the plugin's table in MariaDB (the fallback).
 * Each store runs in a PHP process of its own that loads the site's WordPress with the plugin
 * (the extension's settings are per process); this parent alternates rounds between them.
 *
 * A heartbeat writes the user's entry in a room of 20 users (200 rooms in all), then either
 *   unchanged — asks the room's version (the browser holds it: nothing else to send), or
 *   changed   — asks the version and reads the room (50 at most), as after someone joined.
 * Reported per heartbeat: median time, and what it costs the server: round trips to Redis
 * (counted by the extension) or database queries ($wpdb->num_queries). Then Redis memory per
 * entry (INFO used_memory, and MEMORY USAGE of one room's keys).
 *
 * Run with benches/run-backends, which brings up a site with its own redis-server.
 * PRESENCE_BENCH_JSON=FILE also writes the results as JSON (benches/figures renders them).
 */

const ROOMS   = 200;
const CLIENTS = 20;

// ---------------------------------------------------------------- child: one store

/**
 * Loads the site's WordPress with the plugin of this checkout and pins the backend.
 */
function child_boot( string $variant ): void {
	$_SERVER['HTTP_HOST']   = (string) getenv( 'PRESENCE_BENCH_HOST' );
	$_SERVER['REQUEST_URI'] = '/';
	$GLOBALS['wp_filter']['muplugins_loaded'][10][] = array(
		'function'      => static function () {
			require_once dirname( __DIR__ ) . '/plugin/presence.php';
		},
		'accepted_args' => 0,
	);
	require rtrim( (string) getenv( 'PRESENCE_BENCH_DOCROOT' ), '/' ) . '/wp-load.php';
	if ( 'database' === $variant ) {
		wpp_table_maybe_repair();
		wpp_backend_use( new WPP_Database_Backend() );
	} else {
		$want = 'redis' === $variant ? 'redis' : 'shm';
		if ( ! function_exists( 'presence_stats' ) || ( presence_stats()['backend'] ?? '' ) !== $want ) {
			fwrite( STDERR, "child $variant: the extension is not on $want\n" );
			exit( 1 );
		}
		wpp_backend_use( new WPP_Native_Backend( 'bench' ) );
	}
}

function child_state( int $user ): array {
	return array(
		'screen'       => 'dashboard',
		'title'        => 'Dashboard',
		'display_name' => "Editor $user",
		'avatar_url'   => 'https://example.test/avatar/' . md5( (string) $user ) . '?s=64',
	);
}

/** What this store's server did so far: Redis round trips, or database queries. */
function child_server_ops( string $variant ): int {
	global $wpdb;
	return 'database' === $variant ? (int) $wpdb->num_queries : (int) ( presence_stats()['round_trips'] ?? 0 );
}

function child_heartbeat( WPP_Backend $b, int $room, int $user, bool $changed ): int {
	$name = "bench/room-$room";
	$b->set( $name, "user-$user", child_state( $user ), $user + 1, 150 );
	$version = $b->room_version( $name );
	return $changed ? count( $b->get_room( $name, 150, 50 ) ) : ( $version > 0 ? CLIENTS : 0 );
}

/** One round: $n heartbeats of random users; time and server operations per heartbeat. */
function child_round( string $variant, bool $changed, int $n, int $seed ): array {
	$b = wpp_backend();
	mt_srand( $seed );
	$ops = child_server_ops( $variant );
	$t   = hrtime( true );
	for ( $i = 0; $i < $n; $i++ ) {
		child_heartbeat( $b, mt_rand( 0, ROOMS - 1 ), mt_rand( 0, CLIENTS - 1 ), $changed );
	}
	$ns  = ( hrtime( true ) - $t ) / $n;
	$ops = child_server_ops( $variant ) - $ops;
	if ( 'redis' === $variant ) {
		// The second presence_stats() counted its own round trips too: take them off.
		$ops -= child_stats_round_trips();
	}
	return array( 'ns' => $ns, 'ops' => $ops / $n );
}

/** Round trips one presence_stats() call makes (it lists the rooms, then counts them). */
function child_stats_round_trips(): int {
	static $cost = null;
	if ( null === $cost ) {
		$a    = presence_stats()['round_trips'];
		$b    = presence_stats()['round_trips'];
		$cost = $b - $a;
	}
	return $cost;
}

/** Redis memory: used_memory growth per entry over a fill, and MEMORY USAGE of one room. */
function child_redis_memory( int $entries ): array {
	$port   = (int) getenv( 'PRESENCE_BENCH_REDIS_PORT' );
	$before = presence_stats()['bytes_used'];
	$b      = wpp_backend();
	for ( $i = 0; $i < $entries; $i++ ) {
		$b->set( 'mem/room-' . intdiv( $i, CLIENTS ), "user-$i", child_state( $i ), $i + 1, 600 );
	}
	$after = presence_stats()['bytes_used'];
	// One room of 20: its four keys, measured by the server itself.
	$room  = 'mem/room-0';
	$usage = 0;
	$keys  = array();
	foreach ( array( 'e', 'o', 'x', 'm' ) as $suffix ) {
		$key    = ini_get( 'presence.key_prefix' ) . '{' . $b->prefix() . $room . '}:' . $suffix;
		$keys[] = $key;
		$usage += (int) trim( (string) shell_exec( 'redis-cli -p ' . $port . ' MEMORY USAGE ' . escapeshellarg( $key ) ) );
	}
	return array(
		'used_memory_per_entry' => ( $after - $before ) / $entries,
		'room_keys_per_entry'   => $usage / CLIENTS,
		'value_bytes'           => strlen( json_encode( child_state( 1 ) ) ),
	);
}

function child_main( string $variant ): void {
	child_boot( $variant );
	$b = wpp_backend();
	for ( $r = 0; $r < ROOMS; $r++ ) {
		for ( $u = 0; $u < CLIENTS; $u++ ) {
			child_heartbeat( $b, $r, $u, false );
		}
	}
	echo "ready\n";
	while ( ( $line = fgets( STDIN ) ) !== false ) {
		$cmd = explode( ' ', trim( $line ) );
		if ( 'round' === $cmd[0] ) {
			echo json_encode( child_round( $variant, 'changed' === $cmd[1], (int) $cmd[2], (int) $cmd[3] ) ), "\n";
		} elseif ( 'memory' === $cmd[0] ) {
			echo json_encode( child_redis_memory( (int) $cmd[1] ) ), "\n";
		} else {
			break;
		}
	}
	$b->flush();
}

// ---------------------------------------------------------------- parent: alternate and report

function median( array $xs ): float {
	sort( $xs );
	$n = count( $xs );
	return $n % 2 ? $xs[ intdiv( $n, 2 ) ] : ( $xs[ $n / 2 - 1 ] + $xs[ $n / 2 ] ) / 2;
}

/**
 * Starts the child of a variant with the environment that gives it its store.
 *
 * @return array{0: resource, 1: array<int, resource>}
 */
function start_child( string $variant ): array {
	$env = getenv();
	$env['PHP_INI_SCAN_DIR'] = (string) getenv( 'database' === $variant ? 'PRESENCE_BENCH_INI_NONE' : ( 'redis' === $variant ? 'PRESENCE_BENCH_INI_REDIS' : 'PRESENCE_BENCH_INI_SHM' ) );
	$proc = proc_open( array( PHP_BINARY, __FILE__, 'child', $variant ), array( 0 => array( 'pipe', 'r' ), 1 => array( 'pipe', 'w' ) ), $pipes, null, $env );
	if ( "ready\n" !== fgets( $pipes[1] ) ) {
		fwrite( STDERR, "the $variant child did not start\n" );
		exit( 1 );
	}
	return array( $proc, $pipes );
}

function ask( array $child, string $line ): array {
	fwrite( $child[1][0], "$line\n" );
	$answer = json_decode( (string) fgets( $child[1][1] ), true );
	if ( ! is_array( $answer ) ) {
		fwrite( STDERR, "a child did not answer '$line'\n" );
		exit( 1 );
	}
	return $answer;
}

function parent_main(): void {
	$quick    = '1' === getenv( 'PRESENCE_BENCH_QUICK' );
	$rounds   = $quick ? 3 : 9;
	$per      = $quick ? 200 : 2000;
	$variants = array( 'shm', 'redis', 'database' );
	$children = array();
	foreach ( $variants as $v ) {
		$children[ $v ] = start_child( $v );
	}
	$results = array();
	foreach ( array( 'unchanged', 'changed' ) as $kind ) {
		$ns  = array_fill_keys( $variants, array() );
		$ops = array_fill_keys( $variants, array() );
		for ( $r = 0; $r < $rounds; $r++ ) {
			// Each round starts with another store, so none always runs first.
			$order = array_merge( array_slice( $variants, $r % 3 ), array_slice( $variants, 0, $r % 3 ) );
			foreach ( $order as $v ) {
				$a            = ask( $children[ $v ], "round $kind $per " . ( 1000 + $r ) );
				$ns[ $v ][]   = $a['ns'];
				$ops[ $v ][]  = $a['ops'];
			}
		}
		foreach ( $variants as $v ) {
			$results[ $kind ][ $v ] = array( 'ns' => median( $ns[ $v ] ), 'ops' => median( $ops[ $v ] ) );
		}
	}

	printf( "\nOne heartbeat through the plugin's backend: write the user's entry in a room of %d users (%d rooms),\n", CLIENTS, ROOMS );
	printf( "then the room's version (unchanged) or the version and the room (changed). Median of %d alternating rounds x %d.\n\n", $rounds, $per );
	printf( "| store | unchanged: µs | round trips / queries | changed: µs | round trips / queries |\n|---|---:|---:|---:|---:|\n" );
	foreach ( $variants as $v ) {
		printf(
			"| %s | %.1f | %.2f | %.1f | %.2f |\n",
			$v,
			$results['unchanged'][ $v ]['ns'] / 1000,
			$results['unchanged'][ $v ]['ops'],
			$results['changed'][ $v ]['ns'] / 1000,
			$results['changed'][ $v ]['ops']
		);
	}
	foreach ( array( 'unchanged', 'changed' ) as $kind ) {
		$x = $results[ $kind ];
		printf(
			"\n%s: redis / shm = %.1fx, database / redis = %.1fx, database / shm = %.1fx",
			$kind,
			$x['redis']['ns'] / $x['shm']['ns'],
			$x['database']['ns'] / $x['redis']['ns'],
			$x['database']['ns'] / $x['shm']['ns']
		);
	}
	echo "\n(shm makes no round trip; redis counts round trips to Redis, database counts SQL queries.)\n";

	$entries = $quick ? 1000 : 10000;
	$m       = ask( $children['redis'], "memory $entries" );
	printf(
		"\nRedis memory per entry (state of %d bytes as JSON): %.0f bytes of used_memory growth over %d entries in rooms of %d; %.0f bytes by MEMORY USAGE of one room's four keys.\n",
		$m['value_bytes'],
		$m['used_memory_per_entry'],
		$entries,
		CLIENTS,
		$m['room_keys_per_entry']
	);
	$json_path = getenv( 'PRESENCE_BENCH_JSON' );
	if ( $json_path ) {
		$load   = sys_getloadavg();
		$result = array(
			'date'      => gmdate( 'Y-m-d' ),
			'load'      => $load ? $load[0] : null,
			'php'       => PHP_VERSION,
			'redis'     => trim( (string) shell_exec( 'redis-cli -p ' . (int) getenv( 'PRESENCE_BENCH_REDIS_PORT' ) . ' INFO server | sed -n "s/^redis_version://p"' ) ),
			'quick'     => $quick,
			'rooms'     => ROOMS,
			'clients'   => CLIENTS,
			'rounds'    => $rounds,
			'per_round' => $per,
			'results'   => $results,
			'memory'    => $m + array( 'entries' => $entries ),
		);
		file_put_contents( $json_path, json_encode( $result, JSON_PRETTY_PRINT ) . "\n" );
	}
	foreach ( $children as $child ) {
		fwrite( $child[1][0], "quit\n" );
		fclose( $child[1][0] );
		fclose( $child[1][1] );
		proc_close( $child[0] );
	}
}

if ( ( $argv[1] ?? '' ) === 'child' ) {
	child_main( (string) $argv[2] );
	exit( 0 );
}
parent_main();
