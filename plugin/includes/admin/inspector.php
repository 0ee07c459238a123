<?php
/**
 * Tools → Presence, for administrators (`manage_options`): the backend in use, the store's figures
 * (those of `php --ri presence` on the native store), the rooms of this site with their counts,
 * and a room's entries; a button empties a room. Rooms and entries pass the same privacy rule as
 * every surface: an administrator who may not edit a post does not see its room.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Slug of the Tools → Presence page.
 *
 * @since 0.2.0
 */
const WPP_INSPECTOR_PAGE = 'wpp-presence';

/**
 * Adds Tools → Presence. Hooked to `admin_menu`.
 *
 * @since 0.2.0
 */
function wpp_inspector_add_page(): void {
	add_management_page( __( 'Presence', 'presence' ), __( 'Presence', 'presence' ), 'manage_options', WPP_INSPECTOR_PAGE, 'wpp_inspector_render' );
}

/**
 * The inspector's URL.
 *
 * @since 0.2.0
 *
 * @param array $args Query arguments to add.
 * @return string
 */
function wpp_inspector_url( array $args = array() ): string {
	return add_query_arg( array_map( 'rawurlencode', $args ), admin_url( 'tools.php?page=' . WPP_INSPECTOR_PAGE ) );
}

/**
 * Whether the viewer may see a room in the inspector: rooms they may access, and the internal
 * rooms of screens they may see (screen revisions) or of users (last seen, for `list_users`).
 *
 * @since 0.2.0
 *
 * @param string  $room   Room name.
 * @param WP_User $viewer The person.
 * @return bool
 */
function wpp_inspector_can_see_room( string $room, WP_User $viewer ): bool {
	if ( str_starts_with( $room, WPP_SCREEN_ROOM_PREFIX ) ) {
		return wpp_stale_screen_can_see( substr( $room, strlen( WPP_SCREEN_ROOM_PREFIX ) ), $viewer );
	}
	return wpp_rooms_can_access( $room, $viewer->ID );
}

/**
 * Prints the page.
 *
 * @since 0.2.0
 */
function wpp_inspector_render(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'presence' ), 403 );
	}
	$viewer  = wp_get_current_user();
	$backend = wpp_backend();
	$rooms   = $backend->rooms( DAY_IN_SECONDS );
	wpp_privacy_prime_posts( array_map( static fn( $room ) => array( 'room' => (string) $room ), array_keys( $rooms ) ) );
	$visible = array();
	foreach ( $rooms as $room => $counts ) {
		if ( wpp_inspector_can_see_room( (string) $room, $viewer ) ) {
			$visible[ (string) $room ] = $counts;
		}
	}
	// phpcs:disable WordPress.Security.NonceVerification.Recommended -- reading which room to show; the flush is checked.
	$room    = isset( $_GET['room'] ) && is_string( $_GET['room'] ) ? wp_unslash( $_GET['room'] ) : '';
	$flushed = isset( $_GET['flushed'] ) ? absint( $_GET['flushed'] ) : null;
	// phpcs:enable

	echo '<div class="wrap wpp-inspector"><h1>' . esc_html__( 'Presence', 'presence' ) . '</h1>';
	if ( null !== $flushed ) {
		/* translators: %d: number of entries removed. */
		echo '<div class="notice notice-success"><p>' . esc_html( sprintf( _n( 'Removed %d entry.', 'Removed %d entries.', $flushed, 'presence' ), $flushed ) ) . '</p></div>';
	}

	echo '<h2>' . esc_html__( 'Store', 'presence' ) . '</h2><table class="widefat striped wpp-inspector__stats"><tbody>';
	printf( '<tr><th scope="row">%1$s</th><td><code>%2$s</code></td></tr>', esc_html__( 'Backend', 'presence' ), esc_html( $backend->name() ) );
	foreach ( $backend->stats() as $name => $value ) {
		printf( '<tr><th scope="row"><code>%1$s</code></th><td>%2$s</td></tr>', esc_html( (string) $name ), esc_html( is_float( $value ) ? number_format_i18n( $value, 2 ) : ( is_int( $value ) ? number_format_i18n( $value ) : (string) $value ) ) );
	}
	echo '</tbody></table>';

	echo '<h2>' . esc_html__( 'Rooms', 'presence' ) . '</h2>';
	if ( ! $visible ) {
		echo '<p>' . esc_html__( 'No room has live entries.', 'presence' ) . '</p>';
	} else {
		printf(
			'<table class="widefat striped wpp-inspector__rooms"><thead><tr><th scope="col">%1$s</th><th scope="col">%2$s</th><th scope="col">%3$s</th></tr></thead><tbody>',
			esc_html__( 'Room', 'presence' ),
			esc_html__( 'Entries', 'presence' ),
			esc_html__( 'Users', 'presence' )
		);
		foreach ( $visible as $name => $counts ) {
			printf(
				'<tr><td><a href="%1$s"><code>%2$s</code></a></td><td>%3$s</td><td>%4$s</td></tr>',
				esc_url( wpp_inspector_url( array( 'room' => $name ) ) ),
				esc_html( $name ),
				esc_html( number_format_i18n( (int) $counts['entries'] ) ),
				esc_html( number_format_i18n( (int) $counts['users'] ) )
			);
		}
		echo '</tbody></table>';
	}
	$hidden = count( $rooms ) - count( $visible );
	if ( $hidden > 0 ) {
		/* translators: %d: number of rooms. */
		echo '<p class="description">' . esc_html( sprintf( _n( '%d more room is about something you may not edit.', '%d more rooms are about something you may not edit.', $hidden, 'presence' ), $hidden ) ) . '</p>';
	}

	if ( '' !== $room ) {
		wpp_inspector_render_room( $room, $viewer );
	}
	echo '</div>';
}

/**
 * Prints one room's entries and its flush button.
 *
 * @since 0.2.0
 *
 * @param string  $room   Room name.
 * @param WP_User $viewer The person.
 */
function wpp_inspector_render_room( string $room, WP_User $viewer ): void {
	/* translators: %s: room name. */
	echo '<h2>' . esc_html( sprintf( __( 'Room %s', 'presence' ), $room ) ) . '</h2>';
	if ( true !== wpp_validate_name( $room, 'room' ) || ! wpp_inspector_can_see_room( $room, $viewer ) ) {
		echo '<p>' . esc_html__( 'There is no such room, or you may not see it.', 'presence' ) . '</p>';
		return;
	}
	$entries = wpp_backend()->get_room( $room, DAY_IN_SECONDS );
	wpp_privacy_prime_posts( $entries );
	$internal = str_starts_with( $room, WPP_SCREEN_ROOM_PREFIX );
	printf(
		'<table class="widefat striped wpp-inspector__entries"><thead><tr><th scope="col">%1$s</th><th scope="col">%2$s</th><th scope="col">%3$s</th><th scope="col">%4$s</th></tr></thead><tbody>',
		esc_html__( 'Client', 'presence' ),
		esc_html__( 'User', 'presence' ),
		esc_html__( 'Last write (UTC)', 'presence' ),
		esc_html__( 'Data', 'presence' )
	);
	$now = microtime( true );
	foreach ( $entries as $entry ) {
		$visible = $internal ? $entry : wpp_privacy_entry_for_viewer( $entry, $viewer );
		if ( null === $visible ) {
			continue;
		}
		printf(
			'<tr><td><code>%1$s</code></td><td>%2$s</td><td>%3$s<br>%4$s</td><td><pre class="wpp-inspector__data">%5$s</pre></td></tr>',
			esc_html( (string) $visible['client_id'] ),
			esc_html( (string) $visible['user_id'] ),
			esc_html( (string) $visible['date_gmt'] ),
			wpp_render_time( (float) $visible['updated_at'], $now ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped inside.
			esc_html( (string) wp_json_encode( $visible['data'], JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) )
		);
	}
	echo '</tbody></table>';
	printf(
		'<form method="post" action="%1$s" class="wpp-inspector__flush"><input type="hidden" name="action" value="wpp_flush_room"><input type="hidden" name="room" value="%2$s">%3$s<p>%4$s</p></form>',
		esc_url( admin_url( 'admin-post.php' ) ),
		esc_attr( $room ),
		wp_nonce_field( 'wpp_flush_room', '_wpnonce', true, false ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- core markup.
		get_submit_button( __( 'Empty this room', 'presence' ), 'delete', 'submit', false ) // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- core markup.
	);
}

/**
 * Removes every entry of a room, as the flush button asks. Hooked to `admin_post_wpp_flush_room`.
 *
 * @since 0.2.0
 */
function wpp_inspector_handle_flush(): void {
	check_admin_referer( 'wpp_flush_room' );
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'presence' ), 403 );
	}
	$room = isset( $_POST['room'] ) && is_string( $_POST['room'] ) ? wp_unslash( $_POST['room'] ) : '';
	$done = wpp_inspector_flush_room( $room, wp_get_current_user() );
	if ( is_wp_error( $done ) ) {
		wp_die( esc_html( $done->get_error_message() ), 400 );
	}
	wp_safe_redirect( wpp_inspector_url( array( 'flushed' => (string) $done ) ) );
	exit;
}

/**
 * Removes every live entry of a room the viewer may see.
 *
 * @since 0.2.0
 *
 * @param string  $room   Room name.
 * @param WP_User $viewer The person asking.
 * @return int|WP_Error Entries removed.
 */
function wpp_inspector_flush_room( string $room, WP_User $viewer ) {
	if ( true !== wpp_validate_name( $room, 'room' ) || ! wpp_inspector_can_see_room( $room, $viewer ) ) {
		return new WP_Error( 'wpp_room_forbidden', __( 'There is no such room, or you may not see it.', 'presence' ), array( 'status' => 400 ) );
	}
	$removed = 0;
	foreach ( wpp_backend()->get_room( $room, DAY_IN_SECONDS ) as $entry ) {
		if ( true === wpp_entries_remove( $room, (string) $entry['client_id'] ) ) {
			++$removed;
		}
	}
	return $removed;
}
