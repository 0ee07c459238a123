<?php
/**
 * Child process of PingTest, run on a PHP without the mbstring extension (WordPress does not
 * require it): builds a label the way a heartbeat answer does (a post title with entities and
 * multibyte characters), and prints whether mbstring was loaded and the label, as JSON.
 *
 * @package Presence
 */

// phpcs:disable
require __DIR__ . '/load-wordpress-with-plugin.php';

$post = new WP_Post( (object) array( 'ID' => 0, 'post_title' => 'Déjà &amp; vu ' . str_repeat( '€', 3 ), 'post_status' => 'draft' ) );
echo json_encode( array( extension_loaded( 'mbstring' ), wpp_screens_post_title( $post ) ) );
