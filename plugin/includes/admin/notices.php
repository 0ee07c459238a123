<?php
/**
 * Admin notices for administrators: entries kept in the database because the extension is not
 * loaded, and another implementation of the Presence API in use.
 *
 * @package Presence
 * @since   0.2.0
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
function wpp_notices_print(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	$here   = $screen && in_array( $screen->id, WPP_NOTICE_SCREENS, true );

	$conflicts = wpp_public_api_conflicts();
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
	if ( 'database' === wpp_backend()->name() && 'database' !== wpp_backend_setting() && $here ) {
		printf(
			'<div class="notice notice-info"><p>%s</p></div>',
			esc_html__( 'Presence is storing who is online in the database because the presence PHP extension is not loaded. Load it (extension=presence in php.ini) to take these writes off the database; see Tools → Site Health.', 'presence' )
		);
	}
}
