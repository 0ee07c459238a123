<?php
/**
 * The live lane: tokens signed with the store's secret, polled for their rooms' versions as one
 * JSON string. Refused tokens (malformed, forged, altered, another session or scope, expired,
 * revoked, oversized) answer 4xx and write nothing.
 */

declare(strict_types=1);

final class LiveTokenTest extends PresenceTestCase
{
	private static function refused(string $code): array
	{
		return [403, sprintf('{"code":"%s"}', $code)];
	}

	public function testATokenIsPolledForTheVersionsOfItsRoomsInOrder(): void
	{
		presence_upsert('site/1/admin', 'tab', [], 7, 600);
		$token = presence_live_token('install/1', 7, ['site/1/admin', 'site/1/post:5'], 60, 'sess');
		self::assertMatchesRegularExpression('/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/', $token);
		[$status, $body] = presence_live_poll($token, 'sess');
		self::assertSame(200, $status);
		$json = json_decode($body, true, 3, JSON_THROW_ON_ERROR);
		self::assertSame(['v', 't'], array_keys($json));
		self::assertSame([presence_room_version('site/1/admin'), 0], $json['v']);
		self::assertEqualsWithDelta(microtime(true) * 1000, $json['t'], 60_000);
		presence_upsert('site/1/post:5', 'editor', [], 8, 600);
		[, $body] = presence_live_poll($token, 'sess', 'install/1');
		$versions = json_decode($body, true)['v'];
		self::assertSame([presence_room_version('site/1/admin'), presence_room_version('site/1/post:5')], $versions);
		self::assertSame($versions, json_decode(presence_live_poll($token, 'sess')[1], true)['v'], 'the same versions while nothing changes');
	}

	public function testTokensThatDoNotCheckOutAreRefusedAndChangeNothing(): void
	{
		presence_upsert('room', 'tab', [], 1, 600);
		$before = self::snapshot('room');
		$token = presence_live_token('install/1', 7, ['room'], 60, 'sess');
		self::assertSame(self::refused('token_session'), presence_live_poll($token, 'other'));
		self::assertSame(self::refused('token_session'), presence_live_poll($token));
		self::assertSame(self::refused('token_scope'), presence_live_poll($token, 'sess', 'install/2'));
		$tampered = $token;
		$tampered[3] = $tampered[3] === 'A' ? 'B' : 'A';
		self::assertSame(self::refused('token_invalid'), presence_live_poll($tampered, 'sess'));
		$forged = rtrim(strtr(base64_encode(random_bytes(60)), '+/', '-_'), '=') . '.' . rtrim(strtr(base64_encode(random_bytes(32)), '+/', '-_'), '=');
		self::assertSame(self::refused('token_invalid'), presence_live_poll($forged, 'sess'));
		foreach (['', 'no-dot', 'a.b.c', "\xff.\xfe"] as $junk) {
			self::assertSame(self::refused('token_malformed'), presence_live_poll($junk, 'sess'), $junk);
		}
		self::assertSame([400, '{"code":"token_too_large"}'], presence_live_poll(str_repeat('A', 4097), 'sess'));
		self::assertSame($before, self::snapshot('room'));
	}

	public function testARevocationRefusesTheTokensIssuedUntilThen(): void
	{
		$old = presence_live_token('install/1', 7, ['room'], 600, 'sess');
		$otherUser = presence_live_token('install/1', 8, ['room'], 600, 'sess');
		$otherScope = presence_live_token('install/2', 7, ['room'], 600, 'sess');
		self::assertTrue(presence_live_revoke('install/1', 7));
		self::assertSame(self::refused('token_revoked'), presence_live_poll($old, 'sess'));
		self::assertSame(200, presence_live_poll($otherUser, 'sess')[0]);
		self::assertSame(200, presence_live_poll($otherScope, 'sess')[0]);
		$new = presence_live_token('install/1', 7, ['room'], 600, 'sess');
		self::assertSame(200, presence_live_poll($new, 'sess')[0], 'a token issued after it is accepted');
	}

	public function testATokenExpiresAfterItsTtl(): void
	{
		// No test clock in PHP: a one-second token, and a wait just past it (the core's tests
		// move a clock instead).
		$token = presence_live_token('install/1', 7, ['room'], 1, '');
		self::assertSame(200, presence_live_poll($token)[0]);
		usleep(1_150_000);
		self::assertSame(self::refused('token_expired'), presence_live_poll($token));
	}

	public function testARosterComesWithTheClaimOnlyAndItsArgumentsAreChecked(): void
	{
		foreach ([3, 2, 1] as $user) {
			presence_upsert('admin/online', "user-$user", ['n' => $user], $user, 600);
			presence_upsert('admin/online', "_card-$user", ['html' => "<li data-user-id=\"$user\">&amp;</li>"], $user, 600);
		}
		presence_upsert('admin/online', 'tab-9', [], 9, 600);
		$before = self::snapshot('admin/online');
		$plain = presence_live_token('install/1', 7, ['admin/online'], 60, 'sess');
		self::assertSame(self::refused('roster_not_allowed'), presence_live_poll($plain, 'sess', '', 0));
		$token = presence_live_token('install/1', 7, ['admin/online'], 60, 'sess', 2);
		[$status, $body] = presence_live_poll($token, 'sess', '', 0);
		self::assertSame(200, $status, $body);
		$roster = json_decode($body, true, 8, JSON_THROW_ON_ERROR)['r'];
		self::assertSame(presence_room_version('admin/online') & 0x1FFFFFFFFFFFFF, $roster['v']);
		self::assertSame(3, $roster['n'], 'user entries only');
		self::assertSame([[1, '<li data-user-id="1">&amp;</li>'], [2, '<li data-user-id="2">&amp;</li>']], $roster['u'], 'newest first, the claim\'s limit');
		self::assertStringNotContainsString('<li', $body, 'markup escaped in the JSON');
		self::assertArrayNotHasKey('r', json_decode(presence_live_poll($token, 'sess', '', $roster['v'])[1], true), 'held: versions only');
		self::assertSame($before, self::snapshot('admin/online'), 'nothing written');

		foreach ([[-1, 'roster'], [1 << 53, 'roster']] as [$held, $argument]) {
			try {
				presence_live_poll($token, 'sess', '', $held);
				self::fail("held $held");
			} catch (ValueError $e) {
				self::assertStringContainsString("\$$argument", $e->getMessage());
			}
		}
		$this->expectException(ValueError::class);
		$this->expectExceptionMessage('presence_live_token(): Argument #6 ($roster) must be between 0 and 50, got 51');
		presence_live_token('install/1', 7, ['admin/online'], 60, 'sess', 51);
	}

	public function testEveryProcessOfTheStoreAcceptsItsTokens(): void
	{
		$token = presence_live_token('install/1', 7, ['room'], 600, 'sess');
		$child = self::runChild(sprintf('$result = presence_live_poll(%s, "sess")[0];', var_export($token, true)));
		self::assertSame(200, $child);
		$elsewhere = self::runChild(sprintf('$result = presence_live_poll(%s, "sess");', var_export($token, true)), $this->privateStore('live-other'));
		self::assertSame(self::refused('token_invalid'), $elsewhere, 'another store has another secret');
	}
}
