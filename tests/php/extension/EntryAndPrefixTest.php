<?php
/**
 * presence_entry(): one live entry (reserved or not) or null; presence_prefix(): the live entries
 * of every room under a prefix, newest first across rooms, each with its room.
 */

declare(strict_types=1);

final class EntryAndPrefixTest extends PresenceTestCase
{
	public function testPresenceEntryReturnsOneEntryInTheRoomShapeOrNull(): void
	{
		presence_upsert('r', 'tab', ['screen' => 'dashboard'], 5, 60);
		$e = presence_entry('r', 'tab');
		self::assertSame(presence_room('r')[0], $e);
		self::assertSame(['room', 'client_id', 'user_id', 'data', 'date_gmt', 'updated_at'], array_keys($e));
		self::assertNull(presence_entry('r', 'other'));
		self::assertNull(presence_entry('elsewhere', 'tab'));
		presence_remove('r', 'tab');
		self::assertNull(presence_entry('r', 'tab'));
	}

	public function testPresencePrefixMergesRoomsNewestFirst(): void
	{
		$now = microtime(true);
		presence_upsert('site/1/post:1', 'a', [], 1, 600, $now - 30);
		presence_upsert('site/1/post:2', 'b', [], 2, 600, $now - 20);
		presence_upsert('site/1/post:2', '_lock', [], 2, 600, $now - 10);
		presence_upsert('site/2/post:1', 'c', [], 3, 600, $now - 10);
		presence_upsert('site/1/post:1', 'd', [], 4, 600, $now - 5);
		$rows = static fn (array $list): array => array_map(static fn (array $e): string => $e['room'] . ' ' . $e['client_id'], $list);
		self::assertSame(['site/1/post:1 d', 'site/1/post:2 b', 'site/1/post:1 a'], $rows(presence_prefix('site/1/')));
		self::assertSame(['site/1/post:1 d', 'site/2/post:1 c'], $rows(presence_prefix('site/', null, 2)));
		self::assertSame(['site/1/post:1 d', 'site/2/post:1 c'], $rows(presence_prefix('site/', 15)));
		self::assertSame(['site/1/post:2 _lock'], $rows(presence_prefix('', null, null, '_')));
		self::assertSame([], presence_prefix('nothing/'));
		$all = presence_prefix('');
		self::assertTrue(array_is_list($all));
		self::assertSame(['room', 'client_id', 'user_id', 'data', 'date_gmt', 'updated_at'], array_keys($all[0]));
		self::assertCount(4, $all);
	}
}
