<?php
/**
 * Summarises the load harness's runs: per number online, kind of tick and variant, the median
 * over rounds of requests/s and latency, the errors of all rounds, bytes per answer, database
 * queries inside heartbeat_received, and the ratio of requests/s to bare WordPress measured in
 * the same rounds. Prints Markdown tables and writes everything as JSON (read by benches/figures).
 *
 * Usage: php summary.php RESULTS.jsonl OUT.json CORES CONNECTIONS SECONDS ROUNDS QUICK [LOAD_START]
 * (LOAD_START: the 1-minute load average before the benchmark started.)
 */

if ( $argc < 8 || $argc > 9 ) {
	fwrite( STDERR, "usage: php summary.php RESULTS.jsonl OUT.json CORES CONNECTIONS SECONDS ROUNDS QUICK [LOAD_START]\n" );
	exit( 2 );
}
list( , $in, $out, $cores, $connections, $seconds, $rounds, $quick ) = $argv;
$load_start = isset( $argv[8] ) ? (float) $argv[8] : null;

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
				'queries_received' => max( array_column( $list, 'queries_received' ) ),
				'queries_total'    => max( array_column( $list, 'queries_total' ) ),
				'store'            => $list[0]['store'],
				'ratio_to_bare'    => $ratios ? median( $ratios ) : null,
			);
		}
	}
}

$scenario_titles = array(
	'dashboard-first'  => 'dashboard, first tick (full answer)',
	'dashboard-steady' => 'dashboard, steady tick (versions held)',
	'editor-steady'    => 'post editor tick with the post lock (versions held)',
);
$current = null;
foreach ( $rows as $r ) {
	$key = $r['online'] . '/' . $r['scenario'];
	if ( $key !== $current ) {
		$current = $key;
		printf( "\n%d online, %s\n", $r['online'], $scenario_titles[ $r['scenario'] ] ?? $r['scenario'] );
		echo "| variant | req/s | x bare | p50 ms | p99 ms | bytes | queries in heartbeat_received | errors |\n";
		echo "|---|---:|---:|---:|---:|---:|---:|---:|\n";
	}
	printf(
		"| %s | %.0f | %s | %.1f | %.1f | %.0f | %s | %d |\n",
		$r['variant'],
		$r['rps'],
		null === $r['ratio_to_bare'] ? '' : sprintf( '%.2f', $r['ratio_to_bare'] ),
		$r['p50_ms'],
		$r['p99_ms'],
		$r['bytes'],
		null === $r['queries_received'] ? '?' : (string) $r['queries_received'],
		$r['errors']
	);
}
printf( "\n%d requests measured, %d errors\n", array_sum( array_column( $rows, 'requests' ) ), $total_errors );

$result = array(
	'meta' => array(
		'cores'          => (int) $cores,
		'php_workers'    => 4,
		'connections'    => (int) $connections,
		'seconds_per_run' => (float) $seconds,
		'rounds'         => (int) $rounds,
		'quick'          => '1' === $quick,
		'php'            => PHP_VERSION,
		'date'           => gmdate( 'Y-m-d' ),
		// The 1-minute load average before the benchmark started (the rest of the machine), and
		// the highest before a run (the benchmark's own load included).
		'load_start'     => $load_start,
		'load_max'       => max( array_map( fn( $r ) => (float) ( $r['load_before'] ?? 0 ), $runs ) ),
		// Variants that could not run here, each with its reason (benches/load/run).
		'skipped'        => array_values( array_filter( explode( "\n", (string) getenv( 'PRESENCE_LOAD_SKIPPED' ) ) ) ),
	),
	'rows' => $rows,
	'runs' => $runs,
);
file_put_contents( $out, json_encode( $result, JSON_PRETTY_PRINT ) . "\n" );
exit( $total_errors > 0 ? 1 : 0 );
