<?php
/**
 * The database fallback at scale: what the reads behind Active posts (every dashboard heartbeat)
 * and `GET /presence/rooms` cost when the table holds 50 000 rows, most of them rows those reads
 * do not need — a day of screen revisions from a flood of stale marks, post-room rows expired
 * within the hour (the hourly clean-up has not run yet), an integration's rooms, the budgets'
 * ledgers — side by side:
 *
 *   before — the table's layout 2 (no room_live index) and the reads as they were: every live
 *            room, then the post rooms picked in PHP;
 *   after  — layout 3 (room_live) and the reads as they are: index ranges of the rooms needed.
 *
 * Both tables hold the same rows and are scratch copies in the site's database (dropped at the
 * end); the plugin's own WPP_Database_Backend reads them. Printed for each read: the median
 * time of alternating rounds, the rows MariaDB read for it (its Handler_read_* counters: index
 * entries and table rows; counted work, the same on any machine) and the plan of its rooms
 * query; then what a heartbeat's write (refreshing an entry) costs on each layout, since every
 * index is one more to update.
 *
 *   eval "$(PRESENCE_SITE=bench tools/site/site.sh env)"
 *   PHP_INI_SCAN_DIR=$PHP_INI_SCAN_DIR_NO_EXTENSION php benches/database-scale.php "$DOCROOT" "$PHP_HOST"
 *
 * benches/run-backends runs it. PRESENCE_BENCH_QUICK=1: 5 000 rows and a few rounds (proves it
 * runs; no number from it means anything). PRESENCE_BENCH_JSON=FILE also writes the results.
 *
 * @package Presence
 */

// phpcs:disable
if ( $argc !== 3 ) {
	fwrite( STDERR, "usage: php benches/database-scale.php DOCROOT HOST\n" );
	exit( 2 );
}
$_SERVER['HTTP_HOST'] = $argv[2];
require rtrim( $argv[1], '/' ) . '/wp-load.php';

const WPP_BENCH_LAYOUTS = array( 'before', 'after' );

$quick  = '1' === getenv( 'PRESENCE_BENCH_QUICK' );
$total  = $quick ? 5000 : 50000;
$rounds = $quick ? 3 : 31;

/**
 * The layout before room_live (layout 2), as it was created then.
 */
function wpp_bench_schema_before( string $table ): string {
	global $wpdb;
	return "CREATE TABLE {$table} (
  id bigint(20) unsigned NOT NULL auto_increment,
  room varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  client_id varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  user_id bigint(20) unsigned NOT NULL default 0,
  data longtext NOT NULL,
  updated_at decimal(16,6) NOT NULL,
  expires_at bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY room_client (room,client_id),
  KEY user_id (user_id),
  KEY expires_at (expires_at)
) " . $wpdb->get_charset_collate();
}

/** The table prefix under which the plugin's backend finds a layout's scratch table. */
function wpp_bench_prefix( string $layout ): string {
	return "wppbench_{$layout}_";
}

/** Runs $fn with the backend reading the scratch table of $layout. */
function wpp_bench_on( string $layout, callable $fn ) {
	global $wpdb;
	$prefix        = $wpdb->prefix;
	$wpdb->prefix  = wpp_bench_prefix( $layout );
	try {
		return $fn();
	} finally {
		$wpdb->prefix = $prefix;
	}
}

/** Rows MariaDB read so far in this session: index entries and table rows (lookups aside). */
function wpp_bench_rows_read(): int {
	global $wpdb;
	$total = 0;
	foreach ( (array) $wpdb->get_results( "SHOW SESSION STATUS LIKE 'Handler_read%'", ARRAY_N ) as list( $name, $value ) ) {
		$total += 'Handler_read_key' === $name ? 0 : (int) $value;
	}
	return $total;
}

/**
 * The rows of the table: $total in all, in the proportions of a site after a flood.
 *
 * @return array[] [room, client_id, user_id, updated_at, expires_at]
 */
function wpp_bench_rows( int $total ): array {
	$now  = time();
	$rows = array();
	$part = static fn( float $share ) => (int) round( $total * $share );
	for ( $i = 0; $i < 200; $i++ ) {
		$rows[] = array( 'admin/online', 'user-' . ( $i + 2 ), $i + 2, $now - ( $i % 60 ), $now + 150 - ( $i % 60 ) );
	}
	for ( $i = 0; $i < 100; $i++ ) { // 50 posts being edited, two people each.
		$rows[] = array( 'postType/post:' . ( intdiv( $i, 2 ) + 1 ), 'user-' . ( $i + 2 ), $i + 2, $now - 10, $now + 140 );
	}
	for ( $i = 0, $n = $part( 0.05 ); $i < $n; $i++ ) { // An integration's rooms, five clients each.
		$rows[] = array( 'gse/doc-' . intdiv( $i, 5 ), "gse-$i", $i % 100 + 2, $now - 20, $now + 130 );
	}
	for ( $i = 0, $n = $part( 0.024 ); $i < $n; $i++ ) { // The budgets' ledgers.
		$rows[] = array( 'budget/' . ( intdiv( $i, 20 ) + 2 ), 'mark-' . md5( (string) $i ), 0, $now - 600, $now + DAY_IN_SECONDS - 600 );
	}
	for ( $i = 0, $n = $part( 0.12 ); $i < $n; $i++ ) { // Post rooms left within the hour.
		$rows[] = array( 'postType/post:' . ( 1000 + $i ), 'user-' . ( $i % 300 + 2 ), $i % 300 + 2, $now - 3000 + ( $i % 2000 ), $now - 2850 + ( $i % 2000 ) );
	}
	for ( $i = 0, $n = $total - count( $rows ); $i < $n; $i++ ) { // The flood: a day of screen revisions.
		$age    = $i % 80000;
		$rows[] = array( 'screens/flood/' . $i, 'revision', 0, $now - $age, $now + DAY_IN_SECONDS - $age );
	}
	return $rows;
}

/** Creates a layout's scratch table and fills it. */
function wpp_bench_table( string $layout, array $rows ): void {
	global $wpdb;
	$table = wpp_bench_prefix( $layout ) . 'wpp_presence';
	$wpdb->query( "DROP TABLE IF EXISTS {$table}" );
	$wpdb->query( 'before' === $layout ? wpp_bench_schema_before( $table ) : wpp_table_schema( $table ) );
	foreach ( array_chunk( $rows, 1000 ) as $chunk ) {
		$values = array();
		foreach ( $chunk as list( $room, $client, $user, $updated, $expires ) ) {
			$values[] = $wpdb->prepare( '(%s, %s, %d, %s, %s, %d)', $room, $client, $user, '{"display_name":"Someone","avatar_url":"https://example.org/a.png","tab":"t"}', sprintf( '%.6F', $updated ), $expires );
		}
		$wpdb->query( "INSERT INTO {$table} (room, client_id, user_id, data, updated_at, expires_at) VALUES " . implode( ', ', $values ) );
	}
	$wpdb->query( "ANALYZE TABLE {$table}" );
}

/**
 * The reads, as each layout's code makes them. Each returns what its caller gets, so both can be
 * checked to agree.
 */
function wpp_bench_reads(): array {
	$ttl = 150;
	return array(
		'Active posts (dashboard heartbeat)' => array(
			'before' => static function ( WPP_Database_Backend $b ) use ( $ttl ) {
				$rooms = array_values( array_filter( array_map( 'strval', array_keys( $b->rooms( $ttl ) ) ), static fn( $r ) => null !== wpp_rooms_parse_post( $r ) ) );
				return $b->get_rooms( $rooms, $ttl );
			},
			'after'  => static function ( WPP_Database_Backend $b ) use ( $ttl ) {
				$rooms = array_values( array_filter( array_map( 'strval', array_keys( $b->rooms( $ttl, 'postType/' ) ) ), static fn( $r ) => null !== wpp_rooms_parse_post( $r ) ) );
				return $b->get_rooms( $rooms, $ttl );
			},
		),
		'GET /presence/rooms (its rooms query)' => array(
			'before' => static function ( WPP_Database_Backend $b ) use ( $ttl ) {
				return array_filter( $b->rooms( $ttl ), static fn( $room ) => ! str_starts_with( $room, 'screens/' ) && ! str_starts_with( $room, 'budget/' ), ARRAY_FILTER_USE_KEY );
			},
			'after'  => static fn( WPP_Database_Backend $b ) => $b->rooms( $ttl, '', wpp_privacy_internal_prefixes() ),
		),
		'a heartbeat write (refresh of an entry)' => array(
			'before' => static fn( WPP_Database_Backend $b ) => $b->set( 'admin/online', 'user-2', array( 'display_name' => 'Someone', 'tab' => 't' ), 2, $ttl ),
			'after'  => static fn( WPP_Database_Backend $b ) => $b->set( 'admin/online', 'user-2', array( 'display_name' => 'Someone', 'tab' => 't' ), 2, $ttl ),
		),
	);
}

/** The plan of a query, in a line: access type, index, estimated rows, extra ('' for no query). */
function wpp_bench_plan( string $sql ): string {
	global $wpdb;
	if ( '' === $sql ) {
		return '';
	}
	$plan = $wpdb->get_row( 'EXPLAIN ' . $sql, ARRAY_A );
	return sprintf( '%s on %s, ~%s rows, %s', $plan['type'] ?? '?', $plan['key'] ?? 'no index', $plan['rows'] ?? '?', $plan['Extra'] ?? '' );
}

function wpp_bench_median( array $values ): float {
	sort( $values );
	return (float) $values[ intdiv( count( $values ), 2 ) ];
}

global $wpdb;
$backend = new WPP_Database_Backend();
$rows    = wpp_bench_rows( $total );
register_shutdown_function(
	static function () use ( $wpdb ) {
		foreach ( WPP_BENCH_LAYOUTS as $layout ) {
			$wpdb->query( 'DROP TABLE IF EXISTS ' . wpp_bench_prefix( $layout ) . 'wpp_presence' );
		}
	}
);
foreach ( WPP_BENCH_LAYOUTS as $layout ) {
	wpp_bench_table( $layout, $rows );
}
$live = count( array_filter( $rows, static fn( $r ) => $r[4] > time() ) );
printf( "%d rows (%d live): %d screen revisions, %d post-room rows expired within the hour, an integration's and the ledgers' rooms, 200 people online, 50 posts being edited.\n", count( $rows ), $live, count( array_filter( $rows, static fn( $r ) => str_starts_with( $r[0], 'screens/' ) ) ), count( array_filter( $rows, static fn( $r ) => str_starts_with( $r[0], 'postType/' ) && $r[4] <= time() ) ) );
printf( "Median of %d alternating rounds; rows read = MariaDB's Handler_read_* (index entries and table rows) for one call.\n\n", $rounds );

$results = array();
foreach ( wpp_bench_reads() as $name => $variants ) {
	$times = array_fill_keys( WPP_BENCH_LAYOUTS, array() );
	$read  = array();
	$plan  = array();
	$agree = array();
	for ( $r = 0; $r < $rounds; $r++ ) {
		$order = 0 === $r % 2 ? WPP_BENCH_LAYOUTS : array_reverse( WPP_BENCH_LAYOUTS );
		foreach ( $order as $layout ) {
			wpp_bench_on(
				$layout,
				static function () use ( $layout, $variants, $backend, &$times, &$read, &$plan, &$agree ) {
					$rows_before = wpp_bench_rows_read();
					$start       = hrtime( true );
					$answer      = $variants[ $layout ]( $backend );
					$times[ $layout ][] = ( hrtime( true ) - $start ) / 1000;
					$read[ $layout ]    = wpp_bench_rows_read() - $rows_before;
					if ( ! isset( $plan[ $layout ] ) ) {
						// The plan of its rooms query: run the call once more, catching the SQL.
						$sql     = '';
						$catch   = static function ( $query ) use ( &$sql ) {
							$sql = str_contains( (string) $query, 'GROUP BY room' ) ? (string) $query : $sql;
							return $query;
						};
						add_filter( 'query', $catch );
						$variants[ $layout ]( $backend );
						remove_filter( 'query', $catch );
						$plan[ $layout ]  = wpp_bench_plan( $sql );
						$agree[ $layout ] = is_array( $answer ) ? array_keys( $answer ) : $answer;
					}
				}
			);
		}
	}
	$before = wpp_bench_median( $times['before'] );
	$after  = wpp_bench_median( $times['after'] );
	printf( "%s\n", $name );
	foreach ( WPP_BENCH_LAYOUTS as $layout ) {
		printf( "  %-6s %9.0f µs  %7d rows read%s\n", $layout, wpp_bench_median( $times[ $layout ] ), $read[ $layout ], '' !== $plan[ $layout ] ? '  plan: ' . $plan[ $layout ] : '' );
	}
	printf( "  after / before: %.2fx time, %.3fx rows read%s\n\n", $after / max( 1e-9, $before ), $read['after'] / max( 1, $read['before'] ), $agree['before'] === $agree['after'] ? '' : '  (THE ANSWERS DIFFER)' );
	$results[ $name ] = array(
		'before' => array( 'us' => $before, 'rows_read' => $read['before'], 'plan' => $plan['before'] ),
		'after'  => array( 'us' => $after, 'rows_read' => $read['after'], 'plan' => $plan['after'] ),
		'same_answer' => $agree['before'] === $agree['after'],
	);
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
				'server'  => $wpdb->db_server_info(),
				'quick'   => $quick,
				'rows'    => count( $rows ),
				'live'    => $live,
				'rounds'  => $rounds,
				'results' => $results,
			),
			JSON_PRETTY_PRINT
		) . "\n"
	);
}
