<?php
/**
 * For the tests that a surface reads the store once: how many round trips some work costs when
 * the store is Redis, as the Redis server itself counts them (the replies it wrote: one per round
 * trip, a pipeline or a script answered in one), not as the extension says.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/RedisInfo.php';

trait WPP_Store_Round_Trips {

	/**
	 * The round trips $work made to the Redis server of presence.backend, or null when the store
	 * answering the plugin is not Redis (shared memory has no round trips; the database backend
	 * counts queries instead).
	 *
	 * @param callable $work What to measure.
	 */
	protected static function redis_round_trips( callable $work ): ?int {
		if ( 'native' !== wpp_backend()->name() || 'redis' !== ( presence_stats()['backend'] ?? '' ) ) {
			$work();
			return null;
		}
		return ( new RedisInfo( (string) ini_get( 'presence.backend' ) ) )->measure( $work )['replies'];
	}
}
