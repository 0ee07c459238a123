<?php
/**
 * Every named function and method of the plugin has a docblock with `@since` (or inherits its
 * documentation from the interface with `@inheritDoc`), as /work/shared/STYLE.md asks.
 *
 * @package Presence
 */

use PHPUnit\Framework\TestCase;

final class DocblocksTest extends TestCase {

	public function test_every_function_and_method_has_since(): void {
		$missing = array();
		$files   = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( WPP_TEST_PLUGIN_DIR, FilesystemIterator::SKIP_DOTS ) );
		foreach ( $files as $file ) {
			if ( 'php' !== $file->getExtension() ) {
				continue;
			}
			$tokens = token_get_all( (string) file_get_contents( $file->getPathname() ) );
			foreach ( $tokens as $i => $token ) {
				if ( ! is_array( $token ) || T_FUNCTION !== $token[0] ) {
					continue;
				}
				$name = self::next_significant( $tokens, $i );
				if ( ! is_array( $name ) || T_STRING !== $name[0] ) {
					continue; // A closure.
				}
				$doc = self::docblock_before( $tokens, $i );
				if ( ! preg_match( '/@since\s|@inheritDoc/i', $doc ) ) {
					$missing[] = substr( $file->getPathname(), strlen( WPP_TEST_PLUGIN_DIR ) + 1 ) . ': ' . $name[1] . '()';
				}
			}
		}
		sort( $missing );
		$this->assertSame( array(), $missing );
	}

	/**
	 * The next token after $i that is not whitespace (the `&` of a by-reference function skipped).
	 */
	private static function next_significant( array $tokens, int $i ) {
		for ( $j = $i + 1, $n = count( $tokens ); $j < $n; $j++ ) {
			if ( ( is_array( $tokens[ $j ] ) && T_WHITESPACE === $tokens[ $j ][0] ) || '&' === $tokens[ $j ] ) {
				continue;
			}
			return $tokens[ $j ];
		}
		return null;
	}

	/**
	 * The docblock right before the function keyword at $i (modifiers and whitespace skipped), or ''.
	 */
	private static function docblock_before( array $tokens, int $i ): string {
		$skip = array( T_WHITESPACE, T_PUBLIC, T_PROTECTED, T_PRIVATE, T_STATIC, T_FINAL, T_ABSTRACT );
		for ( $j = $i - 1; $j >= 0; $j-- ) {
			if ( is_array( $tokens[ $j ] ) && in_array( $tokens[ $j ][0], $skip, true ) ) {
				continue;
			}
			return is_array( $tokens[ $j ] ) && T_DOC_COMMENT === $tokens[ $j ][0] ? $tokens[ $j ][1] : '';
		}
		return '';
	}
}
