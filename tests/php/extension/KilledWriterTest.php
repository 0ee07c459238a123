<?php
/**
 * `php` processes SIGKILLed in the middle of writing never freeze or damage the store for the
 * processes that remain.
 */

declare(strict_types=1);

final class KilledWriterTest extends PresenceTestCase
{
	public function testWritersKilledMidFlightLeaveAUsableConsistentStore(): void
	{
		$kills = 0;
		for ($wave = 0; $wave < 3; $wave++) {
			$children = [];
			for ($n = 0; $n < 3; $n++) {
				$children[] = self::startChild(sprintf(<<<'PHP'
					echo "started\n";
					for ($i = 0; $i < 5000000; $i++) {
						presence_upsert('killed/' . ($i %% 13), "w%d-%d-" . ($i %% 50), ['i' => $i, 'pad' => str_repeat('k', $i %% 300)], $i %% 7, 600);
						if ($i %% 5 === 0) {
							presence_remove('killed/' . ($i %% 13), "w%d-%d-" . (($i + 25) %% 50));
						}
					}
					PHP, $wave, $n, $wave, $n));
			}
			foreach ($children as [$proc, $pipes]) {
				self::assertSame("started\n", fgets($pipes[1]), 'the child runs');
			}
			usleep(150000 + 50000 * $wave);
			foreach ($children as [$proc, $pipes]) {
				self::assertTrue(proc_terminate($proc, 9));
				$kills++;
				fclose($pipes[1]);
				fclose($pipes[2]);
				proc_close($proc);
			}
		}
		self::assertSame(9, $kills);

		$errors = [];
		set_error_handler(static function (int $no, string $msg) use (&$errors): bool {
			$errors[] = $msg;
			return true;
		});
		try {
			$t = microtime(true);
			self::assertTrue(presence_upsert('killed/0', 'survivor', ['ok' => true], 1, 600));
			$rooms = presence_rooms('killed/');
			$elapsed = microtime(true) - $t;
			$listed = 0;
			$wrong = [];
			foreach ($rooms as $room => $summary) {
				$entries = presence_room($room);
				$listed += count($entries);
				if ($summary['entries'] !== count($entries) || presence_room_count($room) !== count($entries)
					|| $summary['users'] !== count(array_unique(array_column($entries, 'user_id')))) {
					$wrong[] = "$room: summary, count and list disagree";
				}
				foreach ($entries as $e) {
					$i = $e['data']['i'] ?? -1;
					$expected = $e['client_id'] === 'survivor'
						? [1, ['ok' => true]]
						: [$i % 7, ['i' => $i, 'pad' => str_repeat('k', $i % 300)]];
					if (!preg_match('/^(w\d-\d-\d+|survivor)$/', $e['client_id']) || [$e['user_id'], $e['data']] !== $expected) {
						$wrong[] = "$room: damaged entry " . json_encode($e, JSON_INVALID_UTF8_SUBSTITUTE);
					}
				}
			}
			self::assertSame([], $wrong);
			self::assertGreaterThan(1, $listed, 'the killed writers had written entries');
			self::assertSame(presence_stats()['live_entries'], $listed, 'every live entry is in a listed room');
			self::assertSame([['ok' => true]], array_column(array_filter(presence_room('killed/0'), static fn (array $e): bool => $e['client_id'] === 'survivor'), 'data'));
		} finally {
			restore_error_handler();
		}
		self::assertSame([], $errors, 'no lock timeout or damage warning');
		// A writer that waited out a dead holder's lock would take the whole lock timeout.
		self::assertLessThan(self::LOCK_TIMEOUT_SECONDS, $elapsed, 'the lock of a killed writer did not hold the others back');
	}
}
