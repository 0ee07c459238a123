<?php
/**
 * Child process of WpFunctionsFeaturePluginTest: with the AI plugin's wpai_is_agent_user() loaded
 * (users 7 and 8 are agents), prints wp_presence_is_agent_user() for users 7, 9 and for 8 with an
 * earlier filter saying no, as JSON.
 *
 * @package Presence
 */

// phpcs:disable
function wpai_is_agent_user( $user_id ) {
	return in_array( (int) $user_id, array( 7, 8 ), true );
}
require __DIR__ . '/load-wordpress-with-plugin.php';
$out = array( 7 => wp_presence_is_agent_user( 7 ), 9 => wp_presence_is_agent_user( 9 ) );
add_filter( 'wp_presence_is_agent_user', '__return_false', 5 );
$out[8] = wp_presence_is_agent_user( 8 );
add_filter( 'wp_presence_is_agent_user', '__return_false', 20 );
$out['later'] = wp_presence_is_agent_user( 8 );
echo wp_json_encode( $out );
