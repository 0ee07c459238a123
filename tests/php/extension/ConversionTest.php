<?php
/**
 * Building result arrays: a room read shares strings that repeat between entries (keys, a value
 * equal to the previous entry's under the same key) and builds lists packed. Every entry must
 * still come back exactly as written, and changing one returned array must not change another.
 */

declare(strict_types=1);

final class ConversionTest extends PresenceTestCase
{
	/** States with repeated and changing values, keys in changing order, nesting, long strings. */
	private static function states(): array
	{
		$long  = str_repeat('long value ', 10);
		$many  = [];
		for ($k = 0; $k < 40; $k++) {
			$many["key-$k"] = "value-" . ($k % 3);
		}
		return [
			'a' => ['screen' => 'dashboard', 'display_name' => 'Ann', 'tags' => ['x', 'y'], 'n' => 1],
			'b' => ['screen' => 'dashboard', 'display_name' => 'Bob', 'tags' => ['x', 'y'], 'n' => 2],
			'c' => ['display_name' => 'Bob', 'screen' => 'post', 'tags' => ['screen' => 'dashboard'], 'n' => 3],
			'd' => ['screen' => 'post', 'display_name' => $long, 'tags' => [], 'n' => 4.5],
			'e' => ['screen' => $long, 'display_name' => $long, str_repeat('k', 100) => $long, 7 => 'seven'],
			'f' => $many,
			'g' => ['screen' => 'dashboard', 'display_name' => null, 'tags' => [true, false], 'n' => 'dashboard'],
		];
	}

	public function testEveryEntryOfARoomComesBackExactlyAsWritten(): void
	{
		$states = self::states();
		foreach ($states as $client => $state) {
			self::assertTrue(presence_upsert('conv', $client, $state, 1));
		}
		$read = [];
		foreach (presence_room('conv') as $entry) {
			$read[$entry['client_id']] = $entry['data'];
		}
		ksort($read);
		self::assertSame($states, $read);
		self::assertTrue(array_is_list($read['a']['tags']), 'a stored list reads back as a list');
	}

	public function testChangingOneReturnedEntryLeavesTheOthersAlone(): void
	{
		foreach (['a', 'b', 'c'] as $client) {
			presence_upsert('conv', $client, ['screen' => 'dashboard', 'list' => [1, 2]], 1);
		}
		$room            = presence_room('conv');
		$room[0]['data']['screen'] .= '!';
		$room[0]['data']['list'][] = 3;
		$room[0]['room']          .= '!';
		self::assertSame('dashboard!', $room[0]['data']['screen']);
		self::assertSame([1, 2, 3], $room[0]['data']['list']);
		foreach ([1, 2] as $i) {
			self::assertSame(['screen' => 'dashboard', 'list' => [1, 2]], $room[$i]['data']);
			self::assertSame('conv', $room[$i]['room']);
		}
		self::assertSame(['screen' => 'dashboard', 'list' => [1, 2]], presence_room('conv')[0]['data'], 'the store is unchanged');
	}

	public function testEveryReadReturnsFreshArrays(): void
	{
		presence_upsert('conv', 'a', ['screen' => 'dashboard'], 1);
		$first                       = presence_room('conv');
		$first[0]['data']['screen']  = 'changed';
		$again                       = presence_room('conv');
		self::assertSame('dashboard', $again[0]['data']['screen']);
		self::assertSame(['room', 'client_id', 'user_id', 'data', 'date_gmt', 'updated_at'], array_keys($again[0]));
		self::assertSame($again, presence_user(1));
	}
}
