<?php
/**
 * WordPress's privacy tools for what Presence keeps about a person: the suggested privacy-policy
 * text, a personal-data exporter and an eraser (Tools › Export / Erase Personal Data).
 *
 * What the store can hold about a user on a site: the entries they own (where they are in the
 * admin, the post they edit, a save as an agent, entries written for them through the API), when
 * they were last seen (`users/last-seen`, no owner, up to a day) and the screens they saved
 * (`screens/…` revisions naming them, no owner, up to a day). The exporter lists all of it, the
 * eraser removes all of it, on the current site.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Key of the exporter and of the eraser.
 *
 * @since 0.3.0
 */
const WPP_PRIVACY_TOOLS_KEY = 'wpp-presence';

/**
 * Adds the suggested privacy-policy text. Hooked to `admin_init`.
 *
 * @since 0.3.0
 */
function wpp_privacy_tools_add_policy(): void {
	if ( function_exists( 'wp_add_privacy_policy_content' ) ) {
		wp_add_privacy_policy_content( __( 'Presence', 'presence' ), wpp_privacy_tools_policy_text() );
	}
}

/**
 * The suggested privacy-policy text (HTML), with the retention times this site uses.
 *
 * @since 0.3.0
 *
 * @return string
 */
function wpp_privacy_tools_policy_text(): string {
	$ttl      = number_format_i18n( wpp_entries_default_ttl() );
	$guidance = array(
		__( 'Presence shows signed-in users who else is working in the admin and on which post, so that two people do not edit the same post unawares. It keeps these records in the server’s memory (or in a database table), only as long as they are current; it keeps no history.', 'presence' ),
		__( 'An administrator can switch recording off in Settings › General (or with the wp_presence_recording_enabled filter); on a network, in Network Admin › Settings for every site.', 'presence' ),
	);
	$suggested = array(
		sprintf(
			/* translators: %s: number of seconds. */
			__( 'While you are signed in and can edit content, this site records that you are active: your name and profile picture, which admin screen you are on and which post you are editing. Other signed-in users who can edit content can see it; what it says about a post, only when they may edit that post themselves. Each record is deleted at most %s seconds after your last activity.', 'presence' ),
			$ttl
		),
		__( 'The time you were last seen, and which screens you saved (so that others who have them open are told), are kept for at most a day. Nothing is kept beyond that.', 'presence' ),
	);
	$html = '';
	foreach ( $guidance as $paragraph ) {
		$html .= '<p class="privacy-policy-tutorial">' . esc_html( $paragraph ) . '</p>';
	}
	$html .= '<p><strong class="privacy-policy-tutorial">' . esc_html__( 'Suggested text:', 'presence' ) . '</strong> ' . esc_html( $suggested[0] ) . '</p>';
	$html .= '<p>' . esc_html( $suggested[1] ) . '</p>';
	return wp_kses_post( $html );
}

/**
 * Adds the exporter. Hooked to `wp_privacy_personal_data_exporters`.
 *
 * @since 0.3.0
 *
 * @param array $exporters Exporters by key.
 * @return array
 */
function wpp_privacy_tools_exporters( $exporters ) {
	$exporters                          = is_array( $exporters ) ? $exporters : array();
	$exporters[ WPP_PRIVACY_TOOLS_KEY ] = array(
		'exporter_friendly_name' => __( 'Presence', 'presence' ),
		'callback'               => 'wpp_privacy_tools_export',
	);
	return $exporters;
}

/**
 * Adds the eraser. Hooked to `wp_privacy_personal_data_erasers`.
 *
 * @since 0.3.0
 *
 * @param array $erasers Erasers by key.
 * @return array
 */
function wpp_privacy_tools_erasers( $erasers ) {
	$erasers                          = is_array( $erasers ) ? $erasers : array();
	$erasers[ WPP_PRIVACY_TOOLS_KEY ] = array(
		'eraser_friendly_name' => __( 'Presence', 'presence' ),
		'callback'             => 'wpp_privacy_tools_erase',
	);
	return $erasers;
}

/**
 * What the store holds about a user on this site: their own entries, when they were last seen,
 * and the screen revisions that name them.
 *
 * @since 0.3.0
 *
 * @param int $user_id User.
 * @return array{own:array[],last_seen:array|null,saves:array[]} Entries (see WPP_Backend).
 */
function wpp_privacy_tools_entries( int $user_id ): array {
	$backend = wpp_backend();
	$saves   = array();
	$screens = array_values(
		array_filter(
			array_map( 'strval', array_keys( $backend->rooms( DAY_IN_SECONDS ) ) ),
			static fn( string $room ) => str_starts_with( $room, WPP_SCREEN_ROOM_PREFIX )
		)
	);
	foreach ( $screens ? $backend->get_rooms( $screens, DAY_IN_SECONDS ) : array() as $entries ) {
		foreach ( $entries as $entry ) {
			if ( (int) ( $entry['data']['user_id'] ?? 0 ) === $user_id ) {
				$saves[] = $entry;
			}
		}
	}
	return array(
		'own'       => $backend->user_entries( $user_id, DAY_IN_SECONDS ),
		'last_seen' => wpp_entries_find( WPP_LAST_SEEN_ROOM, wpp_client_ids_user( $user_id ) ),
		'saves'     => $saves,
	);
}

/**
 * The exporter: one item in the group `presence` with what the store holds about the user on
 * this site, and how long it is kept. Everything fits on one page.
 *
 * @since 0.3.0
 *
 * @param string $email_address The person's e-mail address.
 * @param int    $page          Page (1).
 * @return array{data:array[],done:bool}
 */
function wpp_privacy_tools_export( $email_address, $page = 1 ): array {
	$user = is_string( $email_address ) ? get_user_by( 'email', $email_address ) : false;
	if ( ! $user instanceof WP_User ) {
		return array(
			'data' => array(),
			'done' => true,
		);
	}
	$held = wpp_privacy_tools_entries( $user->ID );
	$data = array();
	foreach ( $held['own'] as $entry ) {
		$data = array_merge( $data, wpp_privacy_tools_entry_data( $entry ) );
	}
	if ( $held['last_seen'] ) {
		$data[] = array(
			'name'  => __( 'Last seen', 'presence' ),
			'value' => $held['last_seen']['date_gmt'] . ' GMT',
		);
	}
	foreach ( $held['saves'] as $entry ) {
		$data[] = array(
			'name'  => __( 'Screen saved', 'presence' ),
			/* translators: 1: screen key, 2: date and time (GMT). */
			'value' => sprintf( __( '%1$s, %2$s GMT', 'presence' ), substr( (string) $entry['room'], strlen( WPP_SCREEN_ROOM_PREFIX ) ), $entry['date_gmt'] ),
		);
	}
	if ( ! $data ) {
		$data[] = array(
			'name'  => __( 'Presence', 'presence' ),
			'value' => __( 'No presence is recorded for this account.', 'presence' ),
		);
	}
	$data[] = array(
		'name'  => __( 'Retention', 'presence' ),
		'value' => sprintf(
			/* translators: %s: number of seconds. */
			__( 'Presence is deleted at most %s seconds after the last activity; when you were last seen and the screens you saved, after a day. Nothing is kept beyond that, so there is no history to export.', 'presence' ),
			number_format_i18n( wpp_entries_default_ttl() )
		),
	);
	return array(
		'data' => array(
			array(
				'group_id'          => 'presence',
				'group_label'       => __( 'Presence', 'presence' ),
				'group_description' => __( 'Which screen you are viewing and which post you are editing, while you are signed in.', 'presence' ),
				'item_id'           => 'presence-' . $user->ID,
				'data'              => $data,
			),
		),
		'done' => true,
	);
}

/**
 * One entry of the user's own as name/value pairs: where (the screen, the post), and when.
 *
 * @since 0.3.0
 *
 * @param array $entry Entry (see WPP_Backend).
 * @return array[]
 */
function wpp_privacy_tools_entry_data( array $entry ): array {
	$data    = is_array( $entry['data'] ?? null ) ? $entry['data'] : array();
	$room    = (string) $entry['room'];
	$parsed  = wpp_rooms_parse_post( $room );
	$post_id = $parsed ? (int) $parsed[1] : (int) ( wpp_privacy_data_post_id( $data ) ?? 0 );
	$post    = $post_id > 0 ? get_post( $post_id ) : null;
	$pairs   = array();
	if ( ! $parsed ) { // A post's room says where by its post.
		$pairs[] = array(
			'name'  => __( 'Screen', 'presence' ),
			'value' => isset( $data['screen'] ) && is_string( $data['screen'] ) && '' !== $data['screen'] ? $data['screen'] : $room,
		);
	}
	if ( $post instanceof WP_Post || $parsed ) {
		$pairs[] = array(
			'name'  => __( 'Post being edited', 'presence' ),
			'value' => $post instanceof WP_Post ? wpp_screens_post_title( $post ) : $room,
		);
	}
	$pairs[] = array(
		'name'  => __( 'Last active', 'presence' ),
		'value' => $entry['date_gmt'] . ' GMT',
	);
	return $pairs;
}

/**
 * The eraser: removes what the store holds about the user on this site.
 *
 * @since 0.3.0
 *
 * @param string $email_address The person's e-mail address.
 * @param int    $page          Page (1).
 * @return array{items_removed:bool,items_retained:bool,messages:string[],done:bool}
 */
function wpp_privacy_tools_erase( $email_address, $page = 1 ): array {
	$result = array(
		'items_removed'  => false,
		'items_retained' => false,
		'messages'       => array(),
		'done'           => true,
	);
	$user   = is_string( $email_address ) ? get_user_by( 'email', $email_address ) : false;
	if ( ! $user instanceof WP_User ) {
		return $result;
	}
	$held    = wpp_privacy_tools_entries( $user->ID );
	$removed = 0;
	$failed  = false;
	$own     = wpp_entries_remove_user( $user->ID ); // Also the post locks they hold, which no read lists.
	if ( is_wp_error( $own ) ) {
		$failed = true;
	} else {
		$removed += $own;
	}
	$others = array_merge( $held['last_seen'] ? array( $held['last_seen'] ) : array(), $held['saves'] );
	foreach ( $others as $entry ) {
		$gone = wpp_entries_remove( (string) $entry['room'], (string) $entry['client_id'] );
		if ( is_wp_error( $gone ) ) {
			$failed = true;
		} elseif ( $gone ) {
			++$removed;
		}
	}
	$result['items_removed'] = $removed > 0;
	if ( $failed ) {
		$result['items_retained'] = true;
		$result['messages'][]     = __( 'Presence could not be deleted.', 'presence' );
	}
	return $result;
}
