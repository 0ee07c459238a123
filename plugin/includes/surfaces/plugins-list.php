<?php
/**
 * The Plugins screen: a "View online users" link in the plugin's row.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Adds "View online users" to the plugin's row on the Plugins screen. Hooked to
 * `plugin_action_links_{plugin file}`.
 *
 * @since 0.2.0
 *
 * @param string[] $links Action links (HTML).
 * @return string[]
 */
function wpp_plugins_list_action_links( $links ) {
	if ( ! is_array( $links ) || ! current_user_can( 'edit_posts' ) ) {
		return $links;
	}
	$links['wpp_online'] = sprintf( '<a href="%1$s">%2$s</a>', esc_url( wpp_users_list_online_url() ), esc_html__( 'View online users', 'presence' ) );
	return $links;
}
