<?php
/**
 * A tmpfs with less free space than presence.shm_size (Docker's /dev/shm is 64 MB): every call
 * answers falsy with an E_WARNING saying why, never a crash (SIGBUS) of the worker. Mounting a
 * real tmpfs needs root, as CI runs.
 */

declare(strict_types=1);

final class SmallTmpfsTest extends PresenceTestCase
{
	public function testASegmentLargerThanItsTmpfsIsAWarningAndFalse(): void
	{
		self::requireShm();
		if (trim((string) shell_exec('id -u')) !== '0') {
			self::markTestSkipped('mounting a small tmpfs needs root (CI runs as root)');
		}
		$dir = sys_get_temp_dir() . '/presence-small-tmpfs-' . getmypid();
		mkdir($dir);
		exec('mount -t tmpfs -o size=2m,mode=0700 tmpfs ' . escapeshellarg($dir) . ' 2>&1', $out, $status);
		self::assertSame(0, $status, 'mount failed: ' . implode("\n", $out));
		try {
			$r = self::runChild(self::CATCH_ERRORS . <<<'PHP'
				$result = ['written' => presence_upsert('r', 'c', ['blob' => str_repeat('x', 4000)])];
				for ($i = 0; $i < 2000; $i++) {
					presence_upsert('r', "c$i", ['blob' => str_repeat('x', 4000)]);
				}
				$result['room'] = presence_room('r');
				$result['errors'] = $errors;
				PHP, ['presence.shm_path' => "$dir/presence.seg", 'presence.shm_size' => '8M']);
		} finally {
			exec('umount ' . escapeshellarg($dir));
			rmdir($dir);
		}

		self::assertFalse($r['written']);
		self::assertSame([], $r['room']);
		self::assertNotEmpty($r['errors']);
		foreach ($r['errors'] as [$no, $message]) {
			self::assertSame(E_WARNING, $no);
			self::assertStringContainsString('cannot reserve 8388608 bytes', $message);
		}
	}
}
