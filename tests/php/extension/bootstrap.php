<?php
/**
 * Bootstrap of the extension suite: refuses to run unless the extension is loaded and pointed at
 * a private store — a private segment (deleted when the run ends), or, with presence.backend set
 * to a Redis URL, a key prefix of its own — because every test empties the store.
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
			. "On Redis, instead of presence.shm_path:\n"
			. "  -d presence.backend=redis://127.0.0.1:PORT -d presence.key_prefix=phpunit-\$\$:\n"
		);
		exit(1);
	};

	if (!extension_loaded('presence')) {
		$fail('the presence extension is not loaded (add -d extension=/path/to/libpresence.so)');
	}
	$backend = trim((string) ini_get('presence.backend'));
	$store = $backend !== '' && strcasecmp($backend, 'shm') !== 0 ? 'redis' : 'shm';
	// The store the run is labelled with (bin/test says it) must be the one the ini chooses...
	$claimed = (string) getenv('PRESENCE_TEST_STORE');
	if ($claimed !== '' && $claimed !== $store) {
		$fail("this run is labelled PRESENCE_TEST_STORE=$claimed, but presence.backend=\"$backend\" chooses $store");
	}
	// ... and the one that answers.
	$answering = presence_stats()['backend'] ?? 'nothing';
	if ($answering !== $store) {
		$fail("presence.backend=\"$backend\" chooses $store, but the store answering is $answering");
	}
	if ($store === 'redis') {
		if (ini_get('presence.key_prefix') === 'presence:') {
			$fail('presence.key_prefix is the default one: the tests empty the store, so on Redis they need a prefix of their own');
		}
		require_once dirname(__DIR__) . '/support/RedisInfo.php';
		try {
			$seen = (new RedisInfo($backend))->measure(static function (): void {
				presence_room_version('bootstrap/which-store');
			});
		} catch (RuntimeException | InvalidArgumentException $e) {
			$fail('cannot ask the Redis server of presence.backend itself: ' . $e->getMessage());
		}
		if ($seen['replies'] < 1) {
			$fail("the Redis server at $backend did not see the extension's read: another store answers");
		}
		fwrite(STDOUT, "Presence extension tests on Redis at $backend (the server saw the extension's read)\n");
		return;
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

	presence_upsert('bootstrap/which-store', 'check', [], 0, 1);
	clearstatcache();
	if (presence_stats()['segment_path'] !== $path || !is_file($path)) {
		$fail("the store answering does not write the segment presence.shm_path names ($path)");
	}
	presence_flush('bootstrap/');
	fwrite(STDOUT, "Presence extension tests on shared memory at $path\n");

	register_shutdown_function(static function () use ($path): void {
		if (is_file($path)) {
			unlink($path);
		}
	});
})();

require __DIR__ . '/PresenceTestCase.php';
