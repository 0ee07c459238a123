<?php
/**
 * php-stubs/presence.php against the loaded extension: the stub is read in a child `php` that
 * does NOT load the extension (so its declarations are the stub's own), and every function's
 * signature must match Reflection of the extension, in both directions.
 */

declare(strict_types=1);

require_once __DIR__ . '/support/describe-function.php';

final class StubsTest extends PresenceTestCase
{
	private static function stubFile(): string
	{
		return dirname(__DIR__, 3) . '/php-stubs/presence.php';
	}

	/** @return array<string, array{signature: array<string, mixed>, doc: string}> */
	private static function stubFunctions(): array
	{
		return self::runChild(sprintf(<<<'PHP'
			require %s;
			$stub = %s;
			require $stub;
			$result = ['loaded' => extension_loaded('presence'), 'functions' => []];
			foreach (get_defined_functions()['user'] as $name) {
				$f = new ReflectionFunction($name);
				if ($f->getFileName() === $stub) {
					$result['functions'][$f->getName()] = [
						'signature' => presence_test_describe_function($f),
						'doc' => (string) $f->getDocComment(),
					];
				}
			}
			PHP,
			var_export(__DIR__ . '/support/describe-function.php', true),
			var_export(realpath(self::stubFile()), true)
		), [], false);
	}

	public function testTheStubDeclaresExactlyTheExtensionsFunctionsWithTheSameSignatures(): void
	{
		$child = self::stubFunctions();
		self::assertFalse($child['loaded'], 'the stub was read without the extension');
		$stub = $child['functions'];

		$exported = get_extension_funcs('presence');
		self::assertIsArray($exported);
		$expected = ['presence_upsert', 'presence_room', 'presence_room_count', 'presence_remove',
			'presence_remove_user', 'presence_user', 'presence_rooms', 'presence_room_version',
			'presence_gc', 'presence_flush', 'presence_stats', 'presence_entry', 'presence_exchange',
			'presence_leave', 'presence_prefix', 'presence_live_token', 'presence_live_revoke',
			'presence_live_poll'];
		self::assertEqualsCanonicalizing($expected, $exported, 'the extension exports exactly the documented API');
		self::assertSame($exported, array_keys($stub), 'the stub declares the same functions in the same order');

		foreach ($exported as $name) {
			$native = presence_test_describe_function(new ReflectionFunction($name));
			self::assertSame($native, $stub[$name]['signature'], "signature of $name");
		}
	}

	public function testEveryStubFunctionIsDocumented(): void
	{
		foreach (self::stubFunctions()['functions'] as $name => $f) {
			$doc = $f['doc'];
			self::assertNotSame('', $doc, "$name has a docblock");
			foreach ($f['signature']['parameters'] as $p) {
				self::assertMatchesRegularExpression('/@param\s+\S.*\s\$' . $p['name'] . '\b/', $doc, "$name documents \${$p['name']}");
			}
			self::assertSame(
				count($f['signature']['parameters']),
				preg_match_all('/@param\s/', $doc),
				"$name documents no parameter it does not have"
			);
			self::assertMatchesRegularExpression('/@return\s+\S/', $doc, "$name documents its result");
			self::assertMatchesRegularExpression('/Cost:/', $doc, "$name says what it costs");
			if ($f['signature']['parameters'] !== []) {
				self::assertStringContainsString('@throws ValueError', $doc, $name);
				self::assertStringContainsString('@throws TypeError', $doc, $name);
			}
		}
	}

	public function testTheStubSaysItIsNotForRuntimeAndIndeedCannotBeLoadedWithTheExtension(): void
	{
		$source = (string) file_get_contents(self::stubFile());
		self::assertStringStartsWith("<?php\n/**", $source);
		$header = substr($source, 0, (int) strpos($source, '*/'));
		self::assertStringContainsString('stub', $header);
		self::assertStringContainsString('Never include or require it at runtime', $header);
		self::assertStringNotContainsString('function_exists', $source, 'plain declarations, no guards');

		[$status, $stdout, $stderr] = self::runPhp([self::stubFile()]);
		self::assertNotSame(0, $status);
		self::assertStringContainsString('Cannot redeclare', $stdout . $stderr);
	}
}
