<?php
/**
 * The dashboard's "Who's online" widget: avatar, name, what they are doing, active or idle.
 *
 * PHP prints only the empty frame; presence-online.js fills it from the page's initial state
 * and then from every heartbeat answer, so there is one way of rendering, which escapes
 * everything (DOM text nodes, no HTML strings).
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Adds the widget for users who can `edit_posts`. Hooked to `wp_dashboard_setup`.
 *
 * @since 0.1.0
 */
function wpp_surfaces_add_dashboard_widget(): void {
	if ( ! current_user_can( 'edit_posts' ) ) {
		return;
	}
	// First in the main column: who else is here is what a dashboard is opened for.
	wp_add_dashboard_widget( 'wpp_whos_online', __( 'Who’s online', 'presence' ), 'wpp_surfaces_render_dashboard_widget', null, null, 'normal', 'high' );
}

/**
 * Prints the widget's frame.
 *
 * @since 0.1.0
 */
function wpp_surfaces_render_dashboard_widget(): void {
	?>
	<div class="wpp-online" data-wpp-online>
		<p class="wpp-online__summary"></p>
		<ul class="wpp-online__list"></ul>
		<p class="wpp-online__more" hidden></p>
		<noscript><p><?php esc_html_e( 'Who’s online needs JavaScript.', 'presence' ); ?></p></noscript>
	</div>
	<?php
}
