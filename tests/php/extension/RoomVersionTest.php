<?php
/**
 * presence_room_version(): moves on join, leave, state or user change; stays on a refresh with
 * the same state and user; belongs to one room.
 */

declare(strict_types=1);

final class RoomVersionTest extends PresenceTestCase
{
	public function testAnUnknownRoomHasVersionZeroAndAJoinMovesIt(): void
	{
		self::assertSame(0, presence_room_version('r'));
		presence_upsert('r', 'a', ['s' => 1], 1);
		$joined = presence_room_version('r');
		self::assertNotSame(0, $joined);
		presence_upsert('r', 'b', ['s' => 1], 2);
		self::assertNotSame($joined, presence_room_version('r'), 'a second member joining');
	}

	public function testARefreshWithTheSameStateAndUserKeepsTheVersion(): void
	{
		presence_upsert('r', 'a', ['screen' => 'post', 'ids' => [1, 2]], 7, 60);
		presence_upsert('r', 'b', ['screen' => 'list'], 8, 60);
		$v = presence_room_version('r');
		$before = presence_room('r');
		usleep(2000);
		self::assertTrue(presence_upsert('r', 'a', ['screen' => 'post', 'ids' => [1, 2]], 7, 60));
		self::assertTrue(presence_upsert('r', 'a', ['screen' => 'post', 'ids' => [1, 2]], 7, 120), 'another ttl is still a refresh');
		self::assertSame($v, presence_room_version('r'));
		$after = presence_room('r');
		self::assertSame(['a', 'b'], self::clients($after), 'yet the refresh made it the newest');
		self::assertGreaterThan($before[1]['updated_at'], $after[0]['updated_at']);
	}

	public function testAStateChangeMovesTheVersion(): void
	{
		presence_upsert('r', 'a', ['screen' => 'post'], 7);
		$v1 = presence_room_version('r');
		presence_upsert('r', 'a', ['screen' => 'list'], 7);
		$v2 = presence_room_version('r');
		self::assertNotSame($v1, $v2);
		presence_upsert('r', 'a', ['screen' => 'list', 'extra' => null], 7);
		$v3 = presence_room_version('r');
		self::assertNotSame($v2, $v3, 'an added key is a change');
		presence_upsert('r', 'a', [], 7);
		self::assertNotSame($v3, presence_room_version('r'), 'an emptied state is a change');
	}

	public function testAUserChangeMovesTheVersion(): void
	{
		presence_upsert('r', 'a', ['s' => 1], 7);
		$v = presence_room_version('r');
		presence_upsert('r', 'a', ['s' => 1], 8);
		self::assertNotSame($v, presence_room_version('r'));
	}

	public function testALeaveMovesTheVersionAndAnEmptyRoomIsZero(): void
	{
		presence_upsert('r', 'a');
		presence_upsert('r', 'b');
		$v = presence_room_version('r');
		presence_remove('r', 'a');
		$left = presence_room_version('r');
		self::assertNotSame($v, $left);
		self::assertNotSame(0, $left);
		presence_remove_user(0, 'r');
		self::assertSame(0, presence_room_version('r'));
		presence_upsert('r', 'a');
		self::assertNotContains(presence_room_version('r'), [0, $v, $left], 'a room that comes back never reuses a version');
	}

	public function testOtherRoomsDoNotMoveARoomsVersion(): void
	{
		presence_upsert('r', 'a', ['s' => 1]);
		$v = presence_room_version('r');
		presence_upsert('other', 'a', ['s' => 2]);
		presence_upsert('other', 'b');
		presence_remove('other', 'a');
		presence_flush('other');
		self::assertSame($v, presence_room_version('r'));
	}

	public function testFlushMovesTheVersion(): void
	{
		presence_upsert('site/r', 'a');
		$v = presence_room_version('site/r');
		presence_flush('site/');
		self::assertSame(0, presence_room_version('site/r'));
		presence_upsert('site/r', 'a');
		$v2 = presence_room_version('site/r');
		self::assertNotContains($v2, [0, $v]);

		presence_flush();
		self::assertSame(0, presence_room_version('site/r'));
		presence_upsert('site/r', 'b', ['other' => 'state']);
		self::assertNotContains(presence_room_version('site/r'), [0, $v, $v2], 'emptying the whole store never reuses a version');
	}
}
