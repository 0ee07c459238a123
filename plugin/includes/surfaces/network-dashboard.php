<?php
/**
 * Network Admin's "Who's online" dashboard widget: how many people are online across the
 * network, and the busiest sites first, each with its count and the faces and names of the
 * people on it (links the viewer may follow: the site's page in Network Admin, a user's profile).
 * It never says where on a site someone is.
 *
 * PHP renders it for the first paint; the heartbeat answers the `network-widget` fragment (the
 * inner HTML of `#presence-network-widget-list`) when the page asks for it.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Sites the widget lists; the rest are counted in its "more sites" link.
 *
 * @since 0.2.0
 */
const WPP_NETWORK_DASHBOARD_SITES = 5;

/**
 * People the widget shows per site; the rest are counted.
 *
 * @since 0.2.0
 */
const WPP_NETWORK_DASHBOARD_PEOPLE = 4;

/**
 * Adds the widget to the Network Admin dashboard for those who may see presence across the
 * network. Hooked to `wp_network_dashboard_setup`.
 *
 * @since 0.2.0
 */
function wpp_network_dashboard_add_widget(): void {
	if ( ! wpp_network_view_screens_enabled() || ! wpp_network_view_can_see() ) {
		return;
	}
	wp_add_dashboard_widget( 'wpp_network_whos_online', __( 'Who’s online', 'presence' ), 'wpp_network_dashboard_render', null, null, 'normal', 'high' );
}

/**
 * What the widget shows, for the current user.
 *
 * - `aggregating`, `people` (distinct people online), `sites_online`;
 * - `sites`: the busiest WPP_NETWORK_DASHBOARD_SITES, each `blog_id`, `name`, `url` (where the
 *   viewer may go for it), `user_count` and `users` (at most WPP_NETWORK_DASHBOARD_PEOPLE:
 *   `user_id`, `display_name`, `avatar_url`, `url` — the profile link, or '');
 * - `more`: sites online not listed; `sites_url`, `online_url` ('' when the viewer may not open it).
 *
 * The sites listed are loaded in one query and their titles one each (none with a persistent
 * object cache); the people come from the store, their links checked without a query for a
 * super admin (one batch for anyone else).
 *
 * @since 0.2.0
 *
 * @param bool $fresh True to read the store again (a heartbeat, after its own write).
 * @return array
 */
function wpp_network_dashboard_state( bool $fresh = false ): array {
	$view  = wpp_network_view_read( $fresh );
	$shown = array_slice( $view['sites'], 0, WPP_NETWORK_DASHBOARD_SITES, true );
	$state = array(
		'aggregating'  => $view['aggregating'],
		'people'       => $view['people'],
		'sites_online' => count( $view['sites'] ),
		'sites'        => array(),
		'more'         => 0,
		'sites_url'    => current_user_can( 'manage_sites' ) ? network_admin_url( 'sites.php' ) : '',
		'online_url'   => current_user_can( 'manage_network_users' ) ? wpp_network_users_list_online_url() : '',
	);

	_prime_site_caches( array_keys( $shown ), false );
	$named = array();
	foreach ( $shown as $blog_id => $users ) {
		$named[ $blog_id ] = wpp_network_view_named_users( $users, WPP_NETWORK_DASHBOARD_PEOPLE );
	}
	wpp_network_view_prime_users( array_column( array_merge( array(), ...array_values( $named ) ), 'user_id' ) );

	foreach ( $named as $blog_id => $users ) {
		$site = get_site( $blog_id );
		if ( ! $site instanceof WP_Site ) {
			continue;
		}
		foreach ( $users as $i => $user ) {
			$users[ $i ]['url'] = wpp_network_view_user_link( $user['user_id'] );
		}
		$state['sites'][] = array(
			'blog_id'    => (int) $blog_id,
			'name'       => wpp_network_view_site_name( $site ),
			'url'        => wpp_network_view_site_link( $site ),
			'user_count' => count( $view['sites'][ $blog_id ] ),
			'users'      => $users,
		);
	}
	$state['more'] = max( 0, $state['sites_online'] - count( $state['sites'] ) );
	return $state;
}

/**
 * Prints the widget. Callback of wp_add_dashboard_widget().
 *
 * @since 0.2.0
 */
function wpp_network_dashboard_render(): void {
	echo wpp_network_dashboard_html( wpp_network_dashboard_state() ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped piece by piece.
}

/**
 * The widget's markup.
 *
 * @since 0.2.0
 *
 * @param array $state wpp_network_dashboard_state().
 * @return string HTML.
 */
function wpp_network_dashboard_html( array $state ): string {
	return sprintf(
		'<div class="wpp-network" data-wpp-network><div id="presence-network-widget-list" aria-live="polite" tabindex="-1">%s</div></div>',
		wpp_network_dashboard_list_html( $state )
	);
}

/**
 * The inner markup of `#presence-network-widget-list`: the summary, the sites, the link to the
 * others. Also the heartbeat's `network-widget` fragment.
 *
 * @since 0.2.0
 *
 * @param array $state wpp_network_dashboard_state().
 * @return string HTML.
 */
function wpp_network_dashboard_list_html( array $state ): string {
	if ( ! $state['aggregating'] ) {
		return '<p class="wpp-network__summary">' . esc_html__( 'Presence is not gathered across this network, so who is online cannot be shown here.', 'presence' ) . '</p>';
	}
	if ( ! $state['sites'] ) {
		return '<p class="wpp-network__summary">' . esc_html__( 'Nobody is online anywhere on the network.', 'presence' ) . '</p>';
	}

	/* translators: %s: number of people online. */
	$summary = sprintf( _n( '%s person online on the network', '%s people online on the network', $state['people'], 'presence' ), number_format_i18n( $state['people'] ) );
	$summary = '' === $state['online_url'] ? esc_html( $summary ) : sprintf( '<a href="%1$s">%2$s</a>', esc_url( $state['online_url'] ), esc_html( $summary ) );

	$sites = '';
	foreach ( $state['sites'] as $site ) {
		$sites .= wpp_network_dashboard_site_html( $site );
	}

	$more = '';
	if ( $state['more'] > 0 ) {
		/* translators: %s: number of other sites with people online. */
		$text = sprintf( _n( '%s more site with people online', '%s more sites with people online', $state['more'], 'presence' ), number_format_i18n( $state['more'] ) );
		$more = '<p class="wpp-network__more">' . ( '' === $state['sites_url'] ? esc_html( $text ) : sprintf( '<a href="%1$s">%2$s</a>', esc_url( $state['sites_url'] ), esc_html( $text ) ) ) . '</p>';
	}

	return sprintf(
		'<p class="wpp-network__summary">%1$s</p><ul class="wpp-network__sites" aria-label="%2$s">%3$s</ul>%4$s',
		$summary,
		esc_attr__( 'Sites with people online', 'presence' ),
		$sites,
		$more
	);
}

/**
 * One site of the widget: its name (a link), how many people, and the people shown.
 *
 * @since 0.2.0
 *
 * @param array $site One of wpp_network_dashboard_state()'s sites.
 * @return string HTML.
 */
function wpp_network_dashboard_site_html( array $site ): string {
	$people = '';
	foreach ( $site['users'] as $user ) {
		$face    = wpp_render_avatar( $user, 24 ) . '<span class="wpp-network__name">' . esc_html( $user['display_name'] ) . '</span>';
		$people .= '' === $user['url']
			? '<li class="wpp-network__person">' . $face . '</li>'
			: sprintf( '<li class="wpp-network__person"><a href="%1$s">%2$s</a></li>', esc_url( $user['url'] ), $face );
	}
	$others = $site['user_count'] - count( $site['users'] );
	if ( $others > 0 ) {
		/* translators: %s: number of other people online on the site. */
		$people .= '<li class="wpp-network__person wpp-network__person--more">' . esc_html( sprintf( _n( '+%s other', '+%s others', $others, 'presence' ), number_format_i18n( $others ) ) ) . '</li>';
	}
	return sprintf(
		'<li class="wpp-network__site" data-blog-id="%1$d"><span class="wpp-network__site-head"><a class="wpp-network__site-name" href="%2$s">%3$s</a> <span class="wpp-network__count">%4$s</span></span><ul class="wpp-network__people">%5$s</ul></li>',
		(int) $site['blog_id'],
		esc_url( $site['url'] ),
		esc_html( $site['name'] ),
		/* translators: %s: number of people online on a site. */
		esc_html( sprintf( _n( '%s person', '%s people', $site['user_count'], 'presence' ), number_format_i18n( $site['user_count'] ) ) ),
		$people
	);
}

/**
 * Answers the heartbeat's `network-widget` fragment, when the page asks for it and the user may
 * see presence across the network. Hooked to `heartbeat_received`.
 *
 * @since 0.2.0
 *
 * @param array $response Heartbeat response.
 * @param array $data     What the browser sent.
 * @return array
 */
function wpp_network_dashboard_fragment( $response, $data ) {
	if ( ! is_array( $response ) || ! is_array( $data ) || empty( $data['presence-fragments']['network-widget'] )
		|| ! wpp_network_view_screens_enabled() || ! wpp_network_view_can_see() ) {
		return $response;
	}
	$response['presence-fragments']['network-widget'] = wpp_network_dashboard_list_html( wpp_network_dashboard_state( true ) );
	return $response;
}
