<?php
/**
 * Side-by-side benchmark of one presence heartbeat (write my entry, then read my room of 20
 * clients, 200 rooms in all), alternating between:
 *   native — presence_upsert() + presence_room();
 *   native_unchanged — presence_upsert() + presence_room_version(): what the plugin does when the
 *            browser already holds the room's current version (a room whose members only tick);
 *   apcu   — what a PHP developer would write: one array per room in APCu, guarded by an
 *            apcu_add() lock key, expired clients dropped on write, the room sorted newest first;
 *   floor  — PHP building the same 20-entry result array from literals (no storage at all).
 * Then, in child processes with their own segments, upsert and read latency at 1 K, 100 K and
 * 1 M entries, and segment bytes per entry.
 *
 * Run with benches/run (it builds the extension and passes the right -d flags).
 * Prints medians over alternating rounds and the ratios; machines here are noisy, so only the
 * ratios measured in one run mean anything.
 */

const ROOMS = 200;
const CLIENTS = 20;
const TTL = 150;

function state_for( int $user ): array {
	static $states = array();
	return $states[ $user ] ??= array(
		'screen'       => 'dashboard',
		'display_name' => "Editor $user",
		'avatar_url'   => "https://example.test/avatar/" . md5( (string) $user ) . '?s=48',
	);
}

function native_heartbeat( int $room, int $client ): int {
	presence_upsert( "bench/room-$room", "user-$client", state_for( $client ), $client, TTL );
	return count( presence_room( "bench/room-$room" ) );
}

function native_unchanged_heartbeat( int $room, int $client ): int {
	presence_upsert( "bench/room-$room", "user-$client", state_for( $client ), $client, TTL );
	return presence_room_version( "bench/room-$room" ) > 0 ? CLIENTS : 0;
}

function apcu_heartbeat( int $room, int $client ): int {
	$key  = "bench:room-$room";
	$lock = "$key:lock";
	while ( ! apcu_add( $lock, 1, 5 ) ) {
		usleep( 10 );
	}
	$now     = microtime( true );
	$entries = apcu_fetch( $key );
	if ( ! is_array( $entries ) ) {
		$entries = array();
	}
	foreach ( $entries as $id => $e ) {
		if ( $e['updated_at'] + TTL < $now ) {
			unset( $entries[ $id ] );
		}
	}
	$entries[ "user-$client" ] = array(
		'room'       => "bench/room-$room",
		'client_id'  => "user-$client",
		'user_id'    => $client,
		'data'       => state_for( $client ),
		'date_gmt'   => gmdate( 'Y-m-d H:i:s', (int) $now ),
		'updated_at' => $now,
	);
	apcu_store( $key, $entries, TTL );
	apcu_delete( $lock );
	$list = array_values( $entries );
	usort( $list, fn( $a, $b ) => $b['updated_at'] <=> $a['updated_at'] );
	return count( $list );
}

function floor_heartbeat( int $room, int $client ): int {
	$now  = microtime( true );
	$list = array();
	for ( $i = 0; $i < CLIENTS; $i++ ) {
		$list[] = array(
			'room'       => "bench/room-$room",
			'client_id'  => "user-$i",
			'user_id'    => $i,
			'data'       => state_for( $i ),
			'date_gmt'   => gmdate( 'Y-m-d H:i:s', (int) $now ),
			'updated_at' => $now,
		);
	}
	return count( $list );
}

function median( array $xs ): float {
	sort( $xs );
	$n = count( $xs );
	return $n % 2 ? $xs[ intdiv( $n, 2 ) ] : ( $xs[ $n / 2 - 1 ] + $xs[ $n / 2 ] ) / 2;
}

function time_ns( callable $f, int $n ): float {
	mt_srand( 42 );
	$t = hrtime( true );
	for ( $i = 0; $i < $n; $i++ ) {
		$f( mt_rand( 0, ROOMS - 1 ), mt_rand( 0, CLIENTS - 1 ) );
	}
	return ( hrtime( true ) - $t ) / $n;
}

function heartbeat_comparison( int $rounds, int $per_round ): void {
	presence_flush( 'bench/' );
	apcu_clear_cache();
	// Fill every room with 20 clients in both stores first.
	for ( $r = 0; $r < ROOMS; $r++ ) {
		for ( $c = 0; $c < CLIENTS; $c++ ) {
			native_heartbeat( $r, $c );
			apcu_heartbeat( $r, $c );
		}
	}
	if ( native_heartbeat( 0, 0 ) !== CLIENTS || apcu_heartbeat( 0, 0 ) !== CLIENTS || floor_heartbeat( 0, 0 ) !== CLIENTS ) {
		fwrite( STDERR, "the variants do not return the same room size\n" );
		exit( 1 );
	}
	$variants = array( 'native', 'native_unchanged', 'apcu', 'floor' );
	$runs     = array_fill_keys( $variants, array() );
	for ( $round = 0; $round < $rounds; $round++ ) {
		foreach ( $variants as $v ) {
			$runs[ $v ][] = time_ns( "{$v}_heartbeat", $per_round );
		}
	}
	$m = array_map( 'median', $runs );
	printf( "\nHeartbeat = upsert own entry + read own room (%d clients, %d rooms), median of %d alternating rounds x %d\n", CLIENTS, ROOMS, $rounds, $per_round );
	printf( "| variant | ns per heartbeat |\n|---|---:|\n" );
	foreach ( $m as $v => $ns ) {
		printf( "| %s | %.0f |\n", $v, $ns );
	}
	printf( "\napcu / native = %.1fx   (native with a full room read is that many times faster than APCu)\n", $m['apcu'] / $m['native'] );
	printf( "apcu / native_unchanged = %.1fx   (when the room is unchanged and its read is skipped)\n", $m['apcu'] / $m['native_unchanged'] );
	printf( "native / floor = %.2fx  (native heartbeat vs PHP only building the 20-entry result)\n", $m['native'] / $m['floor'] );
}

/** Child mode: fill $n entries (rooms of 20), then time upserts and room reads. */
function scale_child( int $n ): void {
	presence_flush();
	$rooms = max( 1, intdiv( $n, CLIENTS ) );
	$t     = hrtime( true );
	for ( $i = 0; $i < $n; $i++ ) {
		presence_upsert( 'scale/room-' . ( $i % $rooms ), "c$i", array( 'screen' => 'dashboard' ), $i % 1000, 3600 );
	}
	$fill = ( hrtime( true ) - $t ) / $n;
	$s    = presence_stats();
	if ( $s['live_entries'] !== $n ) {
		fwrite( STDERR, "expected $n live entries, found {$s['live_entries']}\n" );
		exit( 1 );
	}
	mt_srand( 7 );
	$k = 20000;
	$t = hrtime( true );
	for ( $j = 0; $j < $k; $j++ ) {
		$i = mt_rand( 0, $n - 1 );
		presence_upsert( 'scale/room-' . ( $i % $rooms ), "c$i", array( 'screen' => $j & 1 ? 'edit' : 'dashboard' ), $i % 1000, 3600 );
	}
	$upsert = ( hrtime( true ) - $t ) / $k;
	$t      = hrtime( true );
	for ( $j = 0; $j < $k; $j++ ) {
		presence_room( 'scale/room-' . mt_rand( 0, $rooms - 1 ) );
	}
	$read = ( hrtime( true ) - $t ) / $k;
	echo json_encode( array(
		'n'              => $n,
		'fill_ns'        => $fill,
		'upsert_ns'      => $upsert,
		'read_ns'        => $read,
		'bytes_per_live' => $s['bytes_used'] / $n,
		'bytes_per_slot' => $s['bytes_total'] / $s['capacity'],
		'segment_mib'    => $s['bytes_total'] / 1048576,
	) ), "\n";
}

function scale_comparison(): void {
	printf( "\nScale: changed-state upserts and 20-client room reads on a table of N entries (each N in its own process and segment)\n" );
	printf( "| entries | upsert ns | room read ns | fill ns/entry | segment bytes per live entry | segment | \n|---:|---:|---:|---:|---:|---:|\n" );
	foreach ( array( 1000 => '1M', 100000 => '64M', 1000000 => '600M' ) as $n => $size ) {
		$path = sys_get_temp_dir() . "/presence-bench-$n-" . getmypid() . '.seg';
		if ( is_dir( '/dev/shm' ) ) {
			$path = "/dev/shm/presence-bench-$n-" . getmypid() . '.seg';
		}
		$cmd = array( PHP_BINARY, '-n', '-d', 'extension=' . getenv( 'PRESENCE_SO' ), '-d', "presence.shm_path=$path", '-d', "presence.shm_size=$size", __FILE__, 'scale-child', (string) $n );
		$out = array();
		$p   = proc_open( $cmd, array( 1 => array( 'pipe', 'w' ) ), $pipes );
		$json = stream_get_contents( $pipes[1] );
		fclose( $pipes[1] );
		$rc = proc_close( $p );
		@unlink( $path );
		$r = json_decode( $json, true );
		if ( 0 !== $rc || ! is_array( $r ) ) {
			fwrite( STDERR, "scale child for $n failed ($rc): $json\n" );
			exit( 1 );
		}
		printf( "| %s | %.0f | %.0f | %.0f | %.0f | %.0f MiB |\n", number_format( $n ), $r['upsert_ns'], $r['read_ns'], $r['fill_ns'], $r['bytes_per_live'], $r['segment_mib'] );
	}
}

if ( ( $argv[1] ?? '' ) === 'scale-child' ) {
	scale_child( (int) $argv[2] );
	exit( 0 );
}
if ( ! function_exists( 'presence_upsert' ) || ! function_exists( 'apcu_add' ) || ! apcu_enabled() ) {
	fwrite( STDERR, "needs the presence extension and APCu with apc.enable_cli=1 (use benches/run)\n" );
	exit( 1 );
}
$quick = getenv( 'PRESENCE_BENCH_QUICK' ) === '1';
heartbeat_comparison( $quick ? 3 : 9, $quick ? 2000 : 20000 );
if ( ! $quick ) {
	scale_comparison();
}
