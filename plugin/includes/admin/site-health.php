<?php
/**
 * Site Health: the "Presence storage" test (which store is in use, whether it works, what to
 * change), the "Heartbeat keeps presence current" test (the feature plugin's `presence_heartbeat`)
 * and the Presence section of Site Health → Info.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Adds the Site Health test. Hooked to `site_status_tests`.
 *
 * @since 0.1.0
 *
 * @param array $tests Site Health tests.
 * @return array
 */
function wpp_site_health_tests( $tests ) {
	$tests['direct']['wpp_backend'] = array(
		'label' => __( 'Presence storage', 'presence' ),
		'test'  => 'wpp_site_health_backend_test',
	);
	if ( wpp_site_health_presence_recorded() ) {
		$tests['direct']['presence_heartbeat'] = array(
			'label' => __( 'Heartbeat keeps presence current', 'presence' ),
			'test'  => 'wpp_site_health_heartbeat_test',
		);
	}
	return $tests;
}

/**
 * Whether presence is being recorded here: recording on, and a store that can take it (the
 * storage test reports a store that cannot). The Heartbeat test applies only then.
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wpp_site_health_presence_recorded(): bool {
	$backend = wpp_backend();
	return wpp_switches_recording_enabled() && ! ( $backend instanceof WPP_Native_Backend && '' !== $backend->segment_error() );
}

/**
 * The Heartbeat settings the admin pages get (`heartbeatSettings`, as WordPress prints them with
 * the script), or, before they are known, what the `heartbeat_settings` filter gives.
 *
 * @since 0.3.0
 *
 * @return array
 */
function wpp_site_health_heartbeat_settings(): array {
	$data = wp_scripts()->get_data( 'heartbeat', 'data' );
	if ( is_string( $data ) && preg_match( '/heartbeatSettings\s*=\s*(\{.*\})\s*;/s', $data, $match ) ) {
		$settings = json_decode( $match[1], true );
		if ( is_array( $settings ) ) {
			return $settings;
		}
	}
	$settings = apply_filters( 'heartbeat_settings', array() ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedHooknameFound -- core's filter.
	return is_array( $settings ) ? $settings : array();
}

/**
 * The longest time between two heartbeats of an open admin page, in seconds, as heartbeat.js
 * schedules them: the interval (1 to 3600, default 60) in a focused window, 120 in a window
 * without focus, never below the minimal interval (1 to 600) when one is set.
 *
 * @since 0.3.0
 *
 * @param array $settings Heartbeat settings (wpp_site_health_heartbeat_settings()).
 * @return int
 */
function wpp_site_health_heartbeat_interval( array $settings ): int {
	$interval = isset( $settings['interval'] ) && is_numeric( $settings['interval'] ) && (int) $settings['interval'] > 0
		? min( 3600, (int) $settings['interval'] )
		: 60;
	$minimal  = isset( $settings['minimalInterval'] ) && is_numeric( $settings['minimalInterval'] ) ? (int) $settings['minimalInterval'] : 0;
	$minimal  = $minimal > 0 && $minimal <= 600 ? $minimal : 0;
	return max( $interval, 120, $minimal );
}

/**
 * Site Health result: whether the Heartbeat refreshes presence before it expires. Recommended when
 * the script is gone (presence is then written only when a page loads) or when a page can go
 * longer without a heartbeat than an entry lasts, less 15 seconds for the request itself.
 *
 * @since 0.3.0
 *
 * @return array Site Health test result.
 */
function wpp_site_health_heartbeat_test(): array {
	$ttl    = wpp_entries_default_ttl();
	$limit  = $ttl - 15;
	$cause  = '<p>' . esc_html__( 'A plugin that controls the Heartbeat, or code removing its script, is the usual cause.', 'presence' ) . '</p>';
	$result = array(
		'label'       => __( 'Heartbeat keeps presence current', 'presence' ),
		'status'      => 'good',
		'badge'       => array(
			'label' => __( 'Presence', 'presence' ),
			'color' => 'blue',
		),
		'description' => '',
		'actions'     => '',
		'test'        => 'presence_heartbeat',
	);
	if ( ! wp_script_is( 'heartbeat', 'registered' ) ) {
		$result['status']      = 'recommended';
		$result['label']       = __( 'Heartbeat is not keeping presence current', 'presence' );
		$result['description'] = '<p>' . esc_html(
			sprintf(
				/* translators: %d: seconds. */
				__( 'The Heartbeat script has been removed, so presence is written only when a page loads: Who’s online misses anyone who has not loaded a page in the last %d seconds, and nobody is told that someone else is editing their post.', 'presence' ),
				$ttl
			)
		) . '</p>';
		$result['actions']     = $cause;
		return $result;
	}
	$interval = wpp_site_health_heartbeat_interval( wpp_site_health_heartbeat_settings() );
	if ( $interval > $limit ) {
		$result['status']      = 'recommended';
		$result['label']       = __( 'Heartbeat is not keeping presence current', 'presence' );
		$result['description'] = '<p>' . esc_html(
			sprintf(
				/* translators: 1: seconds between heartbeats, 2: seconds a presence entry lasts. */
				__( 'An open admin page can go %1$d seconds without a heartbeat, but a presence entry lasts %2$d seconds: Who’s online drops people who stay on one screen, and they reappear at their next heartbeat.', 'presence' ),
				$interval,
				$ttl
			)
		) . '</p>';
		$result['actions']     = $cause . '<p>' . esc_html(
			sprintf(
				/* translators: %d: seconds. */
				__( 'Keep the Heartbeat interval at %d seconds or less, or raise the presence lifetime (the wp_presence_default_ttl filter) above it plus 15 seconds.', 'presence' ),
				max( 1, $limit )
			)
		) . '</p>';
		return $result;
	}
	$result['description'] = '<p>' . esc_html(
		sprintf(
			/* translators: 1: seconds between heartbeats, 2: seconds a presence entry lasts. */
			__( 'Every open admin page sends a heartbeat at least every %1$d seconds, within the %2$d seconds a presence entry lasts.', 'presence' ),
			$interval,
			$ttl
		)
	) . '</p>';
	return $result;
}

/**
 * Where the loaded extension keeps presence, from its settings: 'redis' when presence.backend
 * names a Redis server, 'shm' (shared memory) otherwise.
 *
 * @since 0.1.0
 */
function wpp_site_health_store_kind(): string {
	$backend = trim( (string) ini_get( 'presence.backend' ) );
	return '' === $backend || 'shm' === strtolower( $backend ) ? 'shm' : 'redis';
}

/**
 * A Site Health result of the Presence storage test.
 *
 * @since 0.1.0
 *
 * @param string $status      'good', 'recommended' or 'critical'.
 * @param string $label       Title.
 * @param string $description HTML.
 * @param string $actions     HTML, may be empty.
 * @return array
 */
function wpp_site_health_result( string $status, string $label, string $description, string $actions = '' ): array {
	$colors = array(
		'good'        => 'blue',
		'recommended' => 'orange',
		'critical'    => 'red',
	);
	return array(
		'label'       => $label,
		'status'      => $status,
		'badge'       => array(
			'label' => __( 'Performance', 'presence' ),
			'color' => $colors[ $status ] ?? 'orange',
		),
		'description' => $description,
		'actions'     => $actions,
		'test'        => 'wpp_backend',
	);
}

/**
 * Site Health result: which backend is active and where it keeps presence (shared memory, Redis
 * or the database), whether it works, and why the native one is better.
 *
 * @since 0.1.0
 *
 * @return array Site Health test result.
 */
function wpp_site_health_backend_test(): array {
	$why   = __( 'Every logged-in editor sends a heartbeat about once a minute (every 15 seconds in the editor). With the presence PHP extension those writes and reads go to one shared-memory table that every PHP worker sees: no database query, microseconds per heartbeat. Without it, each heartbeat costs several queries on the presence table.', 'presence' );
	$fleet = __( 'Shared memory belongs to one machine: if this site is served by several machines, each shows only the people whose heartbeats reach it. Such a site sets presence.backend to its Redis server in php.ini (see the README), or PRESENCE_BACKEND to \'database\' in wp-config.php.', 'presence' );

	$backend = wpp_backend();
	$setting = wpp_backend_setting();
	$native  = $backend instanceof WPP_Native_Backend;
	$broken  = $native ? $backend->segment_error() : '';
	if ( '' !== $broken && 'redis' === wpp_site_health_store_kind() ) {
		return wpp_site_health_result(
			'critical',
			__( 'The presence extension cannot reach its Redis server', 'presence' ),
			/* translators: %s: the extension's error message. */
			'<p>' . esc_html( sprintf( __( 'Nobody appears online while this lasts. The extension says: %s', 'presence' ), $broken ) ) . '</p>',
			'<p>' . esc_html__( 'Check that the server in presence.backend (php.ini) runs and accepts this machine, and that presence.redis_timeout_ms is long enough for it; PHP picks the server up again by itself within seconds.', 'presence' ) . '</p>'
		);
	}
	if ( '' !== $broken ) {
		return wpp_site_health_result(
			'critical',
			__( 'The presence extension is loaded but cannot use its shared memory', 'presence' ),
			/* translators: %s: the extension's error message. */
			'<p>' . esc_html( sprintf( __( 'Nobody appears online while this lasts. The extension says: %s', 'presence' ), $broken ) ) . '</p>',
			'<p>' . esc_html__( 'Check presence.shm_path and presence.shm_size in php.ini, then restart PHP.', 'presence' ) . '</p>'
		);
	}
	if ( 'native' === $setting && ! $native ) {
		return wpp_site_health_result(
			'critical',
			__( 'PRESENCE_BACKEND asks for the presence extension, which is not loaded', 'presence' ),
			'<p>' . esc_html__( 'Presence stores who is online in the database meanwhile, so it keeps working, at the cost of database queries on every heartbeat.', 'presence' ) . '</p><p>' . esc_html( $why ) . '</p>',
			'<p>' . esc_html__( 'Load the extension (extension=presence in the php.ini the whole php-fpm master reads) and restart PHP, or remove PRESENCE_BACKEND from wp-config.php.', 'presence' ) . '</p>'
		);
	}
	if ( 'invalid' === $setting ) {
		return wpp_site_health_result(
			'recommended',
			__( 'PRESENCE_BACKEND has a value Presence does not know', 'presence' ),
			/* translators: %s: the backend in use, 'native' or 'database'. */
			'<p>' . esc_html( sprintf( __( 'It must be \'native\', \'database\' or \'auto\'; Presence chose as for \'auto\' and uses the %s backend.', 'presence' ), $backend->name() ) ) . '</p>',
			'<p>' . esc_html__( 'Correct PRESENCE_BACKEND in wp-config.php, or remove it.', 'presence' ) . '</p>'
		);
	}
	if ( $native && WPP_Native_Backend::max_state_bytes() < WPP_Native_Backend::RECOMMENDED_MAX_STATE_BYTES ) {
		return wpp_site_health_result(
			'recommended',
			'redis' === wpp_site_health_store_kind()
				? __( 'Presence uses Redis through the presence extension, but it refuses large presence states', 'presence' )
				: __( 'Presence uses the shared-memory store, but it refuses large presence states', 'presence' ),
			'<p>' . esc_html(
				sprintf(
					/* translators: 1: ini value, 2: size in KB. */
					__( 'presence.max_state_bytes is %1$s. Presence accepts states of up to 10 KB (as JSON), which the extension can need up to %2$d KB to store; larger ones are refused with an error.', 'presence' ),
					(string) ini_get( 'presence.max_state_bytes' ),
					WPP_Native_Backend::RECOMMENDED_MAX_STATE_BYTES / 1024
				)
			) . '</p><p>' . esc_html( $why ) . '</p>',
			'<p>' . esc_html__( 'Set presence.max_state_bytes = 32K in php.ini and restart PHP.', 'presence' ) . '</p>'
		);
	}
	if ( $native && 'redis' === wpp_site_health_store_kind() ) {
		$store = $backend->store_info();
		return wpp_site_health_result(
			'good',
			__( 'Presence uses Redis through the presence extension', 'presence' ),
			'<p>' . esc_html(
				sprintf(
					/* translators: 1: server address, 2: server name and version. */
					__( 'Who is online is kept in %1$s (%2$s), which every machine serving this site shares: no database query per heartbeat, one or two round trips to Redis.', 'presence' ),
					$store['server'] ?? '',
					$store['server_version'] ?? ''
				)
			) . '</p>'
		);
	}
	if ( $native ) {
		return wpp_site_health_result(
			'good',
			__( 'Presence uses the shared-memory store of the presence extension', 'presence' ),
			'<p>' . esc_html( $why ) . '</p><p>' . esc_html( $fleet ) . '</p>'
		);
	}
	if ( 'database' === $setting && wpp_backend_native_available() ) {
		return wpp_site_health_result(
			'recommended',
			__( 'Presence stores who is online in the database, as PRESENCE_BACKEND asks', 'presence' ),
			'<p>' . esc_html( $why ) . '</p>',
			'<p>' . esc_html__( 'The presence extension is loaded. If this site is served by several machines, set presence.backend to your Redis server in php.ini, then remove PRESENCE_BACKEND from wp-config.php.', 'presence' ) . '</p>'
		);
	}
	return wpp_site_health_result(
		'recommended',
		__( 'Presence stores who is online in the database', 'presence' ),
		'<p>' . esc_html( $why ) . '</p>',
		'<p>' . esc_html__( 'Install the presence extension and add extension=presence to php.ini (for php-fpm, in the file the whole master reads), then restart PHP.', 'presence' ) . '</p>'
	);
}

/**
 * Adds the backend and the install key to Site Health → Info. Hooked to `debug_information`.
 *
 * @since 0.1.0
 *
 * @param array $info Debug information sections.
 * @return array
 */
function wpp_site_health_debug_information( $info ) {
	$info['presence'] = array(
		'label'  => __( 'Presence', 'presence' ),
		'fields' => array(
			'backend'     => array(
				'label' => __( 'Backend', 'presence' ),
				'value' => wpp_backend()->name(),
			),
			'store'       => array(
				'label' => __( 'Store', 'presence' ),
				'value' => wpp_site_health_debug_store(),
			),
			'install_key' => array(
				'label'   => __( 'Install key (namespace in the store)', 'presence' ),
				'value'   => wpp_backend_install_key() . '/' . get_current_blog_id() . '/',
				'private' => true,
			),
			'api'         => array(
				'label' => __( 'Presence API functions', 'presence' ),
				'value' => wpp_public_api_conflicts() ? __( 'defined by another plugin', 'presence' ) : __( 'provided by Presence', 'presence' ),
			),
		),
	);
	return $info;
}

/**
 * Where the active backend keeps presence, for Site Health → Info: the segment file, the Redis
 * server (never its password) and version, or the database.
 *
 * @since 0.1.0
 *
 * @return string
 */
function wpp_site_health_debug_store(): string {
	$backend = wpp_backend();
	if ( ! $backend instanceof WPP_Native_Backend ) {
		return __( 'database table', 'presence' );
	}
	$store = $backend->store_info();
	if ( 'redis' === ( $store['backend'] ?? '' ) ) {
		return trim( 'Redis ' . ( $store['server'] ?? '' ) . ' (' . ( $store['server_version'] ?? '' ) . ')' );
	}
	/* translators: %s: segment file path. */
	return sprintf( __( 'shared memory (%s)', 'presence' ), $store['segment_path'] ?? '' );
}
