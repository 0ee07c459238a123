<?php
/**
 * Folds one run of the load harness into earlier results: what the new run measured replaces the
 * same entries of the old file, everything else is kept as it was, each entry with the run that
 * measured it. Nothing is computed across runs: a row's ratio to bare WordPress, a lane entry's
 * ratios and a cost entry's live ÷ before were each taken within their own run (summary.php), and
 * benches/load/run measures beside a chosen row whatever it is compared with.
 *
 *   rows, runs (rounds)  replaced by (online, kind of tick, variant)
 *   lane                 replaced by (online, variant)
 *   cost                 replaced by (online, variant, page)
 *   meta.runs            every run some entry still comes from, oldest first
 *
 * A file written before entries named their run (its meta has `date` and no `runs`) counts as one
 * run, named by its date, whose entries all carry that date.
 *
 * Usage: php merge.php OLD.json NEW.json OUT.json (OUT may be OLD; written whole, then renamed).
 */

if ( 4 !== $argc ) {
	fwrite( STDERR, "usage: php merge.php OLD.json NEW.json OUT.json\n" );
	exit( 2 );
}
list( , $old_path, $new_path, $out ) = $argv;

function load_results( string $path ): array {
	$data = json_decode( (string) @file_get_contents( $path ), true );
	if ( ! is_array( $data ) || ! is_array( $data['rows'] ?? null ) || ! is_array( $data['meta'] ?? null ) ) {
		fwrite( STDERR, "$path: not the load test's results (no meta and rows)\n" );
		exit( 1 );
	}
	if ( ! isset( $data['meta']['runs'] ) ) {
		if ( ! isset( $data['meta']['date'] ) ) {
			fwrite( STDERR, "$path: its meta has neither runs nor a date\n" );
			exit( 1 );
		}
		$run                  = array( 'run' => $data['meta']['date'] ) + $data['meta'];
		$data['meta']         = array( 'runs' => array( $run ) );
		foreach ( array( 'rows', 'lane', 'cost', 'runs' ) as $part ) {
			$data[ $part ] = array_map( static fn( $e ) => $e + array( 'date' => $run['date'], 'run' => $run['run'] ), $data[ $part ] ?? array() );
		}
	}
	return $data;
}

$old = load_results( $old_path );
$new = load_results( $new_path );

$keys = array(
	'rows' => array( 'online', 'scenario', 'variant' ),
	'runs' => array( 'online', 'scenario', 'variant' ),
	'lane' => array( 'online', 'variant' ),
	'cost' => array( 'online', 'variant', 'page' ),
);
$key_of = static fn( array $entry, array $fields ) => implode( '|', array_map( static fn( $f ) => (string) ( $entry[ $f ] ?? '' ), $fields ) );

$merged = array();
foreach ( $keys as $part => $fields ) {
	$fresh = array();
	foreach ( $new[ $part ] ?? array() as $entry ) {
		$fresh[ $key_of( $entry, $fields ) ][] = $entry;
	}
	// In the old order, each replaced entry where it stood (so the tables keep their order), the
	// new run's other entries after them.
	$list = array();
	$done = array();
	foreach ( $old[ $part ] ?? array() as $entry ) {
		$key = $key_of( $entry, $fields );
		if ( ! isset( $fresh[ $key ] ) ) {
			$list[] = $entry;
		} elseif ( ! isset( $done[ $key ] ) ) {
			array_push( $list, ...$fresh[ $key ] );
			$done[ $key ] = true;
		}
	}
	foreach ( $fresh as $key => $entries ) {
		if ( ! isset( $done[ $key ] ) ) {
			array_push( $list, ...$entries );
		}
	}
	$merged[ $part ] = $list;
}

// The runs some entry still comes from; a run replaced entirely is dropped.
$used = array();
foreach ( array( 'rows', 'lane', 'cost' ) as $part ) {
	foreach ( $merged[ $part ] as $entry ) {
		$used[ $entry['run'] ] = true;
	}
}
$runs = array();
foreach ( array_merge( $old['meta']['runs'], $new['meta']['runs'] ) as $run ) {
	if ( isset( $used[ $run['run'] ] ) ) {
		$runs[ $run['run'] ] = $run;
	}
}
uasort( $runs, static fn( $a, $b ) => strcmp( $a['run'], $b['run'] ) );

$result = array( 'meta' => array( 'runs' => array_values( $runs ) ) ) + $merged;
$tmp    = "$out.tmp";
if ( false === file_put_contents( $tmp, json_encode( $result, JSON_PRETTY_PRINT ) . "\n" ) || ! rename( $tmp, $out ) ) {
	fwrite( STDERR, "could not write $out\n" );
	exit( 1 );
}
printf(
	"%s: %d rows from %d runs (%s)\n",
	$out,
	count( $merged['rows'] ),
	count( $runs ),
	implode( ', ', array_map( static fn( $r ) => $r['run'] . ': ' . count( array_filter( $merged['rows'], static fn( $e ) => $e['run'] === $r['run'] ) ) . ' rows', $runs ) )
);
