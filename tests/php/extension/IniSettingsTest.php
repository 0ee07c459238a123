<?php
/**
 * The php.ini settings as php.ini users write them: sizes in bytes or with K/M/G (either case);
 * anything else is a warning naming the setting and the default is used, never a silent
 * misreading. presence_stats() reports the values in force (max_state_bytes as enforced).
 */

declare(strict_types=1);

final class IniSettingsTest extends PresenceTestCase
{
	/** @return array<string, array{0: string, 1: int}> */
	public function sizes(): array
	{
		return [
			'64M' => ['64M', 64 << 20],
			'64m' => ['64m', 64 << 20],
			'65536K' => ['65536K', 64 << 20],
			'plain bytes' => ['1048576', 1 << 20],
			'1g is too large for this test, 1024k' => ['1024k', 1 << 20],
			'spaces around' => [' 2M ', 2 << 20],
		];
	}

	/** @dataProvider sizes */
	public function testShmSizeIsReadAsPhpIniUsersWriteIt(string $setting, int $bytes): void
	{
		self::requireShm();
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$result = ['stats' => presence_stats(), 'errors' => $errors];
			PHP, ['presence.shm_path' => $this->privateSegmentPath('size'), 'presence.shm_size' => $setting]);

		self::assertSame([], $r['errors']);
		self::assertSame($bytes, $r['stats']['bytes_total']);
	}

	/** @return array<string, array{0: string}> */
	public function badSizes(): array
	{
		return ['64MB' => ['64MB'], '64 M B' => ['64 M B'], 'ten' => ['ten'], 'minus one' => ['-1'], '1.5M' => ['1.5M']];
	}

	/** @dataProvider badSizes */
	public function testAnUnreadableShmSizeWarnsAndUsesTheDefault(string $setting): void
	{
		self::requireShm();
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$result = ['written' => presence_upsert('r', 'c'), 'stats' => presence_stats(), 'errors' => $errors];
			PHP, ['presence.shm_path' => $this->privateSegmentPath('badsize'), 'presence.shm_size' => $setting]);

		self::assertTrue($r['written']);
		self::assertSame(32 << 20, $r['stats']['bytes_total']);
		self::assertCount(1, $r['errors'], 'one warning, once per process');
		self::assertSame(E_WARNING, $r['errors'][0][0]);
		self::assertStringContainsString('presence.shm_size', $r['errors'][0][1]);
		self::assertStringContainsString($setting, $r['errors'][0][1]);
	}

	public function testMaxStateBytesIsReportedAsEnforced(): void
	{
		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$big = ['blob' => str_repeat('x', (1 << 20) + 10)];
			$result = [
				'stats' => presence_stats()['max_state_bytes'],
				'refused' => (static function () use ($big) {
					try {
						presence_upsert('r', 'c', $big);
						return null;
					} catch (ValueError $e) {
						return $e->getMessage();
					}
				})(),
			];
			$result['errors'] = $errors;
			PHP, ['presence.shm_path' => $this->privateSegmentPath('maxstate'), 'presence.max_state_bytes' => '4M']);

		self::assertSame(1 << 20, $r['stats'], 'the largest state the store accepts is 1 MiB');
		self::assertStringContainsString('1048576 bytes', (string) $r['refused']);
		self::assertCount(1, $r['errors']);
		self::assertStringContainsString('presence.max_state_bytes', $r['errors'][0][1]);
	}

	/**
	 * A process configured for another size than the live segment's uses the live segment as it
	 * is, with one warning: it never wipes the table every other process is using.
	 */
	public function testAProcessWithAnotherShmSizeAdoptsTheLiveSegmentWithAWarning(): void
	{
		self::requireShm();
		$path = $this->privateSegmentPath('adopt');
		self::runChild('presence_upsert("r", "first", ["a" => 1]);', ['presence.shm_path' => $path, 'presence.shm_size' => '1M']);

		$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
			$result = ['room' => array_column(presence_room('r'), 'client_id'), 'again' => presence_room_count('r')];
			$result['bytes'] = presence_stats()['bytes_total'];
			$result['errors'] = $errors;
			PHP, ['presence.shm_path' => $path, 'presence.shm_size' => '2M']);

		self::assertSame(['first'], $r['room'], 'the live table was kept');
		self::assertSame(1 << 20, $r['bytes']);
		self::assertSame(1 << 20, filesize($path));
		self::assertCount(1, $r['errors'], 'one warning, on the call that attached');
		self::assertSame(E_WARNING, $r['errors'][0][0]);
		self::assertStringContainsString('presence_room(): presence.shm_size', $r['errors'][0][1]);
	}
}
