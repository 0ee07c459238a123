<?php
/**
 * The admin bar's "N online" node: how many other people are online, and a menu that splits them
 * into "On this screen" and "Elsewhere", each with where they are, plus "View online users".
 * In wp-admin and on the front end, for users who see the admin bar and can `edit_posts`.
 *
 * Rendered here only: by the admin bar for the first paint, from the page's online state, and as
 * the fragment `admin-bar` (the node's `<li>`, WPP_Admin_Bar_Fragment) of every heartbeat answer
 * that brings a new `presence-online` (ui/fragments.php). Agents carry an "Agent" badge.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Id of the admin bar node; its groups are `{id}-here` and `{id}-elsewhere`.
 *
 * @since 0.2.0
 */
const WPP_ADMIN_BAR_NODE = 'wpp-online';

/**
 * Where the current page is, as the online entries say it: screen id and post id.
 *
 * @since 0.2.0
 *
 * @return array{screen:string,post_id:int}
 */
function wpp_admin_bar_current_place(): array {
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	if ( is_admin() && $screen instanceof WP_Screen ) {
		return array(
			'screen'  => wpp_ping_clean_key( $screen->id ),
			'post_id' => wpp_editor_post_id( $screen ),
		);
	}
	return array(
		'screen'  => 'front',
		'post_id' => 0,
	);
}

/**
 * Splits the other people online into those on the viewer's page and everyone else.
 *
 * @since 0.2.0
 *
 * @param array   $online Payload (wpp_payload_online()).
 * @param WP_User $viewer The person who reads it.
 * @param array   $place  The viewer's page (wpp_admin_bar_current_place()).
 * @return array{here:array[],elsewhere:array[],others:int}
 */
function wpp_admin_bar_groups( array $online, WP_User $viewer, array $place ): array {
	$groups = array(
		'here'      => array(),
		'elsewhere' => array(),
	);
	$listed = false;
	foreach ( $online['users'] ?? array() as $user ) {
		if ( (int) $user['user_id'] === $viewer->ID ) {
			$listed = true;
			continue;
		}
		$here = $user['screen'] === $place['screen'] && (int) $user['post_id'] === (int) $place['post_id'];
		$groups[ $here ? 'here' : 'elsewhere' ][] = $user;
	}
	$groups['others'] = max( 0, (int) ( $online['total'] ?? 0 ) - ( $listed ? 1 : 0 ) );
	return $groups;
}

/**
 * "3 online": the other people online, the viewer not counted.
 *
 * @since 0.2.0
 *
 * @param int $others Other people online.
 * @return string Text.
 */
function wpp_admin_bar_count( int $others ): string {
	/* translators: %d: number of other people online. */
	return sprintf( _n( '%d online', '%d online', $others, 'presence' ), $others );
}

/**
 * Adds the node. Hooked to `admin_bar_menu`.
 *
 * @since 0.2.0
 *
 * @param WP_Admin_Bar $bar The admin bar.
 */
function wpp_admin_bar_menu( $bar ): void {
	if ( ! $bar instanceof WP_Admin_Bar || ! is_user_logged_in() || ! current_user_can( 'edit_posts' ) ) {
		return;
	}
	wpp_admin_bar_add_nodes( $bar, wpp_page_view_online_state(), wp_get_current_user(), wpp_admin_bar_current_place() );
}

/**
 * The node's `<li>` for a `presence-online` payload, as the admin bar prints it: the fragment
 * the browser swaps into the node it has.
 *
 * @since 0.3.0
 *
 * @param array   $online Payload (wpp_payload_online()).
 * @param WP_User $viewer The person who reads it.
 * @param array   $place  The viewer's page (screen, post_id).
 * @return string HTML.
 */
function wpp_admin_bar_html( array $online, WP_User $viewer, array $place ): string {
	if ( ! class_exists( 'WP_Admin_Bar', false ) ) {
		require_once ABSPATH . WPINC . '/class-wp-admin-bar.php';
	}
	require_once __DIR__ . '/class-wpp-admin-bar-fragment.php';
	$bar = new WPP_Admin_Bar_Fragment();
	$bar->add_group(
		array(
			'id'   => 'top-secondary',
			'meta' => array( 'class' => 'ab-top-secondary' ),
		)
	);
	wpp_admin_bar_add_nodes( $bar, $online, $viewer, $place );
	return $bar->item_html( WPP_ADMIN_BAR_NODE );
}

/**
 * Adds the node and its menus to an admin bar.
 *
 * @since 0.3.0
 *
 * @param WP_Admin_Bar $bar    The admin bar.
 * @param array        $online Payload (wpp_payload_online()).
 * @param WP_User      $viewer The person who reads it.
 * @param array        $place  The viewer's page (wpp_admin_bar_current_place()).
 */
function wpp_admin_bar_add_nodes( WP_Admin_Bar $bar, array $online, WP_User $viewer, array $place ): void {
	$groups = wpp_admin_bar_groups( $online, $viewer, $place );
	$count  = wpp_admin_bar_count( $groups['others'] );

	$bar->add_node(
		array(
			'id'     => WPP_ADMIN_BAR_NODE,
			'parent' => 'top-secondary',
			'title'  => sprintf( '<span class="ab-icon" aria-hidden="true"></span><span class="ab-label wpp-ab-count" data-wpp-version="%1$d">%2$s</span>', (int) ( $online['version'] ?? 0 ), esc_html( $count ) ),
			'href'   => wpp_users_list_online_url(),
			'meta'   => array(
				'class' => 'wpp-ab' . ( $groups['others'] > 0 ? ' wpp-ab--others' : '' ),
				'title' => __( 'Who else is online', 'presence' ),
			),
		)
	);

	$headings = array(
		'here'      => __( 'On this screen', 'presence' ),
		'elsewhere' => __( 'Elsewhere', 'presence' ),
	);
	foreach ( $headings as $group => $heading ) {
		$id = WPP_ADMIN_BAR_NODE . '-' . $group;
		$bar->add_group(
			array(
				'id'     => $id,
				'parent' => WPP_ADMIN_BAR_NODE,
				'meta'   => array( 'class' => 'ab-sub-secondary wpp-ab-group' . ( $groups[ $group ] ? '' : ' wpp-ab-group--empty' ) ),
			)
		);
		$bar->add_node(
			array(
				'id'     => $id . '-heading',
				'parent' => $id,
				'title'  => esc_html( $heading ),
				'meta'   => array( 'class' => 'wpp-ab-heading' ),
			)
		);
		foreach ( $groups[ $group ] as $user ) {
			$bar->add_node(
				array(
					'id'     => $id . '-user-' . (int) $user['user_id'],
					'parent' => $id,
					'title'  => wpp_admin_bar_user_html( $user ),
					'href'   => '' !== $user['url'] ? $user['url'] : false,
					'meta'   => array( 'class' => 'wpp-ab-user wpp-ab-user--' . ( 'idle' === $user['status'] ? 'idle' : 'active' ) ),
				)
			);
		}
	}
	if ( 0 === $groups['others'] ) {
		$bar->add_node(
			array(
				'id'     => WPP_ADMIN_BAR_NODE . '-nobody',
				'parent' => WPP_ADMIN_BAR_NODE,
				'title'  => esc_html__( 'Nobody else is online.', 'presence' ),
				'meta'   => array( 'class' => 'wpp-ab-nobody' ),
			)
		);
	}
	$bar->add_node(
		array(
			'id'     => WPP_ADMIN_BAR_NODE . '-all',
			'parent' => WPP_ADMIN_BAR_NODE,
			'title'  => esc_html__( 'View online users', 'presence' ),
			'href'   => wpp_users_list_online_url(),
		)
	);
}

/**
 * One person in the menu: avatar, name (with an "Agent" badge for an agent), where they are,
 * status (all escaped).
 *
 * @since 0.2.0
 * @since 0.3.0 The agent badge, and the person's id and name for the browser's announcements.
 *
 * @param array $user Online user item.
 * @return string HTML.
 */
function wpp_admin_bar_user_html( array $user ): string {
	return sprintf(
		'%1$s<span class="wpp-ab-user__text"%5$s><span class="wpp-ab-user__name">%2$s%6$s</span><span class="wpp-ab-user__where">%3$s</span></span><span class="screen-reader-text">%4$s</span>',
		wpp_render_avatar( $user, 20 ),
		esc_html( (string) $user['display_name'] ),
		esc_html( (string) $user['label'] ),
		esc_html( ' (' . wpp_render_status_label( (string) $user['status'] ) . ')' ),
		wpp_render_person_attributes( $user ),
		wpp_render_agent_badge( $user )
	);
}
