<?php
/**
 * Translations: the plugin's text domain is `presence`; its template is languages/presence.pot
 * (built by tools/package/make-pot.sh from the PHP and the JavaScript).
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Loads the plugin's translations shipped in languages/ (translations installed by WordPress in
 * wp-content/languages/plugins/ take precedence). Hooked to `init`.
 *
 * @since 0.2.0
 */
function wpp_i18n_load_textdomain(): void {
	load_plugin_textdomain( 'presence', false, dirname( plugin_basename( WPP_FILE ) ) . '/languages' );
}
