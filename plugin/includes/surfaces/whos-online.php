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
		$self   = (int) $user['user_id'] === $viewer->ID;
		$status = 'idle' === $user['status'] ? 'idle' : 'active';
		$items .= sprintf(
			'<li class="wpp-online__user wpp-online__user--%1$s"%2$s>%3$s<span class="wpp-online__text"><span class="wpp-online__name">%4$s%5$s</span>%6$s</span>%7$s</li>',
			$status,
			wpp_render_person_attributes( $user ),
			wpp_render_avatar( $user, 32 ),
			esc_html( (string) $user['display_name'] ),
			$self ? '<span class="wpp-online__you"> ' . esc_html__( '(you)', 'presence' ) . '</span>' : '',
			wpp_render_where( $user, 'wpp-online__doing' ),
			wpp_render_status( $status )
		);
	}

	$more = '';
	if ( $total > count( $users ) ) {
		$more = sprintf(
			'<a href="%1$s">%2$s</a>',
			esc_url( wpp_users_list_online_url() ),
			/* translators: %d: number of people online. */
			esc_html( sprintf( _n( 'See all %d person online', 'See all %d people online', $total, 'presence' ), $total ) )
		);
	}

	return sprintf(
		'<div class="wpp-online" data-wpp-online data-wpp-version="%5$d"><p class="wpp-online__summary">%1$s</p><ul class="wpp-online__list">%2$s</ul><p class="wpp-online__more"%3$s>%4$s</p></div>',
		esc_html( wpp_whos_online_summary( $total ) ),
		$items,
		'' === $more ? ' hidden' : '',
		$more,
		(int) ( $online['version'] ?? 0 )
	);
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
