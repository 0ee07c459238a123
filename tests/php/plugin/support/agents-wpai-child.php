<?php
/**
 * Child process of AgentsTest: WordPress with Presence and a wpai_is_agent_user() as the AI plugin
 * declares it (user 1001 is an agent, 1002 is not). Prints who Presence takes for an agent.
 *
 * @package Presence
 */

// phpcs:disable

function wpai_is_agent_user( $user_id ) {
	return 1001 === (int) $user_id;
}

require __DIR__ . '/load-wordpress-with-plugin.php';

add_filter( 'wp_presence_is_agent_user', '__return_true', 5 ); // Replaced by the AI plugin's answer at 10.
$agent  = wpp_client_ids_is_agent_user( 1001 );
$person = wpp_client_ids_is_agent_user( 1002 );
add_filter( 'wp_presence_is_agent_user', static fn( $is, $user_id ) => 1002 === $user_id ? true : $is, 20, 2 );

echo wp_json_encode(
	array(
		'agent'          => $agent,
		'person'         => $person,
		'filtered_after' => wpp_client_ids_is_agent_user( 1002 ),
	)
) . "\n";
