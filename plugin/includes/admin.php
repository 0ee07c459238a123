<?php
/**
 * Admin notices and the Site Health test: which backend is active, and API conflicts.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Screens on which the fallback notice is shown (it is not an error, so not everywhere).
 *
 * @since 0.1.0
 */
const WPP_NOTICE_SCREENS = array( 'dashboard', 'plugins', 'dashboard-network', 'plugins-network' );

/**
 * Tells administrators that entries live in the database because the extension is not loaded,
 * and that another implementation of the Presence API is active. Hooked to `admin_notices`.
 *
 * @since 0.1.0
 */
function wpp_admin_notices(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	$here   = $screen && in_array( $screen->id, WPP_NOTICE_SCREENS, true );

	$conflicts = wpp_api_conflicts();
	if ( $conflicts && $here && ! wpp_feature_plugin_active() ) { // Else wpp_feature_plugin_notice() says it.
		printf(
			'<div class="notice notice-warning"><p>%s</p></div>',
			esc_html(
				sprintf(
					/* translators: %s: comma-separated function names. */
					__( 'Presence: another plugin already defines %s, so Presence does not declare the wp_*_presence functions. Code calling them uses the other implementation; the Presence heartbeat and REST API keep using the Presence store.', 'presence' ),
					implode( ', ', $conflicts )
				)
			)
		);
	}
	if ( 'database' === wpp_backend()->name() && $here ) {
		printf(
			'<div class="notice notice-info"><p>%s</p></div>',
			esc_html__( 'Presence is storing who is online in the database because the presence PHP extension is not loaded. Load it (extension=presence in php.ini) to take these writes off the database; see Tools → Site Health.', 'presence' )
		);
	}
}

/**
 * Adds the Site Health test. Hooked to `site_status_tests`.
 *
 * @since 0.1.0
 *
 * @param array $tests Site Health tests.
 * @return array
 */
function wpp_site_status_tests( $tests ) {
	$tests['direct']['wpp_backend'] = array(
		'label' => __( 'Presence storage', 'presence' ),
		'test'  => 'wpp_site_health_backend_test',
	);
	return $tests;
}

/**
 * Site Health result: which backend is active, and why the native one is better.
 *
 * @since 0.1.0
 *
 * @return array Site Health test result.
 */
function wpp_site_health_backend_test(): array {
	$why = __( 'Every logged-in editor sends a heartbeat about once a minute (every 15 seconds in the editor). With the presence PHP extension those writes and reads go to one shared-memory table that every PHP worker sees: no database query, microseconds per heartbeat. Without it, each heartbeat costs several queries on the presence table.', 'presence' );

	$backend = wpp_backend();
	$broken  = $backend instanceof WPP_Native_Backend ? $backend->segment_error() : '';
	if ( '' !== $broken ) {
		return array(
			'label'       => __( 'The presence extension is loaded but cannot use its shared memory', 'presence' ),
			'status'      => 'critical',
			'badge'       => array(
				'label' => __( 'Performance', 'presence' ),
				'color' => 'red',
			),
			'description' => '<p>' . esc_html(
				sprintf(
					/* translators: %s: the extension's error message. */
					__( 'Nobody appears online while this lasts. The extension says: %s', 'presence' ),
					$broken
				)
			) . '</p>',
			'actions'     => '<p>' . esc_html__( 'Check presence.shm_path and presence.shm_size in php.ini, then restart PHP.', 'presence' ) . '</p>',
			'test'        => 'wpp_backend',
		);
	}
	if ( 'native' === $backend->name() && WPP_Native_Backend::max_state_bytes() < WPP_Native_Backend::RECOMMENDED_MAX_STATE_BYTES ) {
		return array(
			'label'       => __( 'Presence uses the shared-memory store, but it refuses large presence states', 'presence' ),
			'status'      => 'recommended',
			'badge'       => array(
				'label' => __( 'Performance', 'presence' ),
				'color' => 'orange',
			),
			'description' => '<p>' . esc_html(
				sprintf(
					/* translators: 1: ini value, 2: size in KB. */
					__( 'presence.max_state_bytes is %1$s. Presence accepts states of up to 10 KB (as JSON), which the extension can need up to %2$d KB to store; larger ones are refused with an error.', 'presence' ),
					(string) ini_get( 'presence.max_state_bytes' ),
					WPP_Native_Backend::RECOMMENDED_MAX_STATE_BYTES / 1024
				)
			) . '</p><p>' . esc_html( $why ) . '</p>',
			'actions'     => '<p>' . esc_html__( 'Set presence.max_state_bytes = 32K in php.ini and restart PHP.', 'presence' ) . '</p>',
			'test'        => 'wpp_backend',
		);
	}
	if ( 'native' === $backend->name() ) {
		return array(
			'label'       => __( 'Presence uses the shared-memory store of the presence extension', 'presence' ),
			'status'      => 'good',
			'badge'       => array(
				'label' => __( 'Performance', 'presence' ),
				'color' => 'blue',
			),
			'description' => '<p>' . esc_html( $why ) . '</p>',
			'test'        => 'wpp_backend',
		);
	}
	return array(
		'label'       => __( 'Presence stores who is online in the database', 'presence' ),
		'status'      => 'recommended',
		'badge'       => array(
			'label' => __( 'Performance', 'presence' ),
			'color' => 'orange',
		),
		'description' => '<p>' . esc_html( $why ) . '</p>',
		'actions'     => '<p>' . esc_html__( 'Install the presence extension and add extension=presence to php.ini (for php-fpm, in the file the whole master reads), then restart PHP.', 'presence' ) . '</p>',
		'test'        => 'wpp_backend',
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
function wpp_debug_information( $info ) {
	$info['presence'] = array(
		'label'  => __( 'Presence', 'presence' ),
		'fields' => array(
			'backend'     => array(
				'label' => __( 'Backend', 'presence' ),
				'value' => wpp_backend()->name(),
			),
			'install_key' => array(
				'label'   => __( 'Install key (shared-memory namespace)', 'presence' ),
				'value'   => wpp_install_key() . '/' . get_current_blog_id() . '/',
				'private' => true,
			),
			'api'         => array(
				'label' => __( 'Presence API functions', 'presence' ),
				'value' => wpp_api_conflicts() ? __( 'defined by another plugin', 'presence' ) : __( 'provided by Presence', 'presence' ),
			),
		),
	);
	return $info;
}
