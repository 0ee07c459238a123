<?php
/**
 * A full segment, in child processes with the smallest segment (256 KiB) on a private path:
 * eviction of the least recently written entries, and writes that cannot fit answered by
 * false and an E_WARNING instead of an exception.
 */

declare(strict_types=1);

final class FullSegmentTest extends PresenceTestCase
{
	protected function setUp(): void
	{
		self::requireShm();
		parent::setUp();
	}

	/** @return array<string, string> */
	private function tinySegment(string $label, array $more = []): array
	{
		return ['presence.shm_size' => '256K', 'presence.shm_path' => $this->privateSegmentPath($label)] + $more;
	}

	public function testFillingTheSegmentEvictsTheLeastRecentlyWrittenEntries(): void
	{
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$capacity = presence_stats()['capacity'];
			$total = 3 * $capacity;
			$pad = str_repeat('p', 300);
			$failed = 0;
			for ($i = 0; $i < $total; $i++) {
				$failed += presence_upsert('room' . ($i % 7), "c$i", ['i' => $i, 'pad' => $pad], 1, 3600) ? 0 : 1;
			}
			$survivors = [];
			foreach (presence_rooms() as $room => $_) {
				foreach (presence_room($room) as $e) {
					$survivors[] = $e['data']['i'];
				}
			}
			sort($survivors);
			$result = [
				'capacity' => $capacity, 'total' => $total, 'failed' => $failed, 'errors' => $errors,
				'stats' => presence_stats(), 'survivors' => $survivors,
				'newest' => presence_room('room' . (($total - 1) % 7), null, 1)[0]['data']['i'] ?? null,
				'after' => presence_upsert('after', 'c', ['ok' => true]) && presence_room('after')[0]['data'] === ['ok' => true],
			];
			PHP, $this->tinySegment('fill'));

		self::assertSame(262144, $r['stats']['bytes_total']);
		self::assertSame(0, $r['failed'], 'eviction made room for every write');
		self::assertSame([], $r['errors']);
		self::assertGreaterThan(0, $r['stats']['evictions']['lru']);
		self::assertSame($r['total'] - count($r['survivors']), $r['stats']['evictions']['lru']);
		self::assertSame(0, $r['stats']['rejected_full']);
		self::assertLessThanOrEqual($r['capacity'], count($r['survivors']));
		self::assertGreaterThan(0, count($r['survivors']));
		self::assertSame(
			range($r['total'] - count($r['survivors']), $r['total'] - 1),
			$r['survivors'],
			'the entries left are exactly the most recently written ones'
		);
		self::assertSame($r['total'] - 1, $r['newest']);
		self::assertTrue($r['after']);
	}

	public function testMoreRoomsThanTheSegmentHoldsEvictOldRooms(): void
	{
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$roomCapacity = presence_stats()['room_capacity'];
			$ok = 0;
			for ($i = 0; $i < 2 * $roomCapacity; $i++) {
				$ok += presence_upsert("room-$i", 'c', ['i' => $i], 0, 3600) ? 1 : 0;
			}
			$result = [
				'room_capacity' => $roomCapacity, 'ok' => $ok, 'errors' => $errors, 'stats' => presence_stats(),
				'rooms' => array_keys(presence_rooms()),
				'last' => presence_room('room-' . (2 * $roomCapacity - 1)),
				'first' => presence_room('room-0'),
			];
			PHP, $this->tinySegment('rooms'));

		self::assertSame(2 * $r['room_capacity'], $r['ok']);
		self::assertSame([], $r['errors']);
		self::assertLessThanOrEqual($r['room_capacity'], $r['stats']['rooms']);
		self::assertCount($r['stats']['rooms'], $r['rooms']);
		self::assertGreaterThan(0, $r['stats']['evictions']['lru']);
		self::assertCount(1, $r['last']);
		self::assertSame([], $r['first']);
	}

	public function testAWriteThatCannotFitReturnsFalseWithAWarning(): void
	{
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$result = ['exception' => null];
			try {
				$result['returned'] = presence_upsert('big', 'c', ['blob' => str_repeat('y', 400000)]);
			} catch (Throwable $e) {
				$result['exception'] = get_class($e) . ': ' . $e->getMessage();
			}
			$result['errors'] = $errors;
			$result['stats'] = presence_stats();
			$result['big'] = presence_room('big');
			$result['after'] = presence_upsert('after', 'c', ['ok' => 1]);
			$result['after_read'] = presence_room('after');
			PHP, $this->tinySegment('oversized', ['presence.max_state_bytes' => '1M']));

		self::assertNull($r['exception']);
		self::assertFalse($r['returned']);
		self::assertCount(1, $r['errors']);
		self::assertSame(E_WARNING, $r['errors'][0][0]);
		self::assertStringStartsWith('presence_upsert(): ', $r['errors'][0][1]);
		self::assertStringContainsString('full', $r['errors'][0][1]);
		self::assertSame(1, $r['stats']['rejected_full']);
		self::assertSame([], $r['big']);
		self::assertTrue($r['after'], 'the table still works');
		self::assertSame([['ok' => 1]], array_column($r['after_read'], 'data'));
	}

	/**
	 * A write larger than the whole segment is refused before anything is evicted for it. The
	 * store's own contract (StoreError: "Nothing stored is lost by any of these") says a refused
	 * write loses nothing; a single oversized heartbeat must not empty every site's presence.
	 */
	public function testAWriteLargerThanTheWholeSegmentEvictsNothing(): void
	{
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			for ($i = 0; $i < 10; $i++) {
				presence_upsert('keep', "c$i", ['i' => $i], 1, 3600);
			}
			$result = ['before' => presence_room('keep')];
			$result['returned'] = presence_upsert('big', 'c', ['blob' => str_repeat('y', 400000)]);
			$result['after'] = presence_room('keep');
			$result['stats'] = presence_stats();
			$result['errors'] = $errors;
			PHP, $this->tinySegment('oversized-keep', ['presence.max_state_bytes' => '1M']));

		self::assertFalse($r['returned']);
		self::assertCount(1, $r['errors']);
		self::assertCount(10, $r['before']);
		self::assertSame(0, $r['stats']['evictions']['lru'], 'nothing was evicted for a write that could never fit');
		self::assertSame($r['before'], $r['after']);
	}

	/** The warning names the function once (PHP adds the prefix itself). */
	public function testTheFullWarningNamesTheFunctionOnce(): void
	{
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			presence_upsert('big', 'c', ['blob' => str_repeat('y', 400000)]);
			$result = $errors;
			PHP, $this->tinySegment('warning', ['presence.max_state_bytes' => '1M']));

		self::assertCount(1, $r);
		self::assertSame(1, substr_count($r[0][1], 'presence_upsert()'), $r[0][1]);
	}

	/**
	 * `$may_evict = false` (a REST write, a stale-screen mark): on a full segment it evicts no
	 * live entry and fails with a warning instead; its entries are the first live ones an
	 * ordinary write evicts, least recently written first.
	 */
	public function testALowPriorityWriteNeverEvictsAndIsEvictedFirst(): void
	{
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$capacity = presence_stats()['capacity'];
			for ($i = 0; $i < 3; $i++) {
				presence_upsert('rest', "low-$i", [], 1, 3600, null, false);
			}
			for ($i = 3; presence_stats()['live_entries'] < $capacity; $i++) {
				presence_upsert('r', "c$i", [], 1, 3600);
			}
			$result = ['lru_before' => presence_stats()['evictions']['lru']];
			$result['low_write'] = presence_upsert('rest', 'low-late', [], 1, 3600, null, false);
			$result['low_errors'] = $errors;
			$result['lru_after_low'] = presence_stats()['evictions']['lru'];
			$result['exchange'] = presence_exchange('rest', 'low-late', [], 1, 3600, null, null, '', null, '', false);
			$errors = [];
			presence_upsert('r', 'ordinary-1', [], 1, 3600);
			$result['rest_after_one'] = array_column(presence_room('rest'), 'client_id');
			presence_upsert('r', 'ordinary-2', [], 1, 3600);
			presence_upsert('r', 'ordinary-3', [], 1, 3600);
			$result['rest_after_three'] = presence_room('rest');
			$result['c3_kept'] = presence_entry('r', 'c3') !== null;
			presence_upsert('r', 'ordinary-4', [], 1, 3600);
			$result['c3_after'] = presence_entry('r', 'c3');
			$result['errors'] = $errors;
			PHP, $this->tinySegment('low-priority'));

		self::assertFalse($r['low_write'], 'a full segment: the low-priority write fails');
		self::assertCount(1, $r['low_errors']);
		self::assertSame(E_WARNING, $r['low_errors'][0][0]);
		self::assertStringContainsString('$may_evict = false', $r['low_errors'][0][1]);
		self::assertSame($r['lru_before'], $r['lru_after_low'], 'and evicted nothing');
		self::assertFalse($r['exchange'], 'so does a low-priority exchange');
		self::assertSame(['low-2', 'low-1'], $r['rest_after_one'], 'the oldest low-priority entry went first');
		self::assertSame([], $r['rest_after_three']);
		self::assertTrue($r['c3_kept'], 'no ordinary entry went while low-priority ones were left');
		self::assertNull($r['c3_after'], 'then the least recently written ordinary one');
		self::assertSame([], $r['errors']);
	}
}
