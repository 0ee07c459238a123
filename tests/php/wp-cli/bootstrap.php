<?php
/**
 * Bootstrap of the WP-CLI suite: checks the environment; the tests drive `wp` and the site from
 * outside (processes and HTTP), loading nothing of WordPress themselves.
 *
 * - PRESENCE_WP_CLI         the wp executable
 * - PRESENCE_TEST_DOCROOT   the site's WordPress root
 * - PRESENCE_TEST_URL       the site's URL (its php-fpm workers answer there)
 * - PRESENCE_TEST_SO        the presence extension the site's php-fpm loads
 * - PRESENCE_TEST_SHM_PATH  the site's presence.shm_path
 *
 * @package Presence
 */

// phpcs:disable

foreach ( array( 'PRESENCE_WP_CLI', 'PRESENCE_TEST_DOCROOT', 'PRESENCE_TEST_URL', 'PRESENCE_TEST_SO', 'PRESENCE_TEST_SHM_PATH' ) as $name ) {
	if ( '' === (string) getenv( $name ) ) {
		fwrite( STDERR, "presence WP-CLI tests: set $name\n" );
		exit( 1 );
	}
}
require __DIR__ . '/WpCliTestCase.php';
