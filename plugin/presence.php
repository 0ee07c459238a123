<?php
/**
 * Plugin Name:       Presence
 * Plugin URI:        https://presence.example.org/
 * Description:       Who is where in wp-admin, kept in shared memory by the presence PHP extension (with a database fallback). A drop-in replacement for the Presence API feature plugin: the same wp_*_presence() functions, REST routes and WP-CLI commands.
 * Version:           0.2.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            The Presence contributors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       presence
 * Domain Path:       /languages
 * Update URI:        https://presence.example.org/
 *
 * Bootstrap only: guard, requirement check, load list, hand over to wpp_hooks_register().
 * Including any file below registers nothing by itself.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

if ( defined( 'WPP_VERSION' ) ) {
	return; // Loaded twice (e.g. copied into mu-plugins too): the first copy wins.
}

define( 'WPP_VERSION', '0.2.0' );
define( 'WPP_FILE', __FILE__ );
define( 'WPP_DIR', __DIR__ );

// Requirement check. Its notice is the one hook registered outside hooks.php: the includes below
// are never loaded on an unsupported PHP or WordPress.
if ( version_compare( PHP_VERSION, '8.1', '<' ) || version_compare( $GLOBALS['wp_version'] ?? '0', '6.1', '<' ) ) {
	add_action(
		'admin_notices',
		static function () {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'Presence requires PHP 8.1 and WordPress 6.1 or newer; the plugin is inactive.', 'presence' ) . '</p></div>';
		}
	);
	return;
}

// The load list, in the order hooks.php registers the callbacks. Each file only declares.

// api/: the public wp_* API (public-api.php declares wp-functions.php on plugins_loaded) and
// what it stands on.
require_once WPP_DIR . '/includes/api/validate.php';
require_once WPP_DIR . '/includes/api/rooms.php';
require_once WPP_DIR . '/includes/api/client-ids.php';
require_once WPP_DIR . '/includes/api/switches.php';
require_once WPP_DIR . '/includes/api/entries.php';
require_once WPP_DIR . '/includes/api/budget.php';
require_once WPP_DIR . '/includes/api/public-api.php';

// backends/: where entries are kept, and which store is in use.
require_once WPP_DIR . '/includes/backends/interface-wpp-backend.php';
require_once WPP_DIR . '/includes/backends/class-wpp-native-backend.php';
require_once WPP_DIR . '/includes/backends/class-wpp-database-backend.php';
require_once WPP_DIR . '/includes/backends/backend.php';
require_once WPP_DIR . '/includes/backends/table.php';

// The plugin's life on a site, post locks in the store, agents' saves, the feature plugin beside
// it, who may see what, translations.
require_once WPP_DIR . '/includes/lifecycle.php';
require_once WPP_DIR . '/includes/post-locks.php';
require_once WPP_DIR . '/includes/agents.php';
require_once WPP_DIR . '/includes/feature-plugin.php';
require_once WPP_DIR . '/includes/privacy.php';
require_once WPP_DIR . '/includes/i18n.php';

// heartbeat/: what the browser's heartbeat sends, writes and gets back.
require_once WPP_DIR . '/includes/heartbeat/ping.php';
require_once WPP_DIR . '/includes/heartbeat/write.php';
require_once WPP_DIR . '/includes/heartbeat/payload.php';
require_once WPP_DIR . '/includes/heartbeat/handlers.php';
require_once WPP_DIR . '/includes/heartbeat/leave.php';

// rest/: the controllers and the one registrar of their routes.
require_once WPP_DIR . '/includes/rest/class-wpp-rest-controller.php';
require_once WPP_DIR . '/includes/rest/class-wpp-rest-surfaces-controller.php';
require_once WPP_DIR . '/includes/rest/class-wpp-rest-network-controller.php';
require_once WPP_DIR . '/includes/rest/routes.php';

// live/: the live lane (the entry point itself is live.php, beside this file) and its Site Health test.
require_once WPP_DIR . '/includes/live/lane.php';
require_once WPP_DIR . '/includes/live/health.php';

// ui/: what the surfaces share, and their markup in heartbeat answers.
require_once WPP_DIR . '/includes/ui/render.php';
require_once WPP_DIR . '/includes/ui/screens.php';
require_once WPP_DIR . '/includes/ui/assets.php';
require_once WPP_DIR . '/includes/ui/page-view.php';
require_once WPP_DIR . '/includes/ui/fragments.php';

// surfaces/: one file per place people see presence.
require_once WPP_DIR . '/includes/surfaces/editor.php';
require_once WPP_DIR . '/includes/surfaces/whos-online.php';
require_once WPP_DIR . '/includes/surfaces/active-posts.php';
require_once WPP_DIR . '/includes/surfaces/admin-bar.php';
require_once WPP_DIR . '/includes/surfaces/users-list.php';
require_once WPP_DIR . '/includes/surfaces/posts-list.php';
require_once WPP_DIR . '/includes/surfaces/stale-screen.php';
require_once WPP_DIR . '/includes/surfaces/plugins-list.php';
require_once WPP_DIR . '/includes/surfaces/synced-patterns.php';

// surfaces/network-*: Network Admin on a multisite network, from one read of every site's people.
require_once WPP_DIR . '/includes/surfaces/network-view.php';
require_once WPP_DIR . '/includes/surfaces/network-dashboard.php';
require_once WPP_DIR . '/includes/surfaces/network-sites-list.php';
require_once WPP_DIR . '/includes/surfaces/network-users-list.php';

// admin/: screens, settings, privacy tools and notices for administrators.
require_once WPP_DIR . '/includes/admin/notices.php';
require_once WPP_DIR . '/includes/admin/site-health.php';
require_once WPP_DIR . '/includes/admin/inspector.php';
require_once WPP_DIR . '/includes/admin/settings.php';
require_once WPP_DIR . '/includes/admin/network-settings.php';
require_once WPP_DIR . '/includes/admin/privacy-tools.php';

// cli/: `wp presence` (the command class only where WP-CLI defines its base class).
require_once WPP_DIR . '/includes/cli/cli.php';
require_once WPP_DIR . '/includes/cli/cli-network.php';
if ( defined( 'WP_CLI' ) && WP_CLI ) {
	require_once WPP_DIR . '/includes/cli/class-wpp-cli-command.php';
	require_once WPP_DIR . '/includes/cli/class-wpp-cli-recording-command.php';
	require_once WPP_DIR . '/includes/cli/class-wpp-cli-network-command.php';
}

// Every add_action() / add_filter().
require_once WPP_DIR . '/includes/hooks.php';

wpp_hooks_register();
