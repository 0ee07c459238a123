<?php
/**
 * The Plugins screen (plugin/includes/surfaces/plugins-list.php): the plugin row's "View online
 * users" link, and its hook (whose name holds the plugin's path).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_plugins_list_action_links
 */
final class PluginsListTest extends WPP_TestCase {

	public function test_the_plugin_row_links_to_the_online_users(): void {
		wp_set_current_user( self::user( 'administrator' )->ID );
		$links = wpp_plugins_list_action_links( array( 'deactivate' => '<a>Deactivate</a>' ) );
		$this->assertSame( '<a href="' . esc_url( admin_url( 'users.php?presence=online' ) ) . '">View online users</a>', $links['wpp_online'] );
		$this->assertSame( 10, has_filter( 'plugin_action_links_' . plugin_basename( WPP_FILE ), 'wpp_plugins_list_action_links' ) );
	}
}
