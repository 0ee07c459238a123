<?php
/**
 * Reserved entries (client ids starting with `_`: the feature plugin's `_lock`, `_collab`) and
 * client prefixes: listings and counts leave reserved entries out unless a `_` prefix asks for
 * them; a prefix is compared byte by byte, without wildcards.
 */

declare(strict_types=1);

final class ReservedEntriesTest extends PresenceTestCase
{
	private function seedPost(): void
	{
		presence_upsert('post:1', '_lock', ['by' => 7], 7, 600);
		usleep(1000);
		presence_upsert('post:1', 'editor-7', ['screen' => 'post'], 7, 600);
		usleep(1000);
		presence_upsert('post:1', 'tab-8', ['screen' => 'post'], 8, 600);
		presence_upsert('locks-only', '_collab', ['on' => true], 9, 600);
	}

	public function testListingsAndCountsLeaveReservedEntriesOut(): void
	{
		$this->seedPost();
		self::assertSame(['tab-8', 'editor-7'], self::clients(presence_room('post:1')));
		self::assertSame(2, presence_room_count('post:1'));
		self::assertSame(['editor-7'], self::clients(presence_user(7)));
		self::assertSame(['post:1' => ['entries' => 2, 'users' => 2]], presence_rooms(), 'a room of reserved entries only is not listed');
		self::assertSame(['tab-8', 'editor-7'], self::clients(presence_prefix('')));
		self::assertSame([], presence_room('locks-only'));
		self::assertSame(0, presence_room_count('locks-only'));
	}

	public function testAReservedPrefixAsksForThemAndPresenceEntryReturnsThem(): void
	{
		$this->seedPost();
		$locks = presence_room('post:1', null, null, '_');
		self::assertSame(['_lock'], self::clients($locks));
		self::assertSame(['by' => 7], $locks[0]['data']);
		self::assertSame(['_lock'], self::clients(presence_room('post:1', null, null, '_lo')));
		self::assertSame(1, presence_room_count('post:1', null, '_'));
		self::assertSame(['_collab', '_lock'], self::clients(presence_prefix('', null, null, '_')));
		self::assertSame('_lock', presence_entry('post:1', '_lock')['client_id'] ?? null);
		self::assertSame(['on' => true], presence_entry('locks-only', '_collab')['data'] ?? null);
	}

	public function testReservedEntriesMoveTheVersionAndGoWithTheirUserAFlushOrGc(): void
	{
		$this->seedPost();
		$v = presence_room_version('locks-only');
		self::assertNotSame(0, $v, 'a room of reserved entries has a version');
		presence_upsert('locks-only', '_collab', ['on' => false], 9, 600);
		self::assertNotSame($v, presence_room_version('locks-only'));
		self::assertSame(2, presence_remove_user(7), 'a _lock held by a user who logs out is released');
		self::assertNull(presence_entry('post:1', '_lock'));
		self::assertTrue(presence_remove('locks-only', '_collab'));
		presence_upsert('r', '_x', [], 1, 600);
		self::assertSame(2, presence_flush(), 'tab-8 and _x');
		self::assertSame(0, presence_stats()['live_entries']);
	}

	public function testAClientPrefixIsLiteral(): void
	{
		foreach (['a_b-1', 'axb-1', 'a%b-1', 'a_b-2'] as $c) {
			presence_upsert('r', $c);
		}
		$pick = static function (string $prefix): array {
			$ids = self::clients(presence_room('r', null, null, $prefix));
			sort($ids);
			return [$ids, presence_room_count('r', null, $prefix)];
		};
		self::assertSame([['a_b-1', 'a_b-2'], 2], $pick('a_b-'));
		self::assertSame([['a%b-1'], 1], $pick('a%'));
		self::assertSame([[], 0], $pick('a_b-3'));
		self::assertSame(4, presence_room_count('r', null, ''));
		self::assertCount(2, presence_room('r', 3600, 2, 'a'), 'max age and limit apply too');
	}
}
