<?php
/**
 * The plugin's names say where things are: a function of plugin/includes/{folder}/{file}.php is
 * named wpp_{file}_… (or wpp_{file}), with the file's dashes as underscores; a class WPP_Foo_Bar
 * lives alone in class-wpp-foo-bar.php (an interface in interface-…); the public wp_* functions
 * live in api/wp-functions.php and nowhere else.
 *
 * @package Presence
 */

use PHPUnit\Framework\TestCase;

final class NamingTest extends TestCase {

	public function test_functions_are_named_after_their_file_and_classes_have_their_own(): void {
		$wrong = array();
		foreach ( self::php_files() as $path ) {
			$relative = substr( $path, strlen( WPP_TEST_PLUGIN_DIR ) + 1 );
			$base     = basename( $path, '.php' );
			$prefix   = 'wpp_' . str_replace( '-', '_', $base );
			list( $functions, $classes ) = self::declarations( $path );

			if ( str_starts_with( $base, 'class-' ) || str_starts_with( $base, 'interface-' ) ) {
				$expected = array( preg_replace( '/^(class|interface)-/', '', $base ) );
				$named    = array_map( static fn( $class ) => str_replace( '_', '-', strtolower( $class ) ), $classes );
				if ( $named !== $expected || $functions ) {
					$wrong[] = "$relative: declares " . implode( ', ', array_merge( $classes, $functions ) );
				}
				continue;
			}
			if ( $classes ) {
				$wrong[] = "$relative: declares the class " . implode( ', ', $classes ) . ' outside a class- file';
			}
			foreach ( $functions as $function ) {
				$public_api = 'includes/api/wp-functions.php' === $relative && str_starts_with( $function, 'wp_' );
				if ( ! $public_api && $function !== $prefix && ! str_starts_with( $function, $prefix . '_' ) ) {
					$wrong[] = "$relative: $function()";
				}
			}
		}
		sort( $wrong );
		$this->assertSame( array(), $wrong );
	}

	public function test_the_public_api_is_declared_in_one_file(): void {
		$declared = array();
		foreach ( self::php_files() as $path ) {
			foreach ( self::declarations( $path )[0] as $function ) {
				if ( str_starts_with( $function, 'wp_' ) ) {
					$declared[] = substr( $path, strlen( WPP_TEST_PLUGIN_DIR ) + 1 ) . ': ' . $function;
				}
			}
		}
		sort( $declared );
		$expected = array_map( static fn( $function ) => 'includes/api/wp-functions.php: ' . $function, WPP_API_FUNCTIONS );
		sort( $expected );
		$this->assertSame( $expected, $declared );
	}

	/**
	 * Every PHP file of the plugin (its translations aside).
	 *
	 * @return string[]
	 */
	private static function php_files(): array {
		$files = array();
		foreach ( new RecursiveIteratorIterator( new RecursiveDirectoryIterator( WPP_TEST_PLUGIN_DIR, FilesystemIterator::SKIP_DOTS ) ) as $file ) {
			if ( 'php' === $file->getExtension() ) {
				$files[] = $file->getPathname();
			}
		}
		sort( $files );
		return $files;
	}

	/**
	 * The named functions a file declares outside any class, and the classes and interfaces.
	 *
	 * @return array{0:string[],1:string[]}
	 */
	private static function declarations( string $path ): array {
		$tokens    = token_get_all( (string) file_get_contents( $path ) );
		$functions = array();
		$classes   = array();
		$depth     = 0;
		foreach ( $tokens as $i => $token ) {
			if ( '{' === $token || ( is_array( $token ) && in_array( $token[0], array( T_CURLY_OPEN, T_DOLLAR_OPEN_CURLY_BRACES ), true ) ) ) {
				++$depth;
			} elseif ( '}' === $token ) {
				--$depth;
			} elseif ( is_array( $token ) && in_array( $token[0], array( T_FUNCTION, T_CLASS, T_INTERFACE, T_TRAIT ), true ) ) {
				$name = self::next_significant( $tokens, $i );
				if ( ! is_array( $name ) || T_STRING !== $name[0] ) {
					continue; // A closure, or `::class`.
				}
				if ( T_FUNCTION === $token[0] && 0 === $depth ) {
					$functions[] = $name[1];
				} elseif ( T_FUNCTION !== $token[0] ) {
					$classes[] = $name[1];
				}
			}
		}
		return array( $functions, $classes );
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
}
