<?php
/**
 * Bootstrap of the fleet test. Environment (from `tools/site/site.sh env` of the site):
 * - PRESENCE_TEST_URL       the site's URL
 * - PRESENCE_TEST_RUN_DIR   its run directory (PID files of php-fpm, php-fpm-2, redis)
 * - PRESENCE_TEST_MACHINES  how many php-fpm masters it has (at least 2)
 * - PRESENCE_TEST_BACKEND   `redis` (its own redis-server) or `shm`
 */

declare(strict_types=1);

(static function (): void {
	$need = ['PRESENCE_TEST_URL', 'PRESENCE_TEST_RUN_DIR', 'PRESENCE_TEST_MACHINES', 'PRESENCE_TEST_BACKEND'];
	foreach ($need as $name) {
		if ((string) getenv($name) === '') {
			fwrite(STDERR, "fleet test: $name is not set (run it through bin/test, which brings up the site \"fleet\")\n");
			exit(1);
		}
	}
	if ((int) getenv('PRESENCE_TEST_MACHINES') < 2) {
		fwrite(STDERR, "fleet test: the site has one machine; bring it up with PRESENCE_MACHINES=2\n");
		exit(1);
	}
	if (!in_array(getenv('PRESENCE_TEST_BACKEND'), ['redis', 'shm'], true)) {
		fwrite(STDERR, "fleet test: PRESENCE_TEST_BACKEND must be redis or shm\n");
		exit(1);
	}
	if (!function_exists('curl_init')) {
		fwrite(STDERR, "fleet test: PHP's curl extension is missing (apt-get install php8.2-curl)\n");
		exit(1);
	}
})();

require __DIR__ . '/Browser.php';
