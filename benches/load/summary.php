<?php
/**
 * Summarises the load harness's runs: per number online, kind of tick and variant, the median
 * over rounds of requests/s and latency, the errors of all rounds, bytes per answer, database
 * queries inside heartbeat_received, the server's CPU per request, and the ratio of requests/s to
 * bare WordPress measured in the same rounds. For the live lane: a poll's rate beside an empty
 * PHP file's and a heartbeat's (ratios per round), and the server CPU per online user per minute
 * of the live client's mix beside the client before it (one full dashboard tick a minute).
 * Prints Markdown tables and writes everything as JSON (read by benches/figures).
 *
 * Usage: php summary.php RESULTS.jsonl OUT.json CORES CONNECTIONS SECONDS ROUNDS QUICK [LOAD_START]
 * (LOAD_START: the 1-minute load average before the benchmark started.) Environment:
 * PRESENCE_LOAD_STARTED, when the run started (UTC, ISO 8601; default now): it names the run, and
 * every row, lane and cost entry and every round carries it (`run`) with its date (`date`), so
 * that merge.php can fold this run into an earlier file and a ratio is never taken across runs;
 * PRESENCE_LOAD_SKIPPED, the variants that could not run, one a line with the reason.
 */

if ( $argc < 8 || $argc > 9 ) {
	fwrite( STDERR, "usage: php summary.php RESULTS.jsonl OUT.json CORES CONNECTIONS SECONDS ROUNDS QUICK [LOAD_START]\n" );
	exit( 2 );
}
list( , $in, $out, $cores, $connections, $seconds, $rounds, $quick ) = $argv;
$load_start = isset( $argv[8] ) ? (float) $argv[8] : null;
$run_id     = getenv( 'PRESENCE_LOAD_STARTED' ) ?: gmdate( 'Y-m-d\TH:i:s\Z' );
$run_date   = substr( $run_id, 0, 10 );

$runs = array();
foreach ( file( $in, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $line ) {
	$run = json_decode( $line, true );
	if ( ! is_array( $run ) ) {
		fwrite( STDERR, "not a result line: $line\n" );
		exit( 1 );
	}
	$runs[] = $run;
}
if ( ! $runs ) {
	fwrite( STDERR, "no results in $in\n" );
	exit( 1 );
}

function median( array $xs ): float {
	sort( $xs );
	$n = count( $xs );
	return $n % 2 ? $xs[ intdiv( $n, 2 ) ] : ( $xs[ $n / 2 - 1 ] + $xs[ $n / 2 ] ) / 2;
}

// Group by number online, kind of tick and variant, keeping the order of first appearance.
$groups = array();
foreach ( $runs as $run ) {
	$groups[ $run['online'] ][ $run['scenario'] ][ $run['variant'] ][] = $run;
}

$rows          = array();
$total_errors  = 0;
foreach ( $groups as $online => $scenarios ) {
	foreach ( $scenarios as $scenario => $variants ) {
		// Ratios per round first (bare and the variant measured minutes apart at most), then
		// their median: the machine's drift between rounds cancels out.
		$bare_by_round = array();
		foreach ( $variants['bare'] ?? array() as $run ) {
			$bare_by_round[ $run['round'] ] = $run['wrk']['rps'];
		}
		foreach ( $variants as $variant => $list ) {
			$ratios = array();
			$errors = 0;
			foreach ( $list as $run ) {
				if ( isset( $bare_by_round[ $run['round'] ] ) && $bare_by_round[ $run['round'] ] > 0 ) {
					$ratios[] = $run['wrk']['rps'] / $bare_by_round[ $run['round'] ];
				}
				$errors += $run['wrk']['socket_errors'] + $run['wrk']['timeouts'] + $run['wrk']['bad'];
			}
			$total_errors += $errors;
			$rows[]        = array(
				'online'           => (int) $online,
				'scenario'         => $scenario,
				'variant'          => $variant,
				'rounds'           => count( $list ),
				'rps'              => median( array_column( array_column( $list, 'wrk' ), 'rps' ) ),
				'rps_rounds'       => array_column( array_column( $list, 'wrk' ), 'rps' ),
				'p50_ms'           => median( array_column( array_column( $list, 'wrk' ), 'p50_ms' ) ),
				'p99_ms'           => median( array_column( array_column( $list, 'wrk' ), 'p99_ms' ) ),
				'bytes'            => median( array_column( array_column( $list, 'wrk' ), 'bytes_per_answer' ) ),
				'requests'         => array_sum( array_column( array_column( $list, 'wrk' ), 'requests' ) ),
				'errors'           => $errors,
				// Counted on heartbeats only (null for the live lane's requests).
				'queries_received' => array_column( $list, 'queries_received' ) ? max( array_column( $list, 'queries_received' ) ) : null,
				'queries_total'    => array_column( $list, 'queries_total' ) ? max( array_column( $list, 'queries_total' ) ) : null,
				'store'            => $list[0]['store'],
				'ratio_to_bare'    => $ratios ? median( $ratios ) : null,
				// Median over rounds of the servers' CPU time per request.
				'cpu_ms'           => median( array_map( static fn( $r ) => ( $r['cpu_ms'] ?? 0 ) / max( 1, $r['wrk']['requests'] ), $list ) ),
				'mix'              => $list[0]['mix'] ?? null,
			);
		}
	}
}

$scenario_titles = array(
	'dashboard-first'  => 'dashboard, first tick (full answer)',
	'dashboard-steady' => 'dashboard, steady tick (versions held)',
	'editor-steady'    => 'post editor tick with the post lock (versions held)',
	'live-poll'        => 'live lane: a poll of plugin/live.php',
	'empty-php'        => 'an empty PHP file',
	'mix-dashboard'    => 'one online user of the live client on the dashboard, its requests in proportion',
	'mix-editor'       => 'one online user of the live client in the post editor, its requests in proportion',
);
$current = null;
foreach ( $rows as $r ) {
	$key = $r['online'] . '/' . $r['scenario'];
	if ( $key !== $current ) {
		$current = $key;
		printf( "\n%d online, %s\n", $r['online'], $scenario_titles[ $r['scenario'] ] ?? $r['scenario'] );
		echo "| variant | req/s | x bare | p50 ms | p99 ms | bytes | queries in heartbeat_received | server CPU ms/request | errors |\n";
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
	}
	printf(
		"| %s | %.0f | %s | %.1f | %.1f | %.0f | %s | %.2f | %d |\n",
		$r['variant'],
		$r['rps'],
		null === $r['ratio_to_bare'] ? '' : sprintf( '%.2f', $r['ratio_to_bare'] ),
		$r['p50_ms'],
		$r['p99_ms'],
		$r['bytes'],
		null === $r['queries_received'] ? '?' : (string) $r['queries_received'],
		$r['cpu_ms'],
		$r['errors']
	);
}

// The live lane, per number online and store: a poll's requests/s against an empty PHP file's and
// a steady dashboard heartbeat's of the same variant, each a ratio within one round, then the
// median over rounds; and the server CPU per online user per minute.
$by_round = array();
foreach ( $runs as $run ) {
	$by_round[ $run['online'] ][ $run['variant'] ][ $run['scenario'] ][ $run['round'] ] = $run;
}
$lane = array();
$cost = array();
foreach ( $by_round as $online => $variants ) {
	foreach ( $variants as $variant => $scenarios ) {
		$row = static fn( string $scenario ) => current( array_filter( $rows, static fn( $r ) => $r['online'] === (int) $online && $r['variant'] === $variant && $r['scenario'] === $scenario ) ) ?: null;
		// The client before: a tick a minute of the same page. On the dashboard a full answer each
		// (the version it held was more than 30 s old by then, so it asked for everything); in the
		// editor the steady tick, the kind this harness measures there (a full one costs more).
		foreach ( array( 'dashboard' => 'dashboard-first', 'editor' => 'editor-steady' ) as $page => $before ) {
			$mix  = $row( 'mix-' . $page );
			$tick = $row( $before );
			if ( $mix && $tick && is_array( $mix['mix'] ) ) {
				$per_minute = $mix['mix']['polls'] + $mix['mix']['keepalives'] + $mix['mix']['changes'];
				$cost[]     = array(
					'online'   => (int) $online,
					'variant'  => $variant,
					'page'     => $page,
					'today_ms' => $tick['cpu_ms'],
					'live_ms'  => $mix['cpu_ms'] * $per_minute,
					'mix'      => $mix['mix'],
				);
			}
		}
		if ( ! isset( $scenarios['live-poll'] ) ) {
			continue;
		}
		$to_empty     = array();
		$to_heartbeat = array();
		foreach ( $scenarios['live-poll'] as $round => $poll ) {
			if ( isset( $scenarios['empty-php'][ $round ] ) ) {
				$to_empty[] = $poll['wrk']['rps'] / max( 1e-9, $scenarios['empty-php'][ $round ]['wrk']['rps'] );
			}
			if ( isset( $scenarios['dashboard-steady'][ $round ] ) ) {
				$to_heartbeat[] = $poll['wrk']['rps'] / max( 1e-9, $scenarios['dashboard-steady'][ $round ]['wrk']['rps'] );
			}
		}
		$lane[] = array(
			'online'          => (int) $online,
			'variant'         => $variant,
			'poll_rps'        => $row( 'live-poll' )['rps'] ?? null,
			'empty_rps'       => $row( 'empty-php' )['rps'] ?? null,
			'heartbeat_rps'   => $row( 'dashboard-steady' )['rps'] ?? null,
			'poll_cpu_ms'     => $row( 'live-poll' )['cpu_ms'] ?? null,
			'to_empty'        => $to_empty ? median( $to_empty ) : null,
			'to_heartbeat'    => $to_heartbeat ? median( $to_heartbeat ) : null,
		);
	}
}
if ( $lane ) {
	echo "\nLive lane: a poll beside an empty PHP file and a steady dashboard heartbeat (ratios of the same rounds)\n";
	echo "| online | variant | poll req/s | empty PHP req/s | heartbeat req/s | poll / empty | poll / heartbeat | poll CPU ms |\n|---:|---|---:|---:|---:|---:|---:|---:|\n";
	foreach ( $lane as $l ) {
		printf( "| %d | %s | %.0f | %.0f | %.0f | %.2f | %.0f | %.3f |\n", $l['online'], $l['variant'], $l['poll_rps'], $l['empty_rps'], $l['heartbeat_rps'], $l['to_empty'] ?? 0, $l['to_heartbeat'] ?? 0, $l['poll_cpu_ms'] );
	}
}
if ( $cost ) {
	echo "\nServer CPU per online user per minute: the client before (a full dashboard tick a minute) and the live client\n";
	echo "| online | variant | page | before, ms | live, ms | live / before | polls | keepalives | keepalive answer | heartbeats on change |\n|---:|---|---|---:|---:|---:|---:|---:|---|---:|\n";
	foreach ( $cost as $c ) {
		printf( "| %d | %s | %s | %.1f | %.1f | %.2f | %.1f | %.2f | %s | %.2f |\n", $c['online'], $c['variant'], $c['page'], $c['today_ms'], $c['live_ms'], $c['live_ms'] / max( 1e-9, $c['today_ms'] ), $c['mix']['polls'], $c['mix']['keepalives'], 'first' === $c['mix']['keepalive_kind'] ? 'full' : 'unchanged', $c['mix']['changes'] );
	}
}
printf( "\n%d requests measured, %d errors\n", array_sum( array_column( $rows, 'requests' ) ), $total_errors );

// Each entry names the run that measured it (merge.php keeps entries of several runs).
$stamp = static fn( array $entries ) => array_map( static fn( $e ) => $e + array( 'date' => $run_date, 'run' => $run_id ), $entries );
$result = array(
	// One run here; merge.php lists every run a merged file holds.
	'meta' => array( 'runs' => array( array(
		'run'            => $run_id,
		'date'           => $run_date,
		'cores'          => (int) $cores,
		'php_workers'    => 4,
		'connections'    => (int) $connections,
		'seconds_per_run' => (float) $seconds,
		'rounds'         => (int) $rounds,
		'quick'          => '1' === $quick,
		'php'            => PHP_VERSION,
		// The 1-minute load average before the benchmark started (the rest of the machine), and
		// the highest before a run (the benchmark's own load included).
		'load_start'     => $load_start,
		'load_max'       => max( array_map( fn( $r ) => (float) ( $r['load_before'] ?? 0 ), $runs ) ),
		// Variants that could not run here, each with its reason (benches/load/run).
		'skipped'        => array_values( array_filter( explode( "\n", (string) getenv( 'PRESENCE_LOAD_SKIPPED' ) ) ) ),
		// What this run measured (PRESENCE_LOAD_VARIANTS, PRESENCE_LOAD_SCENARIOS).
		'variants'       => array_values( array_unique( array_column( $runs, 'variant' ) ) ),
		'scenarios'      => array_values( array_unique( array_column( $runs, 'scenario' ) ) ),
		'online'         => array_values( array_unique( array_column( $runs, 'online' ) ) ),
	) ) ),
	'rows' => $stamp( $rows ),
	'lane' => $stamp( $lane ),
	'cost' => $stamp( $cost ),
	'runs' => $stamp( $runs ),
);
file_put_contents( $out, json_encode( $result, JSON_PRETTY_PRINT ) . "\n" );
exit( $total_errors > 0 ? 1 : 0 );
