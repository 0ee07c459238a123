<?php
/**
 * Network Admin's Sites list: an "Online" column with the faces of up to four people on each
 * site and how many are there, from the network view (no query: the people come from the store,
 * the sites are the list's own).
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Faces shown per site; the count says how many are there.
 *
 * @since 0.2.0
 */
const WPP_NETWORK_SITES_LIST_FACES = 4;

/**
 * Adds the Online column for those who may see presence across the network, while the network
 * view is gathered. Hooked to `wpmu_blogs_columns`.
 *
 * @since 0.2.0
 *
 * @param string[] $columns Columns.
 * @return string[]
 */
function wpp_network_sites_list_columns( $columns ) {
	if ( ! is_array( $columns ) || ! wpp_network_view_screens_enabled() || ! wpp_network_view_can_see() || ! wpp_network_view_aggregating() ) {
		return $columns;
	}
	$columns['wpp_online'] = __( 'Online', 'presence' );
	return $columns;
}

/**
 * What the Online cell of a site shows: `user_count` and the `users` whose faces are shown.
 *
 * @since 0.2.0
 *
 * @param int $blog_id Site.
 * @return array{user_count:int,users:array[]}
 */
function wpp_network_sites_list_cell( int $blog_id ): array {
	$users = wpp_network_view_read()['sites'][ $blog_id ] ?? array();
	return array(
		'user_count' => count( $users ),
		'users'      => wpp_network_view_named_users( $users, WPP_NETWORK_SITES_LIST_FACES ),
	);
}

/**
 * The Online cell's markup: the faces, then the count; a dash for a site with nobody online.
 *
 * @since 0.2.0
 *
 * @param array $cell wpp_network_sites_list_cell().
 * @return string HTML.
 */
function wpp_network_sites_list_cell_html( array $cell ): string {
	if ( $cell['user_count'] < 1 ) {
		return '<span aria-hidden="true">—</span><span class="screen-reader-text">' . esc_html__( 'Nobody online', 'presence' ) . '</span>';
	}
	$faces = '';
	foreach ( $cell['users'] as $user ) {
		$faces .= '<li class="wpp-avatars__item" title="' . esc_attr( $user['display_name'] ) . '">' . wpp_render_avatar( $user, 24, $user['display_name'] ) . '</li>';
	}
	return sprintf(
		'<span class="wpp-network-cell" data-wpp-network><ul class="wpp-avatars">%1$s</ul> <span class="wpp-network-cell__count">%2$s</span></span>',
		$faces,
		/* translators: %s: number of people online on a site. */
		esc_html( sprintf( _n( '%s person', '%s people', $cell['user_count'], 'presence' ), number_format_i18n( $cell['user_count'] ) ) )
	);
}

/**
 * Prints the Online cell. Hooked to `manage_sites_custom_column`.
 *
 * @since 0.2.0
 *
 * @param string     $column  Column name.
 * @param int|string $blog_id Site of the row.
 */
function wpp_network_sites_list_column( $column, $blog_id ): void {
	if ( 'wpp_online' === $column && wpp_network_view_can_see() ) {
		echo wpp_network_sites_list_cell_html( wpp_network_sites_list_cell( (int) $blog_id ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped piece by piece.
	}
}
