<?php
/**
 * Every invalid argument: the right exception class, a message naming the argument the way PHP
 * does (`presence_upsert(): Argument #1 ($room) …`), no crash, and a store left exactly as it was.
 */

declare(strict_types=1);

final class ValidationTest extends PresenceTestCase
{
	/** Entries every case starts with; the failed call must neither change nor add to them. */
	private function seed(): array
	{
		presence_upsert('r', 'c', ['keep' => 'me', 'n' => [1, 2]], 5, 600);
		presence_upsert('r', 'd', ['keep' => 'too'], 6, 600);
		presence_upsert('s', 'c', [], 5, 600);
		return [self::snapshot('r'), self::snapshot('s'), presence_user(5), presence_stats()['live_entries']];
	}

	/**
	 * @return array<string, array{0: callable(): mixed, 1: class-string<Throwable>, 2: string}>
	 */
	public function invalidCalls(): array
	{
		$r192 = str_repeat('a', 192);
		$cyclic = ['a' => 1];
		$cyclic['self'] = &$cyclic;
		$deep = [];
		for ($i = 0; $i < 10000; $i++) {
			$deep = [$deep];
		}
		$tooLarge = static fn (): array => ['blob' => str_repeat('x', (int) presence_stats()['max_state_bytes'])];
		$ue = 'presence_upsert(): Argument #';
		return [
			'upsert empty room' => [fn () => presence_upsert('', 'c'), ValueError::class, "{$ue}1 (\$room) must not be empty"],
			'upsert 192-byte room' => [fn () => presence_upsert($r192, 'c'), ValueError::class, "{$ue}1 (\$room) must be at most 191 bytes"],
			'upsert 192-byte multibyte room' => [fn () => presence_upsert(str_repeat('é', 96), 'c'), ValueError::class, "{$ue}1 (\$room)"],
			'upsert invalid UTF-8 room' => [fn () => presence_upsert("r\xff", 'c'), ValueError::class, "{$ue}1 (\$room) must be valid UTF-8"],
			'upsert truncated UTF-8 room' => [fn () => presence_upsert("caf\xc3", 'c'), ValueError::class, "{$ue}1 (\$room) must be valid UTF-8"],
			'upsert overlong UTF-8 room' => [fn () => presence_upsert("\xc0\xaf", 'c'), ValueError::class, "{$ue}1 (\$room) must be valid UTF-8"],
			'upsert empty client_id' => [fn () => presence_upsert('r', ''), ValueError::class, "{$ue}2 (\$client_id) must not be empty"],
			'upsert 192-byte client_id' => [fn () => presence_upsert('r', $r192), ValueError::class, "{$ue}2 (\$client_id) must be at most 191 bytes"],
			'upsert invalid UTF-8 client_id' => [fn () => presence_upsert('r', "c\xfe"), ValueError::class, "{$ue}2 (\$client_id) must be valid UTF-8"],
			'upsert state with an object' => [fn () => presence_upsert('r', 'c', ['o' => new stdClass()]), TypeError::class, "{$ue}3 (\$state)"],
			'upsert state with a nested closure' => [fn () => presence_upsert('r', 'c', ['a' => ['b' => static fn () => 1]]), TypeError::class, "{$ue}3 (\$state)"],
			'upsert state with a resource' => [fn () => presence_upsert('r', 'c', [STDERR]), TypeError::class, "{$ue}3 (\$state)"],
			'upsert state with invalid UTF-8 value' => [fn () => presence_upsert('r', 'c', ['t' => "ok\x80"]), ValueError::class, "{$ue}3 (\$state)"],
			'upsert state with invalid UTF-8 key' => [fn () => presence_upsert('r', 'c', ["k\xff" => 1]), ValueError::class, "{$ue}3 (\$state)"],
			'upsert state over max_state_bytes' => [fn () => presence_upsert('r', 'c', $tooLarge()), ValueError::class, "{$ue}3 (\$state) is larger than presence.max_state_bytes"],
			'upsert cyclic state' => [fn () => presence_upsert('r', 'c', $cyclic), ValueError::class, "{$ue}3 (\$state)"],
			'upsert 10000-deep state' => [fn () => presence_upsert('new-room', 'c', $deep), ValueError::class, "{$ue}3 (\$state)"],
			'upsert negative user_id' => [fn () => presence_upsert('r', 'c', [], -1), ValueError::class, "{$ue}4 (\$user_id) must be 0 or greater"],
			'upsert PHP_INT_MIN user_id' => [fn () => presence_upsert('new-room', 'c', [], PHP_INT_MIN), ValueError::class, "{$ue}4 (\$user_id)"],
			'upsert ttl 0' => [fn () => presence_upsert('r', 'c', [], 5, 0), ValueError::class, "{$ue}5 (\$ttl) must be between 1 and 86400"],
			'upsert ttl -1' => [fn () => presence_upsert('r', 'c', [], 5, -1), ValueError::class, "{$ue}5 (\$ttl)"],
			'upsert ttl 86401' => [fn () => presence_upsert('r', 'c', [], 5, 86401), ValueError::class, "{$ue}5 (\$ttl) must be between 1 and 86400"],
			'upsert ttl PHP_INT_MAX' => [fn () => presence_upsert('new-room', 'c', [], 5, PHP_INT_MAX), ValueError::class, "{$ue}5 (\$ttl)"],

			'room empty room' => [fn () => presence_room(''), ValueError::class, 'presence_room(): Argument #1 ($room) must not be empty'],
			'room 192-byte room' => [fn () => presence_room($r192), ValueError::class, 'presence_room(): Argument #1 ($room)'],
			'room invalid UTF-8 room' => [fn () => presence_room("\xff"), ValueError::class, 'presence_room(): Argument #1 ($room) must be valid UTF-8'],
			'room max_age 0' => [fn () => presence_room('r', 0), ValueError::class, 'presence_room(): Argument #2 ($max_age) must be between 1 and 86400'],
			'room max_age 86401' => [fn () => presence_room('r', 86401), ValueError::class, 'presence_room(): Argument #2 ($max_age)'],
			'room limit 0' => [fn () => presence_room('r', null, 0), ValueError::class, 'presence_room(): Argument #3 ($limit) must be 1 or greater'],
			'room limit -5' => [fn () => presence_room('r', 60, -5), ValueError::class, 'presence_room(): Argument #3 ($limit)'],

			'room_count empty room' => [fn () => presence_room_count(''), ValueError::class, 'presence_room_count(): Argument #1 ($room) must not be empty'],
			'room_count invalid UTF-8 room' => [fn () => presence_room_count("\xed\xa0\x80"), ValueError::class, 'presence_room_count(): Argument #1 ($room) must be valid UTF-8'],
			'room_count max_age 0' => [fn () => presence_room_count('r', 0), ValueError::class, 'presence_room_count(): Argument #2 ($max_age)'],

			'remove empty room' => [fn () => presence_remove('', 'c'), ValueError::class, 'presence_remove(): Argument #1 ($room) must not be empty'],
			'remove empty client_id' => [fn () => presence_remove('r', ''), ValueError::class, 'presence_remove(): Argument #2 ($client_id) must not be empty'],
			'remove invalid UTF-8 client_id' => [fn () => presence_remove('r', "\xc3"), ValueError::class, 'presence_remove(): Argument #2 ($client_id) must be valid UTF-8'],
			'remove 192-byte client_id' => [fn () => presence_remove('r', $r192), ValueError::class, 'presence_remove(): Argument #2 ($client_id)'],

			'remove_user negative user_id' => [fn () => presence_remove_user(-1), ValueError::class, 'presence_remove_user(): Argument #1 ($user_id) must be 0 or greater'],
			'remove_user 192-byte prefix' => [fn () => presence_remove_user(5, $r192), ValueError::class, 'presence_remove_user(): Argument #2 ($room_prefix) must be at most 191 bytes'],
			'remove_user invalid UTF-8 prefix' => [fn () => presence_remove_user(5, "r\xff"), ValueError::class, 'presence_remove_user(): Argument #2 ($room_prefix) must be valid UTF-8'],

			'user negative user_id' => [fn () => presence_user(-1), ValueError::class, 'presence_user(): Argument #1 ($user_id) must be 0 or greater'],
			'user max_age 0' => [fn () => presence_user(5, 0), ValueError::class, 'presence_user(): Argument #2 ($max_age)'],
			'user max_age 86401' => [fn () => presence_user(5, 86401), ValueError::class, 'presence_user(): Argument #2 ($max_age)'],

			'rooms 192-byte prefix' => [fn () => presence_rooms($r192), ValueError::class, 'presence_rooms(): Argument #1 ($prefix) must be at most 191 bytes'],
			'rooms invalid UTF-8 prefix' => [fn () => presence_rooms("\xff"), ValueError::class, 'presence_rooms(): Argument #1 ($prefix) must be valid UTF-8'],
			'rooms max_age 0' => [fn () => presence_rooms('', 0), ValueError::class, 'presence_rooms(): Argument #2 ($max_age)'],

			'room_version empty room' => [fn () => presence_room_version(''), ValueError::class, 'presence_room_version(): Argument #1 ($room) must not be empty'],
			'room_version invalid UTF-8 room' => [fn () => presence_room_version("\xff"), ValueError::class, 'presence_room_version(): Argument #1 ($room) must be valid UTF-8'],
			'room_version 192-byte room' => [fn () => presence_room_version($r192), ValueError::class, 'presence_room_version(): Argument #1 ($room)'],

			'flush invalid UTF-8 prefix' => [fn () => presence_flush("\xff"), ValueError::class, 'presence_flush(): Argument #1 ($prefix) must be valid UTF-8'],
			'flush 192-byte prefix' => [fn () => presence_flush($r192), ValueError::class, 'presence_flush(): Argument #1 ($prefix) must be at most 191 bytes'],

			'upsert negative written_at' => [fn () => presence_upsert('new-room', 'c', [], 5, 60, -1.5), ValueError::class, "{$ue}6 (\$written_at) must be a finite number of seconds, 0 or greater, got -1.5"],
			'upsert NAN written_at' => [fn () => presence_upsert('new-room', 'c', [], 5, 60, NAN), ValueError::class, "{$ue}6 (\$written_at) must be a finite number of seconds, 0 or greater, got NAN"],
			'upsert INF written_at' => [fn () => presence_upsert('new-room', 'c', [], 5, 60, INF), ValueError::class, "{$ue}6 (\$written_at) must be a finite number of seconds, 0 or greater, got INF"],
			'room 192-byte client_prefix' => [fn () => presence_room('r', null, null, $r192), ValueError::class, 'presence_room(): Argument #4 ($client_prefix) must be at most 191 bytes, got 192'],
			'room invalid UTF-8 client_prefix' => [fn () => presence_room('r', null, null, "\xff"), ValueError::class, 'presence_room(): Argument #4 ($client_prefix) must be valid UTF-8'],
			'room_count 192-byte client_prefix' => [fn () => presence_room_count('r', null, $r192), ValueError::class, 'presence_room_count(): Argument #3 ($client_prefix) must be at most 191 bytes'],

			'entry empty room' => [fn () => presence_entry('', 'c'), ValueError::class, 'presence_entry(): Argument #1 ($room) must not be empty'],
			'entry 192-byte client_id' => [fn () => presence_entry('r', $r192), ValueError::class, 'presence_entry(): Argument #2 ($client_id) must be at most 191 bytes'],

			'exchange empty room' => [fn () => presence_exchange('', 'c'), ValueError::class, 'presence_exchange(): Argument #1 ($room) must not be empty'],
			'exchange empty client_id' => [fn () => presence_exchange('r', ''), ValueError::class, 'presence_exchange(): Argument #2 ($client_id) must not be empty'],
			'exchange state with an object' => [fn () => presence_exchange('r', 'c', ['o' => new stdClass()]), TypeError::class, 'presence_exchange(): Argument #3 ($state)'],
			'exchange negative user_id' => [fn () => presence_exchange('r', 'c', [], -1), ValueError::class, 'presence_exchange(): Argument #4 ($user_id) must be 0 or greater'],
			'exchange ttl 0' => [fn () => presence_exchange('r', 'c', [], 5, 0), ValueError::class, 'presence_exchange(): Argument #5 ($ttl) must be between 1 and 86400'],
			'exchange negative written_at' => [fn () => presence_exchange('r', 'c', [], 5, 60, -1.0), ValueError::class, 'presence_exchange(): Argument #6 ($written_at)'],
			'exchange max_age 0' => [fn () => presence_exchange('r', 'c', [], 5, 60, null, 0), ValueError::class, 'presence_exchange(): Argument #7 ($max_age) must be between 1 and 86400'],
			'exchange 192-byte client_prefix' => [fn () => presence_exchange('r', 'c', [], 5, 60, null, null, $r192), ValueError::class, 'presence_exchange(): Argument #8 ($client_prefix) must be at most 191 bytes'],
			'exchange limit 0' => [fn () => presence_exchange('r', 'c', [], 5, 60, null, null, '', 0), ValueError::class, 'presence_exchange(): Argument #9 ($limit) must be 1 or greater'],
			'exchange 200-byte count_prefix' => [fn () => presence_exchange('r', 'c', [], 5, 60, null, null, '', null, str_repeat('e', 200)), ValueError::class, 'presence_exchange(): Argument #10 ($count_prefix) must be at most 191 bytes, got 200'],

			'leave empty room' => [fn () => presence_leave('', 'c'), ValueError::class, 'presence_leave(): Argument #1 ($room) must not be empty'],
			'leave empty client_id' => [fn () => presence_leave('r', ''), ValueError::class, 'presence_leave(): Argument #2 ($client_id) must not be empty'],
			'leave max_age 0' => [fn () => presence_leave('r', 'c', 0), ValueError::class, 'presence_leave(): Argument #3 ($max_age)'],
			'leave 192-byte client_prefix' => [fn () => presence_leave('r', 'c', null, $r192), ValueError::class, 'presence_leave(): Argument #4 ($client_prefix)'],
			'leave limit 0' => [fn () => presence_leave('r', 'c', null, '', 0), ValueError::class, 'presence_leave(): Argument #5 ($limit)'],
			'leave invalid UTF-8 count_prefix' => [fn () => presence_leave('r', 'c', null, '', null, "\xff"), ValueError::class, 'presence_leave(): Argument #6 ($count_prefix) must be valid UTF-8'],
			'leave NAN unless_written_after' => [fn () => presence_leave('r', 'c', null, '', null, '', NAN), ValueError::class, 'presence_leave(): Argument #7 ($unless_written_after) must be a finite number of seconds, 0 or greater, got NAN'],
			'leave text unless_written_after' => [fn () => presence_leave('r', 'c', null, '', null, '', 'soon'), TypeError::class, 'presence_leave(): Argument #7 ($unless_written_after) must be of type ?float, string given'],

			'prefix 192-byte prefix' => [fn () => presence_prefix($r192), ValueError::class, 'presence_prefix(): Argument #1 ($prefix) must be at most 191 bytes'],
			'prefix max_age 0' => [fn () => presence_prefix('', 0), ValueError::class, 'presence_prefix(): Argument #2 ($max_age)'],
			'prefix limit 0' => [fn () => presence_prefix('', null, 0), ValueError::class, 'presence_prefix(): Argument #3 ($limit)'],
			'prefix 192-byte client_prefix' => [fn () => presence_prefix('', null, null, $r192), ValueError::class, 'presence_prefix(): Argument #4 ($client_prefix)'],

			'rooms_read 2001 rooms' => [fn () => presence_rooms_read(array_fill(0, 2001, 'r')), ValueError::class, 'presence_rooms_read(): Argument #1 ($rooms) must hold at most 2000 rooms, got 2001'],
			'rooms_read an empty room' => [fn () => presence_rooms_read(['r', '']), ValueError::class, 'presence_rooms_read(): Argument #1 ($rooms) element [1] must not be empty'],
			'rooms_read a 192-byte room' => [fn () => presence_rooms_read([$r192]), ValueError::class, 'presence_rooms_read(): Argument #1 ($rooms) element [0] must be at most 191 bytes, got 192'],
			'rooms_read an invalid UTF-8 room' => [fn () => presence_rooms_read(['r', "r\xff"]), ValueError::class, 'presence_rooms_read(): Argument #1 ($rooms) element [1] must be valid UTF-8'],
			'rooms_read a room that is no string' => [fn () => presence_rooms_read(['r', 7]), TypeError::class, 'presence_rooms_read(): Argument #1 ($rooms) element [1] must be of type string, int given'],
			'rooms_read rooms not a list' => [fn () => presence_rooms_read(['a' => 'r']), ValueError::class, 'presence_rooms_read(): Argument #1 ($rooms) must be a list of room names'],
			'rooms_read rooms not an array' => [fn () => presence_rooms_read('r'), TypeError::class, 'presence_rooms_read(): Argument #1 ($rooms) must be of type array, string given'],
			'rooms_read max_age 0' => [fn () => presence_rooms_read(['r'], 0), ValueError::class, 'presence_rooms_read(): Argument #2 ($max_age) must be between 1 and 86400'],
			'rooms_read limit 0' => [fn () => presence_rooms_read(['r'], null, 0), ValueError::class, 'presence_rooms_read(): Argument #3 ($limit) must be 1 or greater, got 0'],
			'rooms_read 192-byte client_prefix' => [fn () => presence_rooms_read(['r'], null, null, $r192), ValueError::class, 'presence_rooms_read(): Argument #4 ($client_prefix) must be at most 191 bytes'],

			'live_token empty scope' => [fn () => presence_live_token('', 1, ['r'], 60), ValueError::class, 'presence_live_token(): Argument #1 ($scope) must not be empty'],
			'live_token 192-byte scope' => [fn () => presence_live_token($r192, 1, ['r'], 60), ValueError::class, 'presence_live_token(): Argument #1 ($scope) must be at most 191 bytes, got 192'],
			'live_token user_id 0' => [fn () => presence_live_token('s', 0, ['r'], 60), ValueError::class, 'presence_live_token(): Argument #2 ($user_id) must be 1 or greater, got 0'],
			'live_token no rooms' => [fn () => presence_live_token('s', 1, [], 60), ValueError::class, 'presence_live_token(): Argument #3 ($rooms) must hold at least 1 room'],
			'live_token 33 rooms' => [fn () => presence_live_token('s', 1, array_fill(0, 33, 'r'), 60), ValueError::class, 'presence_live_token(): Argument #3 ($rooms) must hold at most 32 rooms, got 33'],
			'live_token an empty room' => [fn () => presence_live_token('s', 1, ['r', ''], 60), ValueError::class, 'presence_live_token(): Argument #3 ($rooms) element [1] must not be empty'],
			'live_token a 192-byte room' => [fn () => presence_live_token('s', 1, [$r192], 60), ValueError::class, 'presence_live_token(): Argument #3 ($rooms) element [0] must be at most 191 bytes'],
			'live_token rooms not a list' => [fn () => presence_live_token('s', 1, ['a' => 'r'], 60), ValueError::class, 'presence_live_token(): Argument #3 ($rooms) must be a list of room names'],
			'live_token rooms over a 4 KiB token' => [fn () => presence_live_token('s', 1, array_fill(0, 32, str_repeat('r', 191)), 60), ValueError::class, 'presence_live_token(): Argument #3 ($rooms) must fit a token of at most 4096 bytes, got '],
			'live_token ttl 0' => [fn () => presence_live_token('s', 1, ['r'], 0), ValueError::class, 'presence_live_token(): Argument #4 ($ttl) must be between 1 and 86400'],
			'live_revoke empty scope' => [fn () => presence_live_revoke('', 1), ValueError::class, 'presence_live_revoke(): Argument #1 ($scope) must not be empty'],
			'live_revoke user_id 0' => [fn () => presence_live_revoke('s', 0), ValueError::class, 'presence_live_revoke(): Argument #2 ($user_id) must be 1 or greater, got 0'],
			'live_poll 192-byte scope' => [fn () => presence_live_poll('t', '', $r192), ValueError::class, 'presence_live_poll(): Argument #3 ($scope) must be at most 191 bytes'],
		];
	}

	/**
	 * @dataProvider invalidCalls
	 * @param callable(): mixed $call
	 * @param class-string<Throwable> $class
	 */
	public function testAnInvalidArgumentThrowsNamingItAndChangesNothing(callable $call, string $class, string $message): void
	{
		$before = $this->seed();
		try {
			$call();
			self::fail("expected $class");
		} catch (Throwable $e) {
			self::assertSame($class, get_class($e), $e->getMessage());
			self::assertStringStartsWith($message, $e->getMessage());
		}
		self::assertSame($before, [self::snapshot('r'), self::snapshot('s'), presence_user(5), presence_stats()['live_entries']]);
		self::assertSame([], presence_room('new-room'));
	}

	public function testAStateOfTheWrongTypeIsATypeErrorNamingState(): void
	{
		$before = $this->seed();
		try {
			presence_upsert('r', 'c', 'not an array');
			self::fail('expected TypeError');
		} catch (TypeError $e) {
			self::assertStringContainsString('state', $e->getMessage());
		}
		self::assertSame($before, [self::snapshot('r'), self::snapshot('s'), presence_user(5), presence_stats()['live_entries']]);
	}

	public function testLimitsAreInclusive(): void
	{
		$max = str_repeat('ü', 95) . 'x';
		self::assertSame(191, strlen($max));
		self::assertTrue(presence_upsert($max, $max, [], PHP_INT_MAX, 86400));
		self::assertTrue(presence_upsert('r', 'c', [], 0, 1));
		self::assertSame(PHP_INT_MAX, presence_room($max, 86400, 1)[0]['user_id']);
		self::assertSame(1, presence_room_count($max, 1));
		self::assertSame([$max => ['entries' => 1, 'users' => 1]], presence_rooms(substr($max, 0, 191)));
		self::assertCount(1, presence_user(PHP_INT_MAX, 86400));
		$nested = ['leaf'];
		for ($i = 0; $i < 20; $i++) {
			$nested = ['n' => $nested];
		}
		self::assertTrue(presence_upsert('deep', 'c', $nested), 'twenty levels are fine');
		self::assertSame($nested, presence_room('deep')[0]['data']);
	}

	public function testStateNestingStopsAtTheDocumentedThirtyTwoLevels(): void
	{
		$nest = static function (int $levels): array {
			$a = [];
			for ($i = 1; $i < $levels; $i++) {
				$a = [$a];
			}
			return $a;
		};
		self::assertTrue(presence_upsert('r', 'c', $nest(32)), 'the state array itself is level one');
		self::assertSame($nest(32), presence_room('r')[0]['data']);
		try {
			presence_upsert('r', 'c', $nest(33));
			self::fail('expected ValueError');
		} catch (ValueError $e) {
			self::assertSame('presence_upsert(): Argument #3 ($state) nests arrays deeper than 32 levels (or is cyclic)', $e->getMessage());
		}
		self::assertSame($nest(32), presence_room('r')[0]['data']);
	}

	public function testAStateJustUnderMaxStateBytesIsStored(): void
	{
		$max = (int) presence_stats()['max_state_bytes'];
		$state = ['blob' => str_repeat('x', intdiv($max, 2))];
		self::assertTrue(presence_upsert('r', 'c', $state));
		self::assertSame($state, presence_room('r')[0]['data']);
	}

	public function testMaxStateBytesComesFromTheIniSetting(): void
	{
		$result = self::runChild(<<<'PHP'
			$result = ['max' => presence_stats()['max_state_bytes']];
			$result['small'] = presence_upsert('r', 'c', ['s' => str_repeat('a', 900)]);
			try {
				presence_upsert('r', 'c', ['s' => str_repeat('b', 1100)]);
				$result['large'] = 'no exception';
			} catch (ValueError $e) {
				$result['large'] = $e->getMessage();
			}
			$result['kept'] = presence_room('r')[0]['data']['s'][0];
			PHP, ['presence.max_state_bytes' => '1K'] + $this->privateStore('max-state'));

		self::assertSame(1024, $result['max']);
		self::assertTrue($result['small']);
		self::assertStringStartsWith('presence_upsert(): Argument #3 ($state) is larger than presence.max_state_bytes (1024 bytes)', $result['large']);
		self::assertSame('a', $result['kept'], 'the refused state did not replace the stored one');
		self::assertTrue(presence_upsert('r', 'c', ['s' => str_repeat('b', 1100)]), 'this process keeps its own limit');
	}
}
