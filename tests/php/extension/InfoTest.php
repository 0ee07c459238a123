<?php
/**
 * `php --ri presence` shows the settings in force and the live state of the shared segment.
 */

declare(strict_types=1);

final class InfoTest extends PresenceTestCase
{
	public function testRiShowsTheSettingsAndTheLiveStats(): void
	{
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
}
