<?php
/**
 * Post locks in the store: a post's `_edit_lock` lives in its room's reserved `_lock` entry
 * instead of post meta, so refreshing a lock (every editor heartbeat) writes nothing to
 * `wp_postmeta` and never clears the site's cached post queries, while wp_check_post_lock(),
 * wp_set_post_lock(), core's `wp-refresh-post-lock` and `wp-check-locked-posts` and any other
 * reader of `_edit_lock` work unchanged — across php-fpm workers, and across machines on Redis.
 *
 * - The post-meta short-circuits (`get_`, `update_`, `add_`, `delete_post_metadata`) answer for
 *   the meta key `_edit_lock` of an existing post of any post type, whether or not the type has
 *   presence support, with recording off too (reserved rows are written regardless).
 * - The entry: room `postType/{type}:{id}`, client `_lock`, owner the lock holder (0 for core's
 *   user-less lock, whose holder core reads from `_edit_last`), dated the lock's time, living
 *   `wp_check_post_lock_window` seconds (150) after it; read back as `{time}:{user}` (or
 *   `{time}`). A released lock, which core dates back, expires on its own clock.
 * - A lock already in post meta when the store took over locks (the plugin was activated, or the
 *   `post-locks` feature switched on) keeps holding until it expires: while no `_lock` entry
 *   exists, a meta lock still within the window is answered. When the store gives locks back
 *   (the switch turned off, the plugin deactivated) the live `_lock` entries are written to post
 *   meta, so nobody's lock is lost either way.
 * - The feature switch `post-locks` (wpp_switches_feature_enabled()) off: every callback passes,
 *   and locks live in post meta as in core.
 * - A removal of the user's entries (logout, user deletion, the privacy eraser) releases the
 *   locks they hold.
 * - When the store fails (Redis down, say), the lock goes to post meta and reads fall back to it:
 *   locks keep working as in core, and a heartbeat never fails because of them.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The post meta key of core's edit lock.
 *
 * @since 0.3.0
 */
const WPP_POST_LOCKS_META_KEY = '_edit_lock';

/**
 * Option holding since when (Unix time) the store keeps this site's locks; 0 while it does not.
 *
 * @since 0.3.0
 */
const WPP_POST_LOCKS_SINCE_OPTION = 'wpp_post_locks_since';

/**
 * Whether the store keeps post locks on this site (the `post-locks` feature).
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wpp_post_locks_enabled(): bool {
	return wpp_switches_feature_enabled( 'post-locks' );
}

/**
 * Seconds a lock holds after its time: core's `wp_check_post_lock_window` (150), at least 1.
 *
 * @since 0.3.0
 *
 * @return int
 */
function wpp_post_locks_window(): int {
	/** This filter is documented in wp-admin/includes/post.php */
	return max( 1, (int) apply_filters( 'wp_check_post_lock_window', 150 ) );
}

/**
 * The room of a post's lock: `postType/{type}:{id}` for an existing post of any type; false for
 * anything else (the meta call then goes to post meta as usual).
 *
 * @since 0.3.0
 *
 * @param mixed $post_id Post id.
 * @return string|false
 */
function wpp_post_locks_room( $post_id ) {
	$post = is_numeric( $post_id ) && (int) $post_id > 0 ? get_post( (int) $post_id ) : null;
	return $post instanceof WP_Post ? 'postType/' . $post->post_type . ':' . $post->ID : false;
}

/**
 * Whether a meta call is one this file answers: `_edit_lock` of an existing post, with the
 * store keeping locks.
 *
 * @since 0.3.0
 *
 * @param mixed $post_id  Post id.
 * @param mixed $meta_key Meta key.
 * @return string|false The lock's room, or false to leave the call to post meta.
 */
function wpp_post_locks_for( $post_id, $meta_key ) {
	if ( WPP_POST_LOCKS_META_KEY !== $meta_key || wpp_post_locks_bypassed() || ! wpp_post_locks_enabled() ) {
		return false;
	}
	return wpp_post_locks_room( $post_id );
}

/**
 * The lock in the store as core writes it: `{time}:{user}`, or `{time}` for a lock without a
 * user; null when there is none (or it expired). Primed values (wpp_post_locks_prime()) first.
 *
 * @since 0.3.0
 *
 * @param string $room The lock's room.
 * @return string|null
 */
function wpp_post_locks_stored( string $room ): ?string {
	$primed = wpp_post_locks_primed();
	if ( array_key_exists( $room, $primed ) ) {
		return $primed[ $room ];
	}
	$backend = wpp_backend();
	$entry   = $backend->entry( $room, WPP_LOCK_CLIENT );
	if ( null === $entry && '' !== wpp_backend_last_error( $backend ) ) {
		throw new RuntimeException( wpp_backend_last_error( $backend ) );
	}
	return wpp_post_locks_value( $entry );
}

/**
 * The value of a `_lock` entry, or null for none.
 *
 * @since 0.3.0
 *
 * @param array|null $entry Entry.
 * @return string|null
 */
function wpp_post_locks_value( ?array $entry ): ?string {
	if ( null === $entry ) {
		return null;
	}
	$time = (int) floor( (float) $entry['updated_at'] );
	$user = (int) $entry['user_id'];
	return $user > 0 ? $time . ':' . $user : (string) $time;
}

/**
 * The lock a post has now, as wp_check_post_lock() reads it: from the store, or from post meta
 * while a lock taken before the store kept locks may still hold (see wpp_post_locks_meta_lock()).
 *
 * @since 0.3.0
 *
 * @param int    $post_id Post id.
 * @param string $room    The lock's room.
 * @return string|null
 */
function wpp_post_locks_current( int $post_id, string $room ): ?string {
	return wpp_post_locks_stored( $room ) ?? wpp_post_locks_meta_lock( $post_id );
}

/**
 * A lock in post meta that may still hold: only in the first window after the store took over
 * locks (before it, no lock can be in meta and still live) or last refused one, and only while it
 * is within its own window. Read from the meta cache (one query when the post's meta is not loaded yet).
 *
 * @since 0.3.0
 *
 * @param int $post_id Post id.
 * @return string|null
 */
function wpp_post_locks_meta_lock( int $post_id ): ?string {
	$since = (int) get_option( WPP_POST_LOCKS_SINCE_OPTION, 0 );
	if ( $since > 0 && time() - $since > wpp_post_locks_window() ) {
		return null;
	}
	$meta  = update_meta_cache( 'post', array( $post_id ) );
	$value = $meta[ $post_id ][ WPP_POST_LOCKS_META_KEY ][0] ?? null;
	if ( ! is_string( $value ) || 1 !== preg_match( '/^([0-9]+)(?::[0-9]+)?$/D', $value, $m ) ) {
		return null;
	}
	return (int) $m[1] > time() - wpp_post_locks_window() ? $value : null;
}

/**
 * The user holding a post's lock now (0 for none), through whatever answers `_edit_lock`.
 *
 * @since 0.3.0
 *
 * @param int $post_id Post id.
 * @return int
 */
function wpp_post_locks_holder( int $post_id ): int {
	$lock = explode( ':', (string) get_post_meta( $post_id, WPP_POST_LOCKS_META_KEY, true ) );
	$time = (int) $lock[0];
	return isset( $lock[1] ) && $time > time() - wpp_post_locks_window() ? (int) $lock[1] : 0;
}

/**
 * Answers a read of `_edit_lock`. Hooked to `get_post_metadata`.
 *
 * @since 0.3.0
 *
 * @param mixed  $value     Null, or what an earlier filter answered.
 * @param int    $object_id Post id.
 * @param string $meta_key  Meta key.
 * @param bool   $single    Whether one value is asked for.
 * @return mixed `array( '{time}:{user}' )`; '' (single) or an empty array without a lock; the
 *               value unchanged for any other key.
 */
function wpp_post_locks_read( $value, $object_id, $meta_key = '', $single = false ) {
	$room = null === $value ? wpp_post_locks_for( $object_id, $meta_key ) : false;
	if ( false === $room ) {
		return $value;
	}
	try {
		$lock = wpp_post_locks_current( (int) $object_id, $room );
	} catch ( Throwable $error ) {
		return $value; // The store failed: post meta answers, as without the plugin.
	}
	if ( null !== $lock ) {
		return array( $lock );
	}
	return $single ? '' : array();
}

/**
 * Answers a write of `_edit_lock` (wp_set_post_lock(), core's release on leaving the editor).
 * Hooked to `update_post_metadata`.
 *
 * A value that is not `{time}[:{user}]` goes to post meta. A write naming a previous value that
 * is no longer the lock (a release arriving after someone else took over) changes nothing.
 *
 * @since 0.3.0
 *
 * @param mixed  $check      Null, or what an earlier filter answered.
 * @param int    $object_id  Post id.
 * @param string $meta_key   Meta key.
 * @param mixed  $meta_value New value.
 * @param mixed  $prev_value Previous value the caller expects, or ''.
 * @return bool|null Whether the lock was written; null to leave it to post meta.
 */
function wpp_post_locks_write( $check, $object_id, $meta_key = '', $meta_value = '', $prev_value = '' ) {
	$room = null === $check ? wpp_post_locks_for( $object_id, $meta_key ) : false;
	if ( false === $room || ! is_string( $meta_value ) || 1 !== preg_match( '/^([1-9][0-9]*)(?::([0-9]+))?$/D', $meta_value, $m ) ) {
		return $check;
	}
	try {
		if ( '' !== $prev_value && null !== $prev_value ) {
			$current = wpp_post_locks_current( (int) $object_id, $room );
			if ( null !== $current && (string) $prev_value !== $current ) {
				return false;
			}
		}
		wpp_post_locks_primed( null, $room );
		// Never evicting anyone's presence for it (a lock is one row per post anyone may open, so
		// no budget bounds them): a full store refuses it, and the lock goes to post meta.
		$stored = wpp_entries_set( $room, WPP_LOCK_CLIENT, array(), (int) ( $m[2] ?? 0 ), wpp_post_locks_window(), (float) min( (int) $m[1], time() ), false );
		if ( true !== $stored ) {
			return wpp_post_locks_to_meta_for_now( $check ); // The store failed or is full.
		}
		wpp_post_locks_clear_meta( (int) $object_id );
	} catch ( Throwable $error ) {
		return wpp_post_locks_to_meta_for_now( $check );
	}
	return true;
}

/**
 * Sends a lock the store did not take to post meta, and has reads look there for the next lock
 * window (as just after the store started keeping locks), so the lock holds where WordPress's
 * own writes put it. Costs an option write, only when the store refused.
 *
 * @since 0.3.0
 *
 * @param mixed $check What the write filter was given (null): post meta then writes.
 * @return mixed $check.
 */
function wpp_post_locks_to_meta_for_now( $check ) {
	update_option( WPP_POST_LOCKS_SINCE_OPTION, time(), true );
	return $check;
}

/**
 * Answers `add_post_meta( $id, '_edit_lock', … )` as a write. Hooked to `add_post_metadata`.
 *
 * @since 0.3.0
 *
 * @param mixed  $check      Null, or what an earlier filter answered.
 * @param int    $object_id  Post id.
 * @param string $meta_key   Meta key.
 * @param mixed  $meta_value Value.
 * @param bool   $unique     Whether the key must not exist yet.
 * @return bool|null
 */
function wpp_post_locks_add( $check, $object_id, $meta_key = '', $meta_value = '', $unique = false ) {
	$room = null === $check ? wpp_post_locks_for( $object_id, $meta_key ) : false;
	if ( false === $room ) {
		return $check;
	}
	try {
		if ( $unique && null !== wpp_post_locks_current( (int) $object_id, $room ) ) {
			return false;
		}
	} catch ( Throwable $error ) {
		return $check;
	}
	return wpp_post_locks_write( null, $object_id, $meta_key, $meta_value, '' );
}

/**
 * Answers `delete_post_meta( $id, '_edit_lock' )`: releases the lock. Hooked to
 * `delete_post_metadata`. Deleting the key from every post (`$delete_all`) is left to post meta.
 *
 * @since 0.3.0
 *
 * @param mixed  $check      Null, or what an earlier filter answered.
 * @param int    $object_id  Post id.
 * @param string $meta_key   Meta key.
 * @param mixed  $meta_value Only this value, or ''.
 * @param bool   $delete_all Whether every post's is deleted.
 * @return bool|null
 */
function wpp_post_locks_delete( $check, $object_id, $meta_key = '', $meta_value = '', $delete_all = false ) {
	$room = null === $check && ! $delete_all ? wpp_post_locks_for( $object_id, $meta_key ) : false;
	if ( false === $room ) {
		return $check;
	}
	try {
		if ( '' !== $meta_value && null !== $meta_value && (string) $meta_value !== wpp_post_locks_current( (int) $object_id, $room ) ) {
			return false;
		}
		wpp_post_locks_primed( null, $room );
		$removed = wpp_entries_remove( $room, WPP_LOCK_CLIENT );
		wpp_post_locks_clear_meta( (int) $object_id );
	} catch ( Throwable $error ) {
		return $check;
	}
	return is_wp_error( $removed ) ? $check : true;
}

/**
 * While a lock taken before the store kept locks may still hold in post meta, a lock written or
 * released in the store removes it from meta, so it cannot come back once the store's entry has
 * gone. After that window this costs nothing.
 *
 * @since 0.3.0
 *
 * @param int $post_id Post id.
 */
function wpp_post_locks_clear_meta( int $post_id ): void {
	$since = (int) get_option( WPP_POST_LOCKS_SINCE_OPTION, 0 );
	if ( $since > 0 && time() - $since > wpp_post_locks_window() ) {
		return;
	}
	if ( null !== wpp_post_locks_meta_lock( $post_id ) ) {
		wpp_post_locks_bypassed( true );
		delete_post_meta( $post_id, WPP_POST_LOCKS_META_KEY );
		wpp_post_locks_bypassed( false );
	}
}

/**
 * Whether the short-circuits stand aside for a moment (to reach post meta itself).
 *
 * @since 0.3.0
 *
 * @param bool|null $set True or false to set; null to read.
 * @return bool
 */
function wpp_post_locks_bypassed( ?bool $set = null ): bool {
	static $bypassed = false;
	if ( null !== $set ) {
		$bypassed = $set;
	}
	return $bypassed;
}

/**
 * Notes when the store started (or stopped) keeping this site's locks, so a lock already in
 * post meta is honoured for one lock window after, and no longer; when it stops, the live locks
 * go back to post meta. Hooked to `init`; writes only when the switch changed.
 *
 * @since 0.3.0
 */
function wpp_post_locks_note_switch(): void {
	$since = (int) get_option( WPP_POST_LOCKS_SINCE_OPTION, 0 );
	$on    = wpp_post_locks_enabled();
	if ( $on && 0 === $since ) {
		update_option( WPP_POST_LOCKS_SINCE_OPTION, time(), true );
	} elseif ( ! $on && 0 !== $since ) {
		update_option( WPP_POST_LOCKS_SINCE_OPTION, 0, true );
		wpp_post_locks_to_meta();
	}
}

/**
 * Writes the live locks of the store to post meta (the plugin is deactivated or the `post-locks`
 * feature was switched off), so core finds them there.
 *
 * @since 0.3.0
 *
 * @return int Locks written.
 */
function wpp_post_locks_to_meta(): int {
	$written = 0;
	wpp_post_locks_bypassed( true );
	foreach ( wpp_backend()->by_room_prefix( 'postType/', null, null, WPP_LOCK_CLIENT ) as $entry ) {
		$parsed = WPP_LOCK_CLIENT === $entry['client_id'] ? wpp_rooms_parse( (string) $entry['room'] ) : false;
		if ( false !== $parsed && get_post( $parsed['post_id'] ) ) {
			update_post_meta( $parsed['post_id'], WPP_POST_LOCKS_META_KEY, wpp_post_locks_value( $entry ) );
			++$written;
		}
	}
	wpp_post_locks_bypassed( false );
	return $written;
}

/**
 * Reads the locks of many posts at once (one query on the database backend) for the rest of the
 * request: the posts list checks the lock of each row, and the heartbeat's
 * `wp-check-locked-posts` of each post listed.
 *
 * @since 0.3.0
 *
 * @param int[] $post_ids Post ids.
 */
function wpp_post_locks_prime( array $post_ids ): void {
	if ( ! wpp_post_locks_enabled() ) {
		return;
	}
	$post_ids = array_values( array_filter( array_unique( array_map( 'intval', $post_ids ) ) ) );
	_prime_post_caches( $post_ids, false, false ); // One query for the posts core checks next.
	$rooms = array();
	foreach ( $post_ids as $post_id ) {
		$room = wpp_post_locks_room( $post_id );
		if ( false !== $room ) {
			$rooms[ $room ] = null;
		}
	}
	if ( ! $rooms ) {
		return;
	}
	foreach ( wpp_backend()->get_rooms( array_keys( $rooms ), wpp_post_locks_window(), WPP_LOCK_CLIENT ) as $room => $entries ) {
		foreach ( $entries as $entry ) {
			if ( WPP_LOCK_CLIENT === $entry['client_id'] ) {
				$rooms[ $room ] = wpp_post_locks_value( $entry );
			}
		}
	}
	wpp_post_locks_primed( $rooms );
}

/**
 * Primes the locks of the admin's main post list. Hooked to `the_posts`.
 *
 * @since 0.3.0
 *
 * @param WP_Post[]|mixed $posts Posts found.
 * @param WP_Query|null   $query The query.
 * @return WP_Post[]|mixed The posts, unchanged.
 */
function wpp_post_locks_prime_list( $posts, $query = null ) {
	if ( is_array( $posts ) && $posts && is_admin() && $query instanceof WP_Query && $query->is_main_query() ) {
		wpp_post_locks_prime( wp_list_pluck( array_filter( $posts, static fn( $p ) => $p instanceof WP_Post ), 'ID' ) );
	}
	return $posts;
}

/**
 * Primes the locks core's `wp-check-locked-posts` is about to check. Hooked to
 * `heartbeat_received` before core's wp_check_locked_posts() (10).
 *
 * @since 0.3.0
 *
 * @param array|mixed $response Heartbeat response.
 * @param array|mixed $data     Data the browser sent.
 * @return array|mixed The response, unchanged.
 */
function wpp_post_locks_prime_heartbeat( $response, $data = array() ) {
	$ids = is_array( $data ) && is_array( $data['wp-check-locked-posts'] ?? null ) ? $data['wp-check-locked-posts'] : array();
	if ( $ids ) {
		wpp_post_locks_prime( array_map( static fn( $key ) => absint( substr( (string) $key, 5 ) ), array_slice( $ids, 0, 500 ) ) );
	}
	return $response;
}

/**
 * The primed locks of this request: room => value (null: no lock). A write or release in this
 * request drops its room's.
 *
 * @since 0.3.0
 *
 * @param array|null  $add    Values to add (they replace older ones).
 * @param string|null $forget Room to drop.
 * @return array
 */
function wpp_post_locks_primed( ?array $add = null, ?string $forget = null ): array {
	static $primed = array();
	if ( null !== $add ) {
		$primed = $add + $primed;
	}
	if ( null !== $forget ) {
		unset( $primed[ $forget ] );
	}
	return $primed;
}
