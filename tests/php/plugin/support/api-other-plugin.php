<?php
/**
 * "Another plugin" for api-conflict-child.php: declares part of the Presence API the way the
 * feature plugin does, with no function_exists() guard.
 *
 * @package Presence
 */

// phpcs:disable

/** The other plugin's function. */
function wp_get_presence( $room, $timeout = 150 ) {
	return 'other plugin';
}
