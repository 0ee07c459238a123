<?php
/**
 * Side-by-side benchmark of one presence heartbeat (write my entry, then read my room of 20
 * clients, 200 rooms in all), alternating in one run between five variants, in two fair pairs
 * and a floor:
 *   native           presence_upsert() + presence_room();
 *   apcu             the same heartbeat in APCu as a competent PHP developer would write it for
 *                    full reads: one array per room under an apcu_add() lock key, expired
 *                    clients dropped on write, my entry removed and appended again so that the
 *                    array stays in write order (no sort), read newest first with array_reverse();
 *                    times kept as integer microseconds (APCu serializes arrays with PHP's
 *                    serializer, slow for floats), turned into seconds on read;
 *   native_unchanged presence_upsert() + presence_room_version(): what the plugin does when the
 *                    browser already holds the room's current version (members only ticking);
 *   apcu_unchanged   the same shortcut in APCu, written for it: a small per-room array of write
 *                    times, one key per entry and a per-room version key, bumped when an entry
 *                    joins, leaves or changes (the rule presence_room_version() follows); a tick
 *                    that changes nothing rewrites only the times and reads only the version;
 *   floor            PHP building exactly the arrays presence_room() returns (the same six keys,
 *                    the same value types, a fresh `data` array per entry, the date formatted
 *                    once per heartbeat) from strings it already holds: no storage at all.
 * Before timing, each APCu design's answer is checked against presence_room(): same clients in
 * the same order, same keys and value types.
 * Then, each in a child process with its own segment, upsert and read latency and segment bytes
 * per entry at 1 K, 100 K and 1 M entries, with a ~100-byte state and with the plugin's state.
 *
 * Run with benches/run (it builds the extension and passes the right -d flags).
 * Prints medians over alternating rounds and the ratios of one run (machines here are noisy:
 * only ratios measured in one run mean anything); PRESENCE_BENCH_JSON=FILE also writes them as
 * JSON for benches/figures. PRESENCE_BENCH_QUICK=1: a short run with small tables.
 */

const ROOMS   = 200;
const CLIENTS = 20;
const TTL     = 150;

/** What the plugin's heartbeat stores per user (plugin/includes/heartbeat/write.php). */
function state_for( int $user ): array {
	static $states = array();
	return $states[ $user ] ??= array(
		'display_name' => "Editor $user",
		'avatar_url'   => 'https://secure.gravatar.com/avatar/' . hash( 'sha256', "editor$user@example.com" ) . '?s=64&d=mm&r=g',
		'screen'       => 'dashboard',
		'title'        => 'Dashboard',
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

/** Takes an APCu lock key (held at most 5 s if its holder dies). */
function apcu_lock( string $lock ): void {
	while ( ! apcu_add( $lock, 1, 5 ) ) {
		usleep( 10 );
	}
}

/**
 * APCu, designed for full reads: the room is one array, client id => the entry as
 * presence_room() returns it, in write order. The write has to fetch the room anyway, so the
 * read costs only the reversal into a newest-first list. Times are kept as integer
 * microseconds: APCu stores arrays through PHP's serializer, for which a float costs about as
 * much as the rest of an entry; the read turns them into seconds as presence_room() answers.
 */
function apcu_heartbeat( int $room, int $client ): int {
	return count( apcu_write_and_read( $room, $client ) );
}

/** @return list<array<string, mixed>> The room after my write, newest first. */
function apcu_write_and_read( int $room, int $client ): array {
	$key = "bench:room-$room";
	apcu_lock( "$key:lock" );
	$now     = (int) ( microtime( true ) * 1e6 );
	$entries = apcu_fetch( $key );
	if ( ! is_array( $entries ) ) {
		$entries = array();
	}
	foreach ( $entries as $id => $e ) {
		if ( $e['updated_at'] + TTL * 1000000 < $now ) {
			unset( $entries[ $id ] );
		}
	}
	// Removed, then appended: the array stays ordered by write time without a sort.
	unset( $entries[ "user-$client" ] );
	$entries[ "user-$client" ] = array(
		'room'       => "bench/room-$room",
		'client_id'  => "user-$client",
		'user_id'    => $client,
		'data'       => state_for( $client ),
		'date_gmt'   => gmdate( 'Y-m-d H:i:s', intdiv( $now, 1000000 ) ),
		'updated_at' => $now,
	);
	apcu_store( $key, $entries, TTL );
	apcu_delete( "$key:lock" );
	return apcu_room_list( $entries );
}

/** A room array of the full-read design as presence_room() answers it: newest first, seconds. */
function apcu_room_list( array $entries ): array {
	$list = array();
	foreach ( array_reverse( $entries ) as $e ) {
		$e['updated_at'] /= 1e6;
		$list[]           = $e;
	}
	return $list;
}

/**
 * APCu, designed for the unchanged-room shortcut: per room a small array of write times
 * (client id => integer microseconds, in write order), one key per entry (user id and state) and a
 * version key. A tick that changes nothing fetches and stores the times and fetches its own
 * entry to compare; an entry that joins, leaves or changes also rewrites its key and bumps the
 * version. The heartbeat then reads only the version.
 */
function apcu_unchanged_heartbeat( int $room, int $client ): int {
	apcu_split_write( $room, $client );
	return apcu_fetch( "bench:split-$room:v" ) > 0 ? CLIENTS : 0;
}

function apcu_split_write( int $room, int $client ): void {
	$key = "bench:split-$room";
	apcu_lock( "$key:lock" );
	$now     = (int) ( microtime( true ) * 1e6 );
	$changed = false;
	$times   = apcu_fetch( "$key:t" );
	if ( ! is_array( $times ) ) {
		$times = array();
	}
	foreach ( $times as $id => $t ) {
		if ( $t + TTL * 1000000 < $now ) {
			unset( $times[ $id ] );
			apcu_delete( "$key:e:$id" );
			$changed = true;
		}
	}
	$id    = "user-$client";
	$entry = array( $client, state_for( $client ) );
	if ( ! isset( $times[ $id ] ) || apcu_fetch( "$key:e:$id" ) !== $entry ) {
		apcu_store( "$key:e:$id", $entry, TTL );
		$changed = true;
	}
	unset( $times[ $id ] );
	$times[ $id ] = $now;
	apcu_store( "$key:t", $times, TTL );
	if ( $changed && false === apcu_inc( "$key:v" ) ) {
		apcu_store( "$key:v", 1 );
	}
	apcu_delete( "$key:lock" );
}

/**
 * A full read of the version-keyed design (not timed: it proves the design holds everything
 * presence_room() answers).
 *
 * @return list<array<string, mixed>>
 */
function apcu_split_read( int $room ): array {
	$key     = "bench:split-$room";
	$times   = array_reverse( (array) apcu_fetch( "$key:t" ), true );
	$entries = apcu_fetch( array_map( fn( $id ) => "$key:e:$id", array_keys( $times ) ) );
	$list    = array();
	foreach ( $times as $id => $t ) {
		$e      = $entries[ "$key:e:$id" ];
		$list[] = array(
			'room'       => "bench/room-$room",
			'client_id'  => (string) $id,
			'user_id'    => $e[0],
			'data'       => $e[1],
			'date_gmt'   => gmdate( 'Y-m-d H:i:s', intdiv( $t, 1000000 ) ),
			'updated_at' => $t / 1e6,
		);
	}
	return $list;
}

/**
 * The strings a PHP floor starts from: everything an entry says, already held as PHP strings
 * (so the floor allocates none; the native store has to copy each one out of shared memory).
 */
function floor_strings(): array {
	static $users = null;
	if ( null === $users ) {
		for ( $i = 0; $i < CLIENTS; $i++ ) {
			$s           = state_for( $i );
			$users[ $i ] = array( "user-$i", $s['display_name'], $s['avatar_url'], $s['screen'], $s['title'] );
		}
	}
	return $users;
}

function floor_heartbeat( int $room, int $client ): int {
	$users = floor_strings();
	$name  = "bench/room-$room";
	$now   = microtime( true );
	$date  = gmdate( 'Y-m-d H:i:s', (int) $now );
	$list  = array();
	foreach ( $users as $i => $u ) {
		$list[] = array(
			'room'       => $name,
			'client_id'  => $u[0],
			'user_id'    => $i,
			'data'       => array(
				'display_name' => $u[1],
				'avatar_url'   => $u[2],
				'screen'       => $u[3],
				'title'        => $u[4],
			),
			'date_gmt'   => $date,
			'updated_at' => $now,
		);
	}
	return count( $list );
}

/** Keys and value types of a list's first entry, and its length. */
function shape( array $list ): array {
	$shape = array();
	foreach ( $list[0] ?? array() as $key => $value ) {
		$shape[ $key ] = is_array( $value ) ? array_map( 'get_debug_type', $value ) : get_debug_type( $value );
	}
	return array( count( $list ), $shape );
}

/** Stops the run when a variant does not answer what presence_room() answers. */
function must_match( string $what, $native, $other ): void {
	if ( $native !== $other ) {
		fwrite( STDERR, "$what differs from presence_room():\n" . var_export( array( $native, $other ), true ) . "\n" );
		exit( 1 );
	}
}

/**
 * Every variant must answer what presence_room() answers: the floor the same keys and value
 * types, each APCu design also the same clients in the same order (newest first).
 */
function check_shapes(): void {
	$native = presence_room( 'bench/room-0' );
	$users  = floor_strings();
	$now    = microtime( true );
	$floor  = array();
	foreach ( $users as $i => $u ) {
		$floor[] = array(
			'room'       => 'bench/room-0',
			'client_id'  => $u[0],
			'user_id'    => $i,
			'data'       => array( 'display_name' => $u[1], 'avatar_url' => $u[2], 'screen' => $u[3], 'title' => $u[4] ),
			'date_gmt'   => gmdate( 'Y-m-d H:i:s', (int) $now ),
			'updated_at' => $now,
		);
	}
	must_match( 'the floor\'s arrays', shape( $native ), shape( $floor ) );
	$apcu = apcu_room_list( (array) apcu_fetch( 'bench:room-0' ) );
	must_match( 'the APCu room array', shape( $native ), shape( $apcu ) );
	must_match( 'the APCu room array\'s order', array_column( $native, 'client_id' ), array_column( $apcu, 'client_id' ) );
	must_match( 'the APCu room array\'s states', array_column( $native, 'data' ), array_column( $apcu, 'data' ) );
	$split = apcu_split_read( 0 );
	must_match( 'the version-keyed APCu design', shape( $native ), shape( $split ) );
	must_match( 'the version-keyed APCu design\'s order', array_column( $native, 'client_id' ), array_column( $split, 'client_id' ) );
	must_match( 'the version-keyed APCu design\'s states', array_column( $native, 'data' ), array_column( $split, 'data' ) );
}

/** Every room's version in both stores that keep one (the unchanged variants rely on them). */
function room_versions(): array {
	$v = array();
	for ( $r = 0; $r < ROOMS; $r++ ) {
		$v[] = array( presence_room_version( "bench/room-$r" ), apcu_fetch( "bench:split-$r:v" ) );
	}
	return $v;
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

/** The variants of one run, in the order the first round runs them. */
const VARIANTS = array( 'native', 'apcu', 'native_unchanged', 'apcu_unchanged', 'floor' );

function heartbeat_comparison( int $rounds, int $per_round ): array {
	presence_flush( 'bench/' );
	apcu_clear_cache();
	// Fill every room with 20 clients in every store first, each store in the same order.
	for ( $r = 0; $r < ROOMS; $r++ ) {
		for ( $c = 0; $c < CLIENTS; $c++ ) {
			native_heartbeat( $r, $c );
			apcu_heartbeat( $r, $c );
			apcu_unchanged_heartbeat( $r, $c );
		}
	}
	foreach ( VARIANTS as $v ) {
		if ( ( "{$v}_heartbeat" )( 0, 0 ) !== CLIENTS ) {
			fwrite( STDERR, "the $v variant does not see the room's " . CLIENTS . " clients\n" );
			exit( 1 );
		}
	}
	check_shapes();
	$versions = room_versions();
	$runs     = array_fill_keys( VARIANTS, array() );
	$count    = count( VARIANTS );
	for ( $round = 0; $round < $rounds; $round++ ) {
		// Each round starts with another variant, so none always runs first.
		$order = array_merge( array_slice( VARIANTS, $round % $count ), array_slice( VARIANTS, 0, $round % $count ) );
		foreach ( $order as $v ) {
			$runs[ $v ][] = time_ns( "{$v}_heartbeat", $per_round );
		}
	}
	// The unchanged variants measured what they claim: members only ticked, no version moved.
	must_match( 'a room version after the rounds (native, APCu)', $versions, room_versions() );
	$m      = array_map( 'median', $runs );
	// Only like against like: a full heartbeat against a full one, unchanged against unchanged.
	$ratios = array(
		'native_over_floor'                   => $m['native'] / $m['floor'],
		'apcu_over_native'                    => $m['apcu'] / $m['native'],
		'apcu_unchanged_over_native_unchanged' => $m['apcu_unchanged'] / $m['native_unchanged'],
	);
	// Each round's own ratio of each pair: how far one round moves from the median.
	$round_ratios = array();
	for ( $round = 0; $round < $rounds; $round++ ) {
		$round_ratios['native_over_floor'][]                    = $runs['native'][ $round ] / $runs['floor'][ $round ];
		$round_ratios['apcu_over_native'][]                     = $runs['apcu'][ $round ] / $runs['native'][ $round ];
		$round_ratios['apcu_unchanged_over_native_unchanged'][] = $runs['apcu_unchanged'][ $round ] / $runs['native_unchanged'][ $round ];
	}
	printf( "\nHeartbeat = upsert own entry + read own room (%d clients, %d rooms), median of %d alternating rounds x %d\n", CLIENTS, ROOMS, $rounds, $per_round );
	printf( "| variant | ns per heartbeat |\n|---|---:|\n" );
	foreach ( $m as $v => $ns ) {
		printf( "| %s | %.0f |\n", $v, $ns );
	}
	printf( "\nnative / floor = %.2fx   (native heartbeat vs PHP only building the same 20-entry result)\n", $ratios['native_over_floor'] );
	printf( "apcu / native = %.2fx   (full heartbeat: write, then read the room)\n", $ratios['apcu_over_native'] );
	printf( "apcu_unchanged / native_unchanged = %.2fx   (unchanged room: write, then read only the version)\n", $ratios['apcu_unchanged_over_native_unchanged'] );
	return array(
		'rooms'        => ROOMS,
		'clients'      => CLIENTS,
		'rounds'       => $rounds,
		'per_round'    => $per_round,
		'median_ns'    => $m,
		'rounds_ns'    => $runs,
		'ratios'       => $ratios,
		'round_ratios' => $round_ratios,
	);
}

/** The states the scale table is measured with. */
function scale_state( string $kind, int $i ): array {
	if ( 'plugin' === $kind ) {
		return state_for( $i % 1000 );
	}
	// About 100 bytes as JSON: what a small custom presence client might keep.
	return array(
		'screen'  => 'edit-post',
		'post_id' => 1000 + $i % 9000,
		'status'  => 'active',
		'agent'   => 'Firefox 128 on Linux, 1920x1080',
	);
}

/** Child mode: fill $n entries (rooms of 20) with $kind states, then time upserts and room reads. */
function scale_child( int $n, string $kind ): void {
	presence_flush();
	$rooms = max( 1, intdiv( $n, CLIENTS ) );
	$t     = hrtime( true );
	for ( $i = 0; $i < $n; $i++ ) {
		presence_upsert( 'scale/room-' . ( $i % $rooms ), "user-$i", scale_state( $kind, $i ), 1 + $i % 1000, 3600 );
	}
	$fill = ( hrtime( true ) - $t ) / $n;
	$s    = presence_stats();
	if ( $s['live_entries'] !== $n || $s['evictions']['lru'] !== 0 ) {
		fwrite( STDERR, "expected $n live entries and no eviction, found {$s['live_entries']} and {$s['evictions']['lru']}\n" );
		exit( 1 );
	}
	mt_srand( 7 );
	$k = $n >= 1000 ? 20000 : 2000;
	$t = hrtime( true );
	for ( $j = 0; $j < $k; $j++ ) {
		$i     = mt_rand( 0, $n - 1 );
		$state = scale_state( $kind, $i );
		// A changed state each time (the store's slow path: new content, new version).
		$state['screen'] = $j & 1 ? 'edit-post' : 'dashboard';
		presence_upsert( 'scale/room-' . ( $i % $rooms ), "user-$i", $state, 1 + $i % 1000, 3600 );
	}
	$upsert = ( hrtime( true ) - $t ) / $k;
	$t      = hrtime( true );
	for ( $j = 0; $j < $k; $j++ ) {
		presence_room( 'scale/room-' . mt_rand( 0, $rooms - 1 ) );
	}
	$read = ( hrtime( true ) - $t ) / $k;
	$s    = presence_stats();
	echo json_encode(
		array(
			'n'              => $n,
			'state'          => $kind,
			'state_json'     => strlen( json_encode( scale_state( $kind, 1 ) ) ),
			'fill_ns'        => $fill,
			'upsert_ns'      => $upsert,
			'read_ns'        => $read,
			'bytes_per_live' => $s['bytes_used'] / $s['live_entries'],
			'bytes_per_slot' => $s['bytes_total'] / $s['capacity'],
			'capacity'       => $s['capacity'],
			'segment_bytes'  => $s['bytes_total'],
		)
	), "\n";
}

function scale_comparison( array $sizes ): array {
	printf( "\nScale: changed-state upserts and 20-client room reads on a table of N entries (each N in its own process and segment)\n" );
	printf( "| entries | state | upsert ns | room read ns | used bytes per entry | segment bytes per entry slot | segment |\n|---:|---|---:|---:|---:|---:|---:|\n" );
	$rows = array();
	foreach ( $sizes as $n => $size ) {
		foreach ( array( 'small', 'plugin' ) as $kind ) {
			$dir  = is_dir( '/dev/shm' ) ? '/dev/shm' : sys_get_temp_dir();
			$path = "$dir/presence-bench-$n-$kind-" . getmypid() . '.seg';
			$cmd  = array( PHP_BINARY, '-n', '-d', 'extension=' . getenv( 'PRESENCE_SO' ), '-d', "presence.shm_path=$path", '-d', "presence.shm_size=$size", __FILE__, 'scale-child', (string) $n, $kind );
			$p    = proc_open( $cmd, array( 1 => array( 'pipe', 'w' ) ), $pipes );
			$json = stream_get_contents( $pipes[1] );
			fclose( $pipes[1] );
			$rc = proc_close( $p );
			@unlink( $path );
			$r = json_decode( $json, true );
			if ( 0 !== $rc || ! is_array( $r ) ) {
				fwrite( STDERR, "scale child for $n ($kind) failed ($rc): $json\n" );
				exit( 1 );
			}
			printf(
				"| %s | %s (%d B JSON) | %.0f | %.0f | %.0f | %.0f | %.0f MiB |\n",
				number_format( $n ),
				$kind,
				$r['state_json'],
				$r['upsert_ns'],
				$r['read_ns'],
				$r['bytes_per_live'],
				$r['bytes_per_slot'],
				$r['segment_bytes'] / 1048576
			);
			$rows[] = $r;
		}
	}
	return $rows;
}

/** Profile mode (benches/profile): the heartbeat comparison's rooms, then only room reads. */
function profile_room_reads( int $n ): void {
	presence_flush( 'bench/' );
	for ( $r = 0; $r < ROOMS; $r++ ) {
		for ( $c = 0; $c < CLIENTS; $c++ ) {
			native_heartbeat( $r, $c );
		}
	}
	mt_srand( 42 );
	for ( $i = 0; $i < $n; $i++ ) {
		presence_room( 'bench/room-' . mt_rand( 0, ROOMS - 1 ) );
	}
}

if ( ( $argv[1] ?? '' ) === 'profile-room' ) {
	profile_room_reads( (int) ( $argv[2] ?? 50000 ) );
	exit( 0 );
}
if ( ( $argv[1] ?? '' ) === 'scale-child' ) {
	scale_child( (int) $argv[2], $argv[3] ?? 'small' );
	exit( 0 );
}
if ( ! function_exists( 'presence_upsert' ) || ! function_exists( 'apcu_add' ) || ! apcu_enabled() ) {
	fwrite( STDERR, "needs the presence extension and APCu with apc.enable_cli=1 (use benches/run)\n" );
	exit( 1 );
}
$quick  = getenv( 'PRESENCE_BENCH_QUICK' ) === '1';
$load   = sys_getloadavg();
$result = array(
	'date'      => gmdate( 'Y-m-d' ),
	// The machine's 1-minute load average when the run started (this process not yet counted).
	'load'      => $load ? $load[0] : null,
	'php'       => PHP_VERSION,
	'apcu'      => phpversion( 'apcu' ),
	'quick'     => $quick,
	'heartbeat' => heartbeat_comparison( $quick ? 3 : 9, $quick ? 2000 : 20000 ),
	// Segment sizes that hold N entries without eviction (presence.shm_size budgets ~560 B per slot).
	'scale'     => getenv( 'PRESENCE_BENCH_HEARTBEAT_ONLY' ) ? array() : scale_comparison( $quick ? array( 1000 => '1M', 10000 => '8M' ) : array( 1000 => '1M', 100000 => '64M', 1000000 => '600M' ) ),
);
$json_path = getenv( 'PRESENCE_BENCH_JSON' );
if ( $json_path ) {
	file_put_contents( $json_path, json_encode( $result, JSON_PRETTY_PRINT ) . "\n" );
}
