<?php
/**
 * presence_exchange() and presence_leave(): a write or a removal, then the room as
 * presence_room() reads it and the count under a count prefix, in one lock (one Redis script);
 * the count the room remembers between calls tells a change from 1 to 2 editors (or back).
 */

declare(strict_types=1);

final class ExchangeTest extends PresenceTestCase
{
	private const ENTRY_KEYS = ['room', 'client_id', 'user_id', 'data', 'date_gmt', 'updated_at'];

	public function testAnExchangeAnswersInItsDocumentedShape(): void
	{
		presence_upsert('post:5', '_lock', ['by' => 1], 1, 600);
		$x = presence_exchange('post:5', 'editor-1', ['screen' => 'post'], 1, 600, null, null, '', 10, 'editor-');
		self::assertIsArray($x);
		self::assertSame(['written', 'version', 'entries', 'count', 'previous_count'], array_keys($x));
		self::assertSame('joined', $x['written']);
		self::assertSame(presence_room_version('post:5'), $x['version']);
		self::assertTrue(array_is_list($x['entries']));
		self::assertSame(self::ENTRY_KEYS, array_keys($x['entries'][0]));
		self::assertSame(presence_room('post:5', null, 10), $x['entries'], 'the room as presence_room() reads it');
		self::assertSame(['screen' => 'post'], $x['entries'][0]['data']);
		self::assertSame([1, 0], [$x['count'], $x['previous_count']]);
	}

	public function testWrittenSaysWhatTheWriteDid(): void
	{
		$w = static fn (array $state, int $user = 1, ?float $at = null): string =>
			presence_exchange('r', 'c', $state, $user, 60, $at)['written'];
		self::assertSame('joined', $w(['a' => 1]));
		self::assertSame('refreshed', $w(['a' => 1]));
		self::assertSame('changed', $w(['a' => 2]));
		self::assertSame('changed', $w(['a' => 2], 9));
		self::assertSame('expired', $w(['a' => 2], 9, microtime(true) - 3600));
		self::assertNull(presence_entry('r', 'c'));
		$gone = presence_exchange('r', 'c', [], 1, 60, microtime(true) - 3600);
		self::assertSame(['written' => 'expired', 'version' => 0, 'entries' => [], 'count' => 0, 'previous_count' => 0], $gone);
	}

	public function testTheCountTellsEachChangeBetweenOneAndTwoEditors(): void
	{
		$join = static fn (string $c): array => presence_exchange('post:5', $c, [], 1, 600, null, null, '', null, 'editor-');
		$leave = static fn (string $c): array => presence_leave('post:5', $c, null, '', null, 'editor-');
		$pair = static fn (array $a): array => [$a['previous_count'], $a['count']];
		presence_upsert('post:5', 'viewer', [], 3, 600);
		self::assertSame([0, 1], $pair($join('editor-1')));
		self::assertSame([1, 2], $pair($join('editor-2')), '1 -> 2');
		self::assertSame([2, 2], $pair($join('editor-1')), 'a heartbeat: no change');
		$l = $leave('editor-2');
		self::assertSame(['removed', 'version', 'entries', 'count', 'previous_count'], array_keys($l));
		self::assertTrue($l['removed']);
		self::assertSame([2, 1], $pair($l), '2 -> 1');
		self::assertSame(['editor-1', 'viewer'], self::clients($l['entries']));
		self::assertSame(presence_room_version('post:5'), $l['version']);
		self::assertFalse($leave('editor-2')['removed']);
		// Without a count prefix: no counts, nothing remembered or forgotten.
		$plain = presence_exchange('post:5', 'viewer', [], 3, 600);
		self::assertSame([0, 0], $pair($plain));
		self::assertSame([1, 1], $pair($join('editor-1')));
	}

	public function testALeaveThatEmptiesTheRoomLeavesNothingToRemember(): void
	{
		presence_exchange('post:6', 'editor-1', [], 1, 600, null, null, '', null, 'editor-');
		$l = presence_leave('post:6', 'editor-1', null, '', null, 'editor-');
		self::assertSame(['removed' => true, 'version' => 0, 'entries' => [], 'count' => 0, 'previous_count' => 1], $l);
		$again = presence_exchange('post:6', 'editor-2', [], 2, 600, null, null, '', null, 'editor-');
		self::assertSame([0, 1], [$again['previous_count'], $again['count']], 'a new room starts from nothing');
		self::assertSame(['removed' => false, 'version' => 0, 'entries' => [], 'count' => 0, 'previous_count' => 0], presence_leave('nowhere', 'x'));
	}

	public function testALeaveGivenTheTimeItReadKeepsAWriteMadeSince(): void
	{
		presence_upsert('admin/online', 'user-3', ['tab' => 'closing'], 3, 600);
		$read = presence_entry('admin/online', 'user-3')['updated_at'];
		usleep(2000);
		presence_upsert('admin/online', 'user-3', ['tab' => 'leading'], 3, 600); // Another request's write.
		$kept = presence_leave('admin/online', 'user-3', null, '', null, '', $read);
		self::assertFalse($kept['removed']);
		self::assertSame(['leading'], array_column(array_column($kept['entries'], 'data'), 'tab'));
		$now = presence_entry('admin/online', 'user-3')['updated_at'];
		self::assertTrue(presence_leave('admin/online', 'user-3', null, '', null, '', $now)['removed'], 'the write as it was read goes');
		self::assertNull(presence_entry('admin/online', 'user-3'));
	}

	public function testTheReadArgumentsShapeTheEntries(): void
	{
		$now = microtime(true);
		presence_upsert('r', 'old', [], 1, 600, $now - 100);
		presence_upsert('r', 'editor-9', [], 9, 600, $now - 5);
		presence_upsert('r', '_lock', [], 9, 600);
		$x = presence_exchange('r', 'editor-1', [], 1, 600, null, 60, 'editor-', 1);
		self::assertSame(['editor-1'], self::clients($x['entries']), 'limit 1: the newest');
		self::assertSame(['editor-1', 'editor-9'], self::clients(presence_exchange('r', 'editor-1', [], 1, 600, null, 60, 'editor-')['entries']));
		self::assertSame(['editor-1', 'editor-9'], self::clients(presence_leave('r', 'nobody', 60)['entries']), 'max age leaves "old" out');
		self::assertSame(['_lock'], self::clients(presence_leave('r', 'nobody', null, '_')['entries']));
	}

	public function testAnExchangeTakesTheWriteArgumentsOfPresenceUpsert(): void
	{
		$x = presence_exchange('r', 'c', ['k' => 'v'], 4, 30, microtime(true) - 10, null, '', null, '', false);
		self::assertSame('joined', $x['written']);
		$e = presence_entry('r', 'c');
		self::assertSame([4, ['k' => 'v']], [$e['user_id'], $e['data']]);
		self::assertEqualsWithDelta(microtime(true) - 10, $e['updated_at'], 5.0);
	}
}
