<?php
/**
 * An admin bar that prints one of its nodes alone: the admin bar surface's fragment, built by
 * WordPress's own rendering of a node so it is the markup the page's admin bar has.
 *
 * Loaded only when a fragment is built (surfaces/admin-bar.php), after WP_Admin_Bar itself, which
 * WordPress loads only for pages that show the bar.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * WP_Admin_Bar with a way to print one node's `<li>`.
 *
 * @since 0.3.0
 */
final class WPP_Admin_Bar_Fragment extends WP_Admin_Bar {

	/**
	 * The `<li>` of a node and everything under it.
	 *
	 * @since 0.3.0
	 *
	 * @param string $id Node id.
	 * @return string HTML, '' when there is no such node.
	 */
	public function item_html( string $id ): string {
		// The node object gains its children while the tree is bound; after that it cannot be asked for.
		$node = $this->_get_node( $id );
		if ( ! $node ) {
			return '';
		}
		$this->_bind();
		ob_start();
		$this->_render_item( $node );
		return (string) ob_get_clean();
	}
}
