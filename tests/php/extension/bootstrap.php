<?php
/**
 * Bootstrap of the extension suite: refuses to run unless the extension is loaded and pointed at
 * a private segment, then deletes that segment when the run ends.
 */

declare(strict_types=1);

(static function (): void {
	$fail = static function (string $why): void {
		fwrite(
			STDERR,
			"presence extension tests cannot run: $why\n"
			. "Run from the repository root:\n"
			. "  php -n -d extension=\$PWD/target/release/libpresence.so -d extension=dom -d extension=mbstring \\\n"
			. "      -d extension=tokenizer -d extension=xml -d extension=xmlwriter \\\n"
			. "      -d presence.shm_path=/dev/shm/presence-phpunit-\$\$.seg /usr/bin/phpunit -c tests/php/extension/phpunit.xml\n"
		);
		exit(1);
	};

	if (!extension_loaded('presence')) {
		$fail('the presence extension is not loaded (add -d extension=/path/to/libpresence.so)');
	}
	$path = trim((string) ini_get('presence.shm_path'));
	if ($path === '') {
		$fail('presence.shm_path is not set: the tests empty the store, so they need a private segment');
	}
	if (preg_match('~/presence-v\d+-\d+\.seg$~', $path)) {
		$fail("presence.shm_path=$path looks like the default shared segment; give the tests a private one");
	}
	if (!is_dir(dirname($path))) {
		$fail('the directory of presence.shm_path does not exist: ' . dirname($path));
	}

	register_shutdown_function(static function () use ($path): void {
		if (is_file($path)) {
			unlink($path);
		}
	});
})();

require __DIR__ . '/PresenceTestCase.php';
