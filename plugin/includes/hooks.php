<?php
/**
 * Every add_action() / add_filter() of the plugin, in one place.
 *
 * Priorities are commented where order matters. tests/php/plugin/HooksTest.php checks each
 * registration and its priority.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers all hooks of the plugin. Called once by the bootstrap.
 *
 * @since 0.1.0
 */
function wpp_register_hooks(): void {
	// --- Core (plugin core) ---

	// --- Heartbeat and surfaces (heartbeat helper) ---

	// --- End of hooks ---
}
