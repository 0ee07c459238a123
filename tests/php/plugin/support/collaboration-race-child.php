<?php
/**
 * Child process of EntriesActionsTest: races another process over the same rooms. Arguments: a
 * room prefix, the number of rooms, this process's user id, and the Unix time to start at. For
 * each room, at the same moment as the other process, writes its `editor-{id}` entry (through the
 * plugin, so the collaboration actions fire); a second later, it leaves them all the same way. Prints
 * the rooms where it saw `wp_presence_collaboration_started` and `…_ended`, as JSON.
 *
 * @package Presence
 */

// phpcs:disable
require __DIR__ . '/load-wordpress-with-plugin.php';
list( , $prefix, $rooms, $user_id, $start ) = $argv;
$seen = array( 'started' => array(), 'ended' => array() );
add_action( 'wp_presence_collaboration_started', static function ( $room ) use ( &$seen ) { $seen['started'][] = $room; } );
add_action( 'wp_presence_collaboration_ended', static function ( $room ) use ( &$seen ) { $seen['ended'][] = $room; } );
$wait = static function ( float $at ): void {
	$left = $at - microtime( true );
	if ( $left > 0 ) {
		usleep( (int) ( $left * 1e6 ) );
	}
};
for ( $i = 0; $i < (int) $rooms; $i++ ) {
	$wait( (float) $start + $i * 0.01 );
	wpp_entries_set( "postType/post:$prefix$i", 'editor-' . $user_id, array(), (int) $user_id );
}
for ( $i = 0; $i < (int) $rooms; $i++ ) {
	$wait( (float) $start + 1.0 + $i * 0.01 );
	wpp_entries_remove( "postType/post:$prefix$i", 'editor-' . $user_id );
}
echo wp_json_encode( $seen );
