<?php
/**
 * The dashboard's "Who's online" widget: each person's avatar, name ("(you)" for the viewer),
 * where they are as a label with a link the viewer may follow ("Editing “Title”", "Moderating
 * comments", or "Editing a post" when the viewer may not see which), and active or idle. Past
 * WPP_WHOS_ONLINE_SHOWN people, a summary link to everyone online.
 *
 * Rendered here only: for the first paint from the page's online state, and as the fragment
 * `whos-online` of every heartbeat answer that brings a new `presence-online` (ui/fragments.php).
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * People listed in the widget; the rest are counted in its summary link.
 *
 * @since 0.2.0
 */
const WPP_WHOS_ONLINE_SHOWN = 20;

/**
 * Totals on either side of the current one whose summary texts come with the widget.
 *
 * @since 0.3.0
 */
const WPP_WHOS_ONLINE_SUMMARY_SPAN = 10;

/**
 * Adds the widget for users who can `edit_posts`. Hooked to `wp_dashboard_setup`.
 *
 * @since 0.1.0
 */
function wpp_whos_online_add_widget(): void {
	if ( ! current_user_can( 'edit_posts' ) ) {
		return;
	}
	// First in the main column: who else is here is what a dashboard is opened for.
	wp_add_dashboard_widget( 'wpp_whos_online', __( 'Who’s online', 'presence' ), 'wpp_whos_online_render', null, null, 'normal', 'high' );
}

/**
 * Prints the "Who's online" widget.
 *
 * @since 0.1.0
 * @since 0.2.0 Renders the list (the script keeps it current).
 */
function wpp_whos_online_render(): void {
	echo wpp_whos_online_html( wpp_page_view_online_state(), wp_get_current_user() ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped piece by piece.
}

/**
 * The widget's markup for a `presence-online` payload.
 *
 * @since 0.2.0
 * @since 0.3.0 The root carries the payload's version (`data-wpp-version`), the people their names.
 *
 * @param array   $online Payload (wpp_payload_online()).
 * @param WP_User $viewer The person who reads it.
 * @return string HTML.
 */
function wpp_whos_online_html( array $online, WP_User $viewer ): string {
	$users = array_slice( $online['users'] ?? array(), 0, WPP_WHOS_ONLINE_SHOWN );
	$total = max( (int) ( $online['total'] ?? 0 ), count( $users ) );
	$items = '';
	foreach ( $users as $user ) {
		$items .= wpp_whos_online_item( $user, $viewer->ID );
	}

	// The link is there, hidden, while everyone is listed: a script that learns of more people
	// from the live lane shows it.
	$more = sprintf(
		'<a href="%1$s">%2$s</a>',
		esc_url( wpp_users_list_online_url() ),
		/* translators: %d: number of people online. */
		esc_html( sprintf( _n( 'See all %d person online', 'See all %d people online', $total, 'presence' ), $total ) )
	);

	return sprintf(
		'<div class="wpp-online" data-wpp-online data-wpp-version="%5$d" data-wpp-summaries="%6$s"><p class="wpp-online__summary">%1$s</p><ul class="wpp-online__list">%2$s</ul><p class="wpp-online__more"%3$s>%4$s</p></div>',
		esc_html( wpp_whos_online_summary( $total ) ),
		$items,
		$total > count( $users ) ? '' : ' hidden',
		$more,
		(int) ( $online['version'] ?? 0 ),
		esc_attr( (string) wp_json_encode( wpp_whos_online_summaries( $total ) ) )
	);
}

/**
 * One person in the widget: avatar, name ("(you)" for the viewer), where they are as the viewer
 * may see it (no label in a card), active or idle. The one renderer of an item: the widget's list
 * and the cards (wpp_whos_online_card()) both come from here.
 *
 * @since 0.3.0
 *
 * @param array $user      User item (wpp_payload_user_item(), with `label`/`url` when known).
 * @param int   $viewer_id The viewer, marked "(you)"; 0 for no viewer in particular.
 * @return string HTML.
 */
function wpp_whos_online_item( array $user, int $viewer_id ): string {
	$self   = $viewer_id > 0 && (int) $user['user_id'] === $viewer_id;
	$status = 'idle' === ( $user['status'] ?? '' ) ? 'idle' : 'active';
	return sprintf(
		'<li class="wpp-online__user wpp-online__user--%1$s"%2$s>%3$s<span class="wpp-online__text"><span class="wpp-online__name">%4$s%5$s</span>%6$s</span>%7$s</li>',
		$status,
		wpp_render_person_attributes( $user ),
		wpp_render_avatar( $user, 32 ),
		esc_html( (string) ( $user['display_name'] ?? '' ) ),
		$self ? '<span class="wpp-online__you"> ' . esc_html__( '(you)', 'presence' ) . '</span>' : '',
		wpp_render_where( $user, 'wpp-online__doing' ),
		wpp_render_status( $status )
	);
}

/**
 * A person's card: their widget item for no viewer in particular, which the live lane hands to
 * dashboards that do not list them yet (live/lane.php). It says nothing about where they are —
 * a label may name a post, which only viewers who may edit it may see — and carries no "(you)".
 *
 * @since 0.3.0
 *
 * @param array $user User item (wpp_payload_user_item()); any `label`/`url` is left out.
 * @return string HTML.
 */
function wpp_whos_online_card( array $user ): string {
	unset( $user['label'], $user['url'] );
	return wpp_whos_online_item( $user, 0 );
}

/**
 * The widget's summary texts for totals around the current one, for the script that updates the
 * list from the live lane's roster between two heartbeats (plural forms are the server's: a
 * total outside these waits for the next heartbeat's fragment).
 *
 * @since 0.3.0
 *
 * @param int $total People online now.
 * @return array<int,array{0:string,1:string}> total => [summary, "See all" link text].
 */
function wpp_whos_online_summaries( int $total ): array {
	$texts = array();
	for ( $n = max( 1, $total - WPP_WHOS_ONLINE_SUMMARY_SPAN ); $n <= $total + WPP_WHOS_ONLINE_SUMMARY_SPAN; $n++ ) {
		$texts[ $n ] = array(
			wpp_whos_online_summary( $n ),
			/* translators: %d: number of people online. */
			sprintf( _n( 'See all %d person online', 'See all %d people online', $n, 'presence' ), $n ),
		);
	}
	return $texts;
}

/**
 * "3 people online", or "Only you are online."
 *
 * @since 0.2.0
 *
 * @param int $total People online, the viewer included.
 * @return string Text.
 */
function wpp_whos_online_summary( int $total ): string {
	/* translators: %d: number of people online. */
	return $total > 1 ? sprintf( _n( '%d person online', '%d people online', $total, 'presence' ), $total ) : __( 'Only you are online.', 'presence' );
}
