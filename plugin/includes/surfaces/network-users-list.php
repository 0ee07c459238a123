<?php
/**
 * Network Admin's Users list: an "Online (n)" view — a plain link,
 * `network/users.php?presence=online`, that lists everyone online anywhere on the network without
 * any JavaScript — and an "Online" column naming the sites each user is online on, busiest first.
 *
 * The feature plugin's link (`?presence_status=online&_wpnonce=…`) opens the same view; no nonce
 * is needed to read a list.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Whether the network Users list is showing its Online view.
 *
 * @since 0.2.0
 *
 * @return bool
 */
function wpp_network_users_list_is_online_view(): bool {
	// phpcs:disable WordPress.Security.NonceVerification.Recommended -- a view of a list, nothing changes.
	$ours   = isset( $_GET[ WPP_ONLINE_VIEW_ARG ] ) && 'online' === $_GET[ WPP_ONLINE_VIEW_ARG ];
	$theirs = isset( $_GET['presence_status'] ) && 'online' === $_GET['presence_status'];
	// phpcs:enable
	return is_network_admin() && ( $ours || $theirs );
}

/**
 * The Online view's address.
 *
 * @since 0.2.0
 *
 * @return string URL.
 */
function wpp_network_users_list_online_url(): string {
	return network_admin_url( 'users.php?' . WPP_ONLINE_VIEW_ARG . '=online' );
}

/**
 * Whether the current user gets the view, the filter and the column.
 *
 * @since 0.2.0
 *
 * @return bool
 */
function wpp_network_users_list_shown(): bool {
	return wpp_network_view_screens_enabled() && wpp_network_view_can_see() && wpp_network_view_aggregating();
}

/**
 * Adds "Online (n)" to the views of the network Users list, n counting each person once
 * however many sites they are on. Hooked to `views_users-network`.
 *
 * @since 0.2.0
 *
 * @param string[] $views View links (HTML).
 * @return string[]
 */
function wpp_network_users_list_views( $views ) {
	if ( ! is_array( $views ) || ! wpp_network_users_list_shown() ) {
		return $views;
	}
	$current = wpp_network_users_list_is_online_view();
	if ( $current ) {
		// The "All" view is not the current one while this one is.
		$views = array_map( static fn( $view ) => str_replace( array( ' class="current"', ' aria-current="page"' ), '', (string) $view ), $views );
	}
	$views['wpp_online'] = sprintf(
		'<a href="%1$s"%2$s>%3$s <span class="count">(%4$s)</span></a>',
		esc_url( wpp_network_users_list_online_url() ),
		$current ? ' class="current" aria-current="page"' : '',
		esc_html__( 'Online', 'presence' ),
		esc_html( number_format_i18n( wpp_network_view_read()['people'] ) )
	);
	return $views;
}

/**
 * Limits the network Users list to the people online in its Online view. Hooked to
 * `users_list_table_query_args` (the site's own Users list stands down in Network Admin).
 *
 * @since 0.2.0
 *
 * @param array $args WP_User_Query arguments.
 * @return array
 */
function wpp_network_users_list_query_args( $args ) {
	if ( ! is_array( $args ) || ! wpp_network_users_list_is_online_view() || ! wpp_network_view_screens_enabled() || ! wpp_network_view_can_see() ) {
		return $args;
	}
	$ids = wpp_network_view_aggregating() ? array_keys( wpp_network_view_read()['user_sites'] ) : array();
	// Nobody online (or nothing gathered, which the notice says): an empty list, not everyone.
	$args['include'] = $ids ? array_map( 'intval', $ids ) : array( 0 );
	return $args;
}

/**
 * Adds the Online column. Hooked to `wpmu_users_columns`.
 *
 * @since 0.2.0
 *
 * @param string[] $columns Columns.
 * @return string[]
 */
function wpp_network_users_list_columns( $columns ) {
	if ( ! is_array( $columns ) || ! wpp_network_users_list_shown() ) {
		return $columns;
	}
	$columns['wpp_online'] = __( 'Online', 'presence' );
	return $columns;
}

/**
 * The sites a user is online on, busiest first: `blog_id`, `label` (domain and path) and `url`
 * (where the viewer may go for it). The sites of everyone online are loaded in one query, once.
 *
 * @since 0.2.0
 *
 * @param int $user_id User.
 * @return array[]
 */
function wpp_network_users_list_sites( int $user_id ): array {
	static $primed = false;
	$view = wpp_network_view_read();
	if ( ! $primed ) {
		_prime_site_caches( array_keys( $view['sites'] ), false );
		$primed = true;
	}
	$out = array();
	foreach ( $view['user_sites'][ $user_id ] ?? array() as $blog_id ) {
		$site = get_site( $blog_id );
		if ( $site instanceof WP_Site ) {
			$out[] = array(
				'blog_id' => (int) $blog_id,
				'label'   => untrailingslashit( $site->domain . $site->path ),
				'url'     => wpp_network_view_site_link( $site ),
			);
		}
	}
	return $out;
}

/**
 * The Online cell: the sites as links, or a dash. Hooked to `manage_users_custom_column`.
 *
 * @since 0.2.0
 *
 * @param string $output  Cell HTML so far.
 * @param string $column  Column name.
 * @param int    $user_id User of the row.
 * @return string HTML.
 */
function wpp_network_users_list_column( $output, $column, $user_id ) {
	if ( 'wpp_online' !== $column || ! is_network_admin() || ! wpp_network_users_list_shown() ) {
		return $output;
	}
	$links = array();
	foreach ( wpp_network_users_list_sites( (int) $user_id ) as $site ) {
		$links[] = sprintf( '<a href="%1$s">%2$s</a>', esc_url( $site['url'] ), esc_html( $site['label'] ) );
	}
	if ( ! $links ) {
		return '<span aria-hidden="true">—</span><span class="screen-reader-text">' . esc_html__( 'Not online', 'presence' ) . '</span>';
	}
	return implode( wp_get_list_item_separator(), $links );
}
