<?php
/**
 * The file behind presence.shm_path: foreign, truncated or damaged files are replaced or
 * repaired and never misread; an unusable path makes every function answer falsy with an
 * E_WARNING, never an exception or a crash. Each case runs in a child on a private path.
 */

declare(strict_types=1);

final class SegmentFileTest extends PresenceTestCase
{
	protected function setUp(): void
	{
		self::requireShm();
		parent::setUp();
	}

	private const SIZE = 262144;

	/** @return array<string, array{0: string}> */
	public function foreignFiles(): array
	{
		return [
			'random bytes' => [str_repeat("\x5a\xa5\x01\xfe", self::SIZE / 4)],
			'zeros' => [str_repeat("\0", self::SIZE)],
			'truncated' => ['PRESNCE' . str_repeat("\1", 93)],
			'empty' => [''],
			'another size' => [str_repeat("\0", self::SIZE + 4096)],
			'a text file' => ["<?php echo 'not a segment';\n"],
		];
	}

	/** @dataProvider foreignFiles */
	public function testAForeignFileAtThePathIsReplacedByAWorkingSegment(string $content): void
	{
		$path = $this->privateSegmentPath('foreign');
		file_put_contents($path, $content);

		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$result = [
				'room_before' => presence_room('r'),
				'written' => presence_upsert('r', 'c', ['ok' => true], 3, 600),
				'room' => presence_room('r'),
				'stats' => presence_stats(),
			];
			$result['errors'] = $errors;
			PHP, ['presence.shm_path' => $path, 'presence.shm_size' => '256K']);

		self::assertSame([], $r['errors']);
		self::assertSame([], $r['room_before'], 'nothing is read out of a foreign file');
		self::assertTrue($r['written']);
		self::assertSame([['ok' => true]], array_column($r['room'], 'data'));
		self::assertSame(1, $r['stats']['live_entries']);
		self::assertSame(self::SIZE, $r['stats']['bytes_total']);
		self::assertSame(self::SIZE, filesize($path));
	}

	/** @return array<string, array{0: string}> */
	public function unusablePaths(): array
	{
		return [
			'a directory' => ['dir'],
			'a missing directory' => ['missing'],
		];
	}

	/** @dataProvider unusablePaths */
	public function testAnUnusablePathMakesEveryFunctionWarnAndAnswerFalsy(string $kind): void
	{
		$path = $this->privateSegmentPath('unusable');
		if ($kind === 'dir') {
			mkdir($path);
		} else {
			$path .= '/no/such/dir/x.seg';
		}
		try {
			$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
				$calls = [
					'presence_upsert' => fn () => presence_upsert('r', 'c', ['a' => 1], 1, 60),
					'presence_room' => fn () => presence_room('r'),
					'presence_room_count' => fn () => presence_room_count('r'),
					'presence_remove' => fn () => presence_remove('r', 'c'),
					'presence_remove_user' => fn () => presence_remove_user(1),
					'presence_user' => fn () => presence_user(1),
					'presence_rooms' => fn () => presence_rooms(),
					'presence_room_version' => fn () => presence_room_version('r'),
					'presence_gc' => fn () => presence_gc(),
					'presence_flush' => fn () => presence_flush(),
					'presence_stats' => fn () => presence_stats(),
				];
				$result = [];
				foreach ($calls as $name => $call) {
					$errors = [];
					try {
						$value = $call();
						$result[$name] = ['value' => $value, 'errors' => $errors];
					} catch (Throwable $e) {
						$result[$name] = ['exception' => get_class($e) . ': ' . $e->getMessage()];
					}
				}
				PHP, ['presence.shm_path' => $path]);
		} finally {
			if ($kind === 'dir') {
				rmdir($path);
			}
		}

		$falsy = [
			'presence_upsert' => false, 'presence_room' => [], 'presence_room_count' => 0,
			'presence_remove' => false, 'presence_remove_user' => 0, 'presence_user' => [],
			'presence_rooms' => [], 'presence_room_version' => 0, 'presence_gc' => 0,
			'presence_flush' => 0, 'presence_stats' => [],
		];
		self::assertSame(array_keys($falsy), array_keys($r));
		foreach ($falsy as $name => $value) {
			self::assertArrayNotHasKey('exception', $r[$name], $name);
			self::assertSame($value, $r[$name]['value'], $name);
			self::assertCount(1, $r[$name]['errors'], $name);
			self::assertSame(E_WARNING, $r[$name]['errors'][0][0], $name);
			self::assertStringContainsString($name . '(): ', $r[$name]['errors'][0][1]);
			self::assertStringContainsString('cannot attach presence segment', $r[$name]['errors'][0][1]);
		}
	}

	/**
	 * Damaged entry content is never returned: entries carry a checksum of their user id, client
	 * id and state, checked on every read; a damaged entry is dropped when the table is rebuilt.
	 * Issue 2: a corrupted file is "detected and replaced, never misread".
	 */
	public function testDamagedEntryContentIsNeverReturned(): void
	{
		$path = $this->privateSegmentPath('damaged');
		$ini = ['presence.shm_path' => $path, 'presence.shm_size' => '256K'];
		self::runChild(<<<'PHP'
			for ($i = 0; $i < 100; $i++) {
				presence_upsert('room' . ($i % 5), "c$i", ['i' => $i, 'pad' => str_repeat('x', 200)], $i % 3, 600);
			}
			PHP, $ini);

		// Overwrite one byte inside ten of the stored states: invalid UTF-8 in five, a valid but
		// different letter in the other five.
		$bytes = (string) file_get_contents($path);
		preg_match_all('/x{32}/', $bytes, $runs, PREG_OFFSET_CAPTURE);
		self::assertGreaterThanOrEqual(100, count($runs[0]), 'the states are in the file');
		$step = intdiv(count($runs[0]), 10);
		for ($damaged = 0; $damaged < 10; $damaged++) {
			$offset = $runs[0][$damaged * $step][1];
			$bytes[$offset + 5] = $damaged % 2 === 0 ? "\xff" : 'y';
		}
		file_put_contents($path, $bytes);

		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$result = ['entries' => []];
			foreach (presence_rooms() as $room => $_) {
				foreach (presence_room($room) as $e) {
					$result['entries'][] = $e;
				}
			}
			$result['users'] = array_merge(presence_user(0), presence_user(1), presence_user(2));
			$result['after'] = presence_upsert('after', 'c', ['ok' => 1]) ? presence_room('after') : null;
			$result['errors'] = $errors;
			PHP, $ini);

		self::assertSame([], $r['errors']);
		self::assertSame([['ok' => 1]], array_column($r['after'] ?? [], 'data'), 'the store still works');
		self::assertGreaterThan(0, count($r['entries']));
		foreach (['entries', 'users'] as $read) {
			foreach ($r[$read] as $e) {
				$i = (int) substr($e['client_id'], 1);
				$written = ['room' . ($i % 5), "c$i", $i % 3, ['i' => $i, 'pad' => str_repeat('x', 200)]];
				self::assertSame(
					$written,
					[$e['room'], $e['client_id'], $e['user_id'], $e['data']],
					"$read: an entry read back differs from what was written: " . json_encode($e, JSON_INVALID_UTF8_SUBSTITUTE)
				);
			}
		}
	}
}
