<?php
/**
 * `php --ri presence` shows the settings in force and the live state of the store: the shared
 * segment, or the Redis server and the connection to it.
 */

declare(strict_types=1);

final class InfoTest extends PresenceTestCase
{
	public function testRiShowsTheSettingsAndTheLiveStats(): void
	{
		self::requireShm();
		presence_upsert('a', 'x');
		presence_upsert('a', 'y');
		presence_upsert('b', 'x');
		$stats = presence_stats();

		[$status, $out, $err] = self::runPhp(['--ri', 'presence'], ['presence.default_ttl' => '77', 'presence.max_state_bytes' => '2K']);

		self::assertSame(0, $status, $err);
		self::assertSame('', $err);
		self::assertMatchesRegularExpression('/^presence\.shm_path => ' . preg_quote($stats['segment_path'], '/') . '$/m', $out);
		self::assertMatchesRegularExpression('/^presence\.shm_size => ' . $stats['bytes_total'] . '$/m', $out);
		self::assertMatchesRegularExpression('/^presence\.default_ttl => 77$/m', $out);
		self::assertMatchesRegularExpression('/^presence\.max_state_bytes => 2048$/m', $out);
		self::assertMatchesRegularExpression('/^entries \(live \/ capacity\) => 3 \/ ' . $stats['capacity'] . '$/m', $out);
		self::assertMatchesRegularExpression('/^rooms \(live \/ capacity\) => 2 \/ ' . $stats['room_capacity'] . '$/m', $out);
		self::assertMatchesRegularExpression('/^segment layout version => ' . $stats['layout_version'] . '$/m', $out);
	}

	public function testRiShowsTheRedisServerItsVersionAndTheConnection(): void
	{
		self::requireRedis();
		presence_upsert('a', 'x');
		presence_upsert('b', 'x');
		$stats = presence_stats();

		[$status, $out, $err] = self::runPhp(['--ri', 'presence'], ['presence.redis_timeout_ms' => '250']);

		self::assertSame(0, $status, $err);
		self::assertSame('', $err);
		self::assertMatchesRegularExpression('/^presence\.backend => ' . preg_quote($stats['server'], '/') . '$/m', $out);
		self::assertMatchesRegularExpression('/^presence\.key_prefix => ' . preg_quote($stats['key_prefix'], '/') . '$/m', $out);
		self::assertMatchesRegularExpression('/^presence\.redis_timeout_ms => 250$/m', $out);
		self::assertMatchesRegularExpression('/^connection => connected \(redis \d+\.\d+\.\d+\)$/m', $out);
		self::assertMatchesRegularExpression('/^entries \(live\) \/ rooms => 2 \/ 2$/m', $out);
		self::assertDoesNotMatchRegularExpression('/^presence\.shm_path/m', $out);
	}

	public function testRiSaysWhyRedisIsUnavailableWithoutItsPassword(): void
	{
		[$status, $out, $err] = self::runPhp(['--ri', 'presence'], [
			'presence.backend' => 'redis://someone:s3cret@127.0.0.1:1/0',
			'presence.redis_timeout_ms' => '100',
		]);

		self::assertSame(0, $status, $err);
		self::assertMatchesRegularExpression('~^presence\.backend => redis://127\.0\.0\.1:1/0$~m', $out);
		self::assertMatchesRegularExpression('/^connection => unavailable: .+; next attempt in \d+ ms$/m', $out);
		self::assertStringNotContainsString('s3cret', $out . $err);
	}
}
