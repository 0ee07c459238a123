<?php
/**
 * Arguments of the wrong PHP type. The functions declare ordinary PHP parameter types
 * (`string $room`, `int $user_id`, `?int $limit` …), so they should follow PHP's own rules for
 * internal functions: in a file without strict_types a numeric string or an integral float is
 * converted (WordPress hands over `$post->post_author` and request values as numeric strings),
 * and what cannot be converted is a TypeError worded like PHP's own, naming the argument.
 */

declare(strict_types=1);

final class ArgumentTypesTest extends PresenceTestCase
{
	/**
	 * Scalars of another type are converted where PHP's own functions convert them, e.g.
	 * presence_upsert('r', 'c', [], '7') stores user 7 in coercive mode.
	 */
	public function testCoerciveModeConvertsScalarsLikePhpsOwnFunctions(): void
	{
		// The child's code has no strict_types declaration: PHP's coercive mode.
		$r = self::runChild(<<<'PHP'
			$result = [];
			$try = static function (string $label, callable $call) use (&$result): void {
				try {
					$result[$label] = $call();
				} catch (Throwable $e) {
					$result[$label] = get_class($e) . ': ' . $e->getMessage();
				}
			};
			$try('php itself', fn () => str_repeat('a', '3'));
			$try('upsert numeric-string user_id and ttl', fn () => presence_upsert('r', 'c', [], '7', '60'));
			$try('upsert integral float user_id', fn () => presence_upsert('r', 'd', [], 8.0));
			$try('upsert int room', fn () => presence_upsert(123, 'c'));
			$try('room numeric-string limit', fn () => count(presence_room('r', null, '1')));
			$try('user numeric-string user_id', fn () => count(presence_user('7')));
			$try('stored user', fn () => array_column(presence_room('r'), 'user_id', 'client_id'));
			$t = time() - 10;
			$try('upsert numeric-string written_at and int may_evict', fn () => presence_upsert('w', 'c', [], 1, 60, "$t.5", 0));
			$try('written_at stored', fn () => presence_entry('w', 'c')['updated_at'] - $t);
			$try('room int client_prefix', fn () => count(presence_room('r', null, null, 12)));
			$try('token numeric-string user_id and ttl', fn () => strlen(presence_live_token('s', '7', ['r'], '60')) > 0);
			PHP);

		self::assertSame('aaa', $r['php itself']);
		self::assertTrue($r['upsert numeric-string user_id and ttl']);
		self::assertTrue($r['upsert integral float user_id']);
		self::assertTrue($r['upsert int room']);
		self::assertSame(1, $r['room numeric-string limit']);
		self::assertSame(1, $r['user numeric-string user_id']);
		self::assertSame(['d' => 8, 'c' => 7], $r['stored user']);
		self::assertTrue($r['upsert numeric-string written_at and int may_evict']);
		self::assertSame(0.5, $r['written_at stored']);
		self::assertSame(0, $r['room int client_prefix']);
		self::assertTrue($r['token numeric-string user_id and ttl']);
	}

	/**
	 * Under strict_types (this file declares it) PHP refuses what coercive mode converts, and so
	 * do the extension's functions: the caller's mode is read from its call frame.
	 */
	public function testStrictTypesRefuseWhatCoerciveModeConverts(): void
	{
		presence_upsert('r', 'c', ['keep' => 1], 1);
		$before = self::snapshot('r');
		$calls = [
			'presence_upsert(): Argument #4 ($user_id) must be of type int, string given' => fn () => presence_upsert('r', 'c', [], '7'),
			'presence_upsert(): Argument #4 ($user_id) must be of type int, float given' => fn () => presence_upsert('r', 'c', [], 8.0),
			'presence_upsert(): Argument #5 ($ttl) must be of type ?int, bool given' => fn () => presence_upsert('r', 'c', [], 1, true),
			'presence_room(): Argument #1 ($room) must be of type string, int given' => fn () => presence_room(123),
			'presence_room(): Argument #3 ($limit) must be of type ?int, string given' => fn () => presence_room('r', null, '1'),
			'presence_upsert(): Argument #6 ($written_at) must be of type ?float, string given' => fn () => presence_upsert('r', 'c', [], 1, 60, '1.5'),
			'presence_upsert(): Argument #7 ($may_evict) must be of type bool, int given' => fn () => presence_upsert('r', 'c', [], 1, 60, null, 0),
			'presence_room(): Argument #4 ($client_prefix) must be of type string, int given' => fn () => presence_room('r', null, null, 12),
			'presence_exchange(): Argument #11 ($may_evict) must be of type bool, string given' => fn () => presence_exchange('r', 'c', [], 1, 60, null, null, '', null, '', '1'),
			'presence_live_token(): Argument #2 ($user_id) must be of type int, string given' => fn () => presence_live_token('s', '7', ['r'], 60),
		];
		foreach ($calls as $message => $call) {
			try {
				$call();
				self::fail("expected TypeError: $message");
			} catch (TypeError $e) {
				self::assertSame($message, $e->getMessage());
			}
		}
		self::assertSame($before, self::snapshot('r'));
	}

	/**
	 * An explicit null for `int $user_id = 0` is refused by code ext-php-rs generates before the
	 * extension's own conversion runs, so its wording is ext-php-rs's, not PHP's: still a
	 * TypeError that names the argument, and nothing is stored (README, "Not done yet").
	 */
	public function testNullForANonNullableArgumentIsATypeErrorNamingIt(): void
	{
		presence_upsert('r', 'c', ['keep' => 1], 1);
		$before = self::snapshot('r');
		try {
			presence_upsert('r', 'c', [], null);
			self::fail('expected TypeError');
		} catch (TypeError $e) {
			self::assertStringContainsString('$user_id', $e->getMessage());
		}
		self::assertSame($before, self::snapshot('r'));
	}

	/**
	 * A value that cannot be converted gets PHP's wording ("Invalid value
	 * given for argument `state`.") instead of PHP's wording with the argument's position.
	 *
	 * @return array<string, array{0: callable(): mixed, 1: string}>
	 */
	public function unconvertible(): array
	{
		return [
			'state as a string' => [fn () => presence_upsert('r', 'c', 'x'), 'presence_upsert(): Argument #3 ($state) must be of type ?array, string given'],
			'room as an array' => [fn () => presence_room([]), 'presence_room(): Argument #1 ($room) must be of type string, array given'],
			'user_id as a non-numeric string' => [fn () => presence_user('seven'), 'presence_user(): Argument #1 ($user_id) must be of type int, string given'],
			'written_at as an array' => [fn () => presence_upsert('r', 'c', [], 1, 60, []), 'presence_upsert(): Argument #6 ($written_at) must be of type ?float, array given'],
			'may_evict as an array' => [fn () => presence_upsert('r', 'c', [], 1, 60, null, []), 'presence_upsert(): Argument #7 ($may_evict) must be of type bool, array given'],
			'rooms as a string' => [fn () => presence_live_token('s', 1, 'r', 60), 'presence_live_token(): Argument #3 ($rooms) must be of type array, string given'],
			'a room that is not a string' => [fn () => presence_live_token('s', 1, ['r', 5], 60), 'presence_live_token(): Argument #3 ($rooms) element [1] must be of type string, int given'],
			'token as an array' => [fn () => presence_live_poll([]), 'presence_live_poll(): Argument #1 ($token) must be of type string, array given'],
		];
	}

	/**
	 * @dataProvider unconvertible
	 * @param callable(): mixed $call
	 */
	public function testAnUnconvertibleValueIsATypeErrorWordedLikePhps(callable $call, string $message): void
	{
		presence_upsert('r', 'c', ['keep' => 1], 1);
		$before = self::snapshot('r');
		try {
			$call();
			self::fail('expected TypeError');
		} catch (TypeError $e) {
			self::assertSame($message, $e->getMessage());
		}
		self::assertSame($before, self::snapshot('r'));
	}

	/**
	 * A Stringable object for a string parameter: converted with __toString() in coercive mode,
	 * as PHP's own functions do (strlen(new Foo)), refused under strict_types naming its class.
	 */
	public function testStringableObjectsAreConvertedInCoerciveModeOnly(): void
	{
		$r = self::runChild(<<<'PHP'
			final class RoomName { public function __toString(): string { return 'post:7'; } }
			final class Plain {}
			$result = [];
			$try = static function (string $label, callable $call) use (&$result): void {
				try {
					$result[$label] = $call();
				} catch (Throwable $e) {
					$result[$label] = get_class($e) . ': ' . $e->getMessage();
				}
			};
			$try('upsert', fn () => presence_upsert(new RoomName(), new RoomName(), ['a' => 1]));
			$try('room', fn () => array_column(presence_room(new RoomName()), 'client_id', 'room'));
			$try('prefix', fn () => array_keys(presence_rooms(new RoomName())));
			$try('plain object', fn () => presence_room(new Plain()));
			PHP);

		self::assertTrue($r['upsert']);
		self::assertSame(['post:7' => 'post:7'], $r['room']);
		self::assertSame(['post:7'], $r['prefix']);
		self::assertSame('TypeError: presence_room(): Argument #1 ($room) must be of type string, Plain given', $r['plain object']);

		presence_upsert('r', 'c', ['keep' => 1], 1);
		$before = self::snapshot('r');
		$name = new class () {
			public function __toString(): string
			{
				return 'r';
			}
		};
		try {
			presence_room_count($name);
			self::fail('expected TypeError');
		} catch (TypeError $e) {
			self::assertStringStartsWith('presence_room_count(): Argument #1 ($room) must be of type string, class@anonymous', $e->getMessage());
		}
		self::assertSame($before, self::snapshot('r'));
	}
}
