<?php
/**
 * What Network Admin's presence costs on a large network: 1 000 sites, 5 000 people online
 * (PRESENCE_BENCH_QUICK=1: 100 sites, 500 people), the viewer a super admin. Prints, for each
 * part of a Network Admin page that shows presence — the network view's read alone, the
 * dashboard's Who's online widget, the Online cells of a Sites list page (20 sites), the Users
 * list's Online view, filter and cells (20 users), a REST page (50 sites) — its time (best of 30,
 * each after a cold object cache, as in a new request) and its database queries by kind:
 * presence (the store's tables), sites (the network's tables), users, options.
 *
 * The sites are rows of wp_blogs (one multi-row insert); the people are store entries written by
 * the backend, each person online on one site, the sites' crowds skewed (a few busy sites, many
 * quiet ones), a third of them also in a post's room. On the database backend each site gets
 * its own table as a TEMPORARY table (no commit, gone with the connection). Everything runs in a
 * transaction that is rolled back, on a private namespace of the store (emptied afterwards).
 *
 * On the extension each part is also run, alternating with it round by round, with the network
 * view read the way it was read before presence_rooms_read(): one presence_prefix() of the
 * install's key (every room of every site, post rooms included), kept for each site's
 * `admin/online` room (WPP_Bench_Prefix_Read); the ratio of the two is printed, and written to
 * the JSON as `before`.
 *
 *   eval "$(PRESENCE_SITE=benchms tools/site/site.sh env)"
 *   PHP_INI_SCAN_DIR=$PHP_INI_SCAN_DIR php benches/network-admin.php "$DOCROOT" "$PHP_HOST"
 *
 * @package Presence
 */

// phpcs:disable
if ( $argc !== 3 ) {
	fwrite( STDERR, "usage: php benches/network-admin.php DOCROOT HOST\n" );
	exit( 2 );
}
$_SERVER['HTTP_HOST'] = $argv[2];
require rtrim( $argv[1], '/' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';

if ( ! is_multisite() ) {
	fwrite( STDERR, "network-admin: the site at {$argv[1]} is not a network (PRESENCE_MULTISITE=1)\n" );
	exit( 1 );
}

global $wpdb;
$quick   = '1' === getenv( 'PRESENCE_BENCH_QUICK' );
$n_sites = $quick ? 100 : 1000;
$n_users = $quick ? 500 : 5000;
$tries   = $quick ? 3 : 30;

$backend = wpp_backend_native_available() ? new WPP_Native_Backend( 'netbench' ) : new WPP_Database_Backend();
wpp_backend_use( $backend );
$store = $backend instanceof WPP_Native_Backend ? (string) ( presence_stats()['backend'] ?? '?' ) : 'database';
$want  = (string) getenv( 'PRESENCE_BENCH_STORE' );
if ( '' !== $want && $want !== $store ) {
	fwrite( STDERR, "network-admin: meant to run on $want, but the store answering is $store\n" );
	exit( 1 );
}
if ( $backend instanceof WPP_Native_Backend ) {
	presence_flush( 'netbench/' ); // What an interrupted run may have left.
}

$wpdb->query( 'START TRANSACTION' );
$admin = get_user_by( 'login', 'admin' );
if ( ! $admin || ! is_super_admin( $admin->ID ) ) {
	fwrite( STDERR, "network-admin: no super admin 'admin' on this network\n" );
	exit( 1 );
}

// The sites: rows of wp_blogs beside the network's own.
$network  = get_network();
$now      = current_time( 'mysql', true );
$values   = array();
$existing = count( get_sites( array( 'fields' => 'ids', 'number' => 0, 'network_id' => $network->id ) ) );
for ( $i = $existing; $i < $n_sites; $i++ ) {
	$values[] = $wpdb->prepare( '(%d, %s, %s, %s, %s, 1)', $network->id, $network->domain, $network->path . "netbench-$i/", $now, $now );
}
$wpdb->query( "INSERT INTO {$wpdb->blogs} (site_id, domain, path, registered, last_updated, public) VALUES " . implode( ',', $values ) );
wp_cache_set_sites_last_changed();
$blogs = array_map( 'intval', get_sites( array( 'fields' => 'ids', 'number' => 0, 'network_id' => $network->id ) ) );
if ( count( $blogs ) < $n_sites ) {
	fwrite( STDERR, 'network-admin: expected at least ' . $n_sites . ' sites, found ' . count( $blogs ) . "\n" );
	exit( 1 );
}
$blogs = array_slice( $blogs, 0, $n_sites );
if ( $backend instanceof WPP_Database_Backend ) {
	foreach ( $blogs as $blog ) {
		$prefix = $wpdb->get_blog_prefix( $blog );
		if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $prefix . 'wpp_presence' ) ) ) {
			$wpdb->query( "CREATE TEMPORARY TABLE {$prefix}wpp_presence LIKE {$wpdb->base_prefix}wpp_presence" );
		}
	}
}
// The busiest sites, whose names the widget shows, get the options a site has (its name, its
// addresses), so naming them costs what it costs on a real network.
foreach ( array_slice( $blogs, 0, WPP_NETWORK_DASHBOARD_SITES ) as $i => $blog ) {
	$prefix = $wpdb->get_blog_prefix( $blog );
	if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $prefix . 'options' ) ) ) {
		$wpdb->query( "CREATE TEMPORARY TABLE {$prefix}options LIKE {$wpdb->base_prefix}options" );
		$site = get_site( $blog );
		$url  = set_url_scheme( 'http://' . $site->domain . $site->path );
		$wpdb->query(
			$wpdb->prepare(
				"INSERT INTO {$prefix}options (option_name, option_value, autoload) VALUES ('blogname', %s, 'on'), ('siteurl', %s, 'on'), ('home', %s, 'on'), (%s, %s, 'on')",
				"Busy site $i",
				$url,
				$url,
				$prefix . 'user_roles',
				maybe_serialize( get_blog_option( 1, $wpdb->base_prefix . 'user_roles' ) )
			)
		);
	}
}

// The people: person k on site floor( S * (k / P)² ), so the first sites are the busiest.
$seed_start = microtime( true );
$by_site    = array();
for ( $k = 0; $k < $n_users; $k++ ) {
	$by_site[ $blogs[ (int) floor( $n_sites * ( $k / $n_users ) ** 2 ) ] ][] = 100000 + $k;
}
foreach ( $by_site as $blog => $people ) {
	switch_to_blog( $blog );
	foreach ( $people as $user_id ) {
		$who = array( 'display_name' => "Person $user_id", 'avatar_url' => "https://example.org/avatar/$user_id.png" );
		$post = 0 === $user_id % 3 ? $user_id : 0;
		$backend->set( 'admin/online', "user-$user_id", $who + array( 'screen' => $post ? 'post' : 'dashboard', 'post_id' => $post, 'tab' => 'bench' ), $user_id, 150 );
		if ( $post ) {
			$backend->set( "postType/post:$post", "user-$user_id", $who + array( 'tab' => 'bench' ), $user_id, 150 );
		}
	}
	restore_current_blog();
}
$seeded = microtime( true ) - $seed_start;

/**
 * The native backend, but for the network view's read: one presence_prefix() of the install's
 * key, every room of every site, kept for $room of the sites asked — how the view was read
 * before presence_rooms_read() named each site's room. The baseline of the side-by-side.
 */
final class WPP_Bench_Prefix_Read implements WPP_Backend {
	public function __construct( private WPP_Native_Backend $native, private string $install ) {
	}
	public function network_room( array $blog_ids, string $room, int $max_age, string $client_prefix = '' ): array {
		$install = $this->install . '/';
		$wanted  = array_fill_keys( array_map( 'intval', $blog_ids ), true );
		$out     = array();
		foreach ( presence_prefix( $install, $max_age, null, $client_prefix ) as $entry ) {
			$rest  = substr( $entry['room'], strlen( $install ) );
			$slash = strpos( $rest, '/' );
			if ( false === $slash || substr( $rest, $slash + 1 ) !== $room || ! isset( $wanted[ (int) substr( $rest, 0, $slash ) ] ) ) {
				continue;
			}
			$entry['room']    = $room;
			$entry['user_id'] = (int) $entry['user_id'];
			$entry['data']    = is_array( $entry['data'] ) ? $entry['data'] : array();
			$out[ (int) substr( $rest, 0, $slash ) ][] = $entry;
		}
		return $out;
	}
	public function name(): string { return $this->native->name(); }
	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool { return $this->native->set( $room, $client_id, $data, $user_id, $ttl, $may_evict ); }
	public function exchange( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', bool $may_evict = true ): array|false { return $this->native->exchange( $room, $client_id, $data, $user_id, $ttl, $written_at, $max_age, $client_prefix, $limit, $count_prefix, $may_evict ); }
	public function leave( string $room, string $client_id, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', ?float $unless_written_after = null ): array|false { return $this->native->leave( $room, $client_id, $max_age, $client_prefix, $limit, $count_prefix, $unless_written_after ); }
	public function entry( string $room, string $client_id ): ?array { return $this->native->entry( $room, $client_id ); }
	public function get_room( string $room, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array { return $this->native->get_room( $room, $max_age, $limit, $client_prefix ); }
	public function count_room( string $room, ?int $max_age, string $client_prefix = '' ): int { return $this->native->count_room( $room, $max_age, $client_prefix ); }
	public function by_room_prefix( string $prefix, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array { return $this->native->by_room_prefix( $prefix, $max_age, $limit, $client_prefix ); }
	public function available(): bool { return $this->native->available(); }
	public function room_version( string $room ): int { return $this->native->room_version( $room ); }
	public function remove( string $room, string $client_id ): bool { return $this->native->remove( $room, $client_id ); }
	public function remove_user( int $user_id ): int { return $this->native->remove_user( $user_id ); }
	public function user_entries( int $user_id, int $max_age ): array { return $this->native->user_entries( $user_id, $max_age ); }
	public function rooms( int $max_age, string $prefix = '', array $except = array() ): array { return $this->native->rooms( $max_age, $prefix, $except ); }
	public function gc(): int { return $this->native->gc(); }
	public function get_rooms( array $rooms, int $max_age, string $client_prefix = '' ): array { return $this->native->get_rooms( $rooms, $max_age, $client_prefix ); }
	public function stats(): array { return $this->native->stats(); }
}

/**
 * Runs $part once after a cold object cache with what a Network Admin request has loaded before
 * its screens run (the network's core options, the site's autoloaded options, the current user
 * and their roles); returns its time in µs and its queries by kind.
 */
function wpp_bench_network_once( callable $part, int $user_id ): array {
	global $wpdb;
	wp_cache_flush();
	wp_load_core_site_options();
	wp_load_alloptions();
	wp_set_current_user( 0 );
	wp_set_current_user( $user_id );
	wp_get_current_user()->get_role_caps();
	$kinds = array( 'presence' => 0, 'sites' => 0, 'users' => 0, 'options' => 0, 'other' => 0 );
	$spy   = static function ( $sql ) use ( &$kinds, $wpdb ) {
		$sql = (string) $sql;
		if ( str_contains( $sql, 'wpp_presence' ) ) {
			++$kinds['presence'];
		} elseif ( preg_match( '/\b(' . preg_quote( $wpdb->blogs, '/' ) . '|' . preg_quote( $wpdb->site, '/' ) . '|' . preg_quote( $wpdb->blogmeta, '/' ) . ')\b/', $sql ) ) {
			++$kinds['sites'];
		} elseif ( preg_match( '/\b(' . preg_quote( $wpdb->users, '/' ) . '|' . preg_quote( $wpdb->usermeta, '/' ) . ')\b/', $sql ) ) {
			++$kinds['users'];
		} elseif ( preg_match( '/options\b|' . preg_quote( $wpdb->sitemeta, '/' ) . '/', $sql ) ) {
			++$kinds['options'];
		} else {
			++$kinds['other'];
		}
		return $sql;
	};
	add_filter( 'query', $spy );
	$start = hrtime( true );
	$part();
	$time = ( hrtime( true ) - $start ) / 1000;
	remove_filter( 'query', $spy );
	return array( 'time' => $time, 'queries' => $kinds );
}

/**
 * Runs $part $n times with each backend of $variants (label => backend), alternating round by
 * round, each round started by another variant; returns per variant the best time in µs and the
 * queries of its last run by kind.
 */
function wpp_bench_network_part( callable $part, int $n, int $user_id, array $variants ): array {
	$labels = array_keys( $variants );
	$out    = array_fill_keys( $labels, array( 'time' => INF, 'queries' => array() ) );
	for ( $i = 0; $i < $n; $i++ ) {
		foreach ( array_keys( $labels ) as $k ) {
			$label = $labels[ ( $i + $k ) % count( $labels ) ];
			wpp_backend_use( $variants[ $label ] );
			$run                        = wpp_bench_network_once( $part, $user_id );
			$out[ $label ]['time']      = min( $out[ $label ]['time'], $run['time'] );
			$out[ $label ]['queries']   = $run['queries'];
		}
	}
	return $out;
}

$page_sites = array_slice( $blogs, 0, 20 );
$page_users = array_slice( $by_site[ $blogs[0] ], 0, 20 );
$parts      = array(
	'view'       => array(
		'the network view alone (one read of every site\'s people)',
		static function () {
			wpp_network_view_read( true );
		},
	),
	'dashboard'  => array(
		'the Who\'s online widget',
		static function () {
			wpp_network_view_read( true );
			wpp_network_dashboard_html( wpp_network_dashboard_state() );
		},
	),
	'sites_list' => array(
		'the Sites list\'s Online cells (20 sites)',
		static function () use ( $page_sites ) {
			wpp_network_view_read( true );
			foreach ( $page_sites as $blog ) {
				wpp_network_sites_list_cell_html( wpp_network_sites_list_cell( $blog ) );
			}
		},
	),
	'users_list' => array(
		'the Users list\'s Online view, filter and cells (20 users)',
		static function () use ( $page_users ) {
			$_GET = array( 'presence' => 'online' );
			$GLOBALS['current_screen'] = WP_Screen::get( 'users-network' ); // As admin.php sets it (without noting the visit).
			wpp_network_view_read( true );
			wpp_network_users_list_views( array() );
			wpp_network_users_list_query_args( array() );
			foreach ( $page_users as $user_id ) {
				wpp_network_users_list_column( '', 'wpp_online', $user_id );
			}
			$_GET = array();
		},
	),
	'rest'       => array(
		'a REST page (GET /presence/network, 50 sites)',
		static function () {
			$request = new WP_REST_Request( 'GET', '/wp-presence/v1/presence/network' );
			$request->set_query_params( array( 'per_page' => 50 ) );
			wpp_network_view_read( true );
			rest_get_server()->dispatch( $request );
		},
	),
);
rest_get_server(); // Routes registered once, as a REST request has them before its handler.

$view = wpp_network_view_read( true );
printf(
	"backend %s (%s); %d sites, %d people online on %d of them (busiest %d); seeded in %.1f s\n",
	$backend->name(),
	$store,
	count( $blogs ),
	$view['people'],
	count( $view['sites'] ),
	count( reset( $view['sites'] ) ?: array() ),
	$seeded
);
$variants = array( 'now' => $backend );
if ( $backend instanceof WPP_Native_Backend ) {
	$variants['before'] = new WPP_Bench_Prefix_Read( $backend, 'netbench' );
}
$results = array();
$before  = array();
foreach ( $parts as $key => list( $label, $part ) ) {
	$runs            = wpp_bench_network_part( $part, $tries, $admin->ID, $variants );
	$results[ $key ] = $runs['now'];
	$q               = $results[ $key ]['queries'];
	printf(
		"%-62s %8.0f µs  queries: presence %d, sites %d, users %d, options %d, other %d",
		$label . ':',
		$results[ $key ]['time'],
		$q['presence'],
		$q['sites'],
		$q['users'],
		$q['options'],
		$q['other']
	);
	if ( isset( $runs['before'] ) ) {
		$before[ $key ] = $runs['before'];
		printf( '; read by prefix, as before: %.0f µs (now %.2f× that)', $runs['before']['time'], $results[ $key ]['time'] / $runs['before']['time'] );
	}
	echo "\n";
}
wpp_backend_use( $backend );

$wpdb->query( 'ROLLBACK' );
if ( $backend instanceof WPP_Native_Backend ) {
	presence_flush( 'netbench/' ); // The private namespace: every site the run wrote.
}
$json_path = getenv( 'PRESENCE_BENCH_JSON' );
if ( $json_path ) {
	$load = sys_getloadavg();
	file_put_contents(
		$json_path,
		json_encode(
			array(
				'date'   => gmdate( 'Y-m-d' ),
				'load'   => $load ? $load[0] : null,
				'php'    => PHP_VERSION,
				'wp'     => get_bloginfo( 'version' ),
				'store'  => $store,
				'tries'  => $tries,
				'sites'  => count( $blogs ),
				'people' => $view['people'],
				'online' => count( $view['sites'] ),
				'parts'  => $results,
				'before' => $before,
			),
			JSON_PRETTY_PRINT
		) . "\n"
	);
}
