<?php
/**
 * REST `wp-presence/v1/presence/network` and `/presence/network/<blog_id>`
 * (plugin/includes/rest/class-wpp-rest-network-controller.php), through
 * rest_get_server()->dispatch(), on the backend of this run: pagination and its headers, 401 and
 * 403, 404 for an unknown site, no-store, and the privacy rule on the one-site route.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-network-testcase.php';

/**
 * @covers WPP_REST_Network_Controller
 * @group multisite
 */
final class RestNetworkControllerTest extends WPP_Network_TestCase {

	/**
	 * GET a network route as $viewer (null: logged out), the view read afresh.
	 */
	private function get( ?WP_User $viewer, string $path, array $query = array() ): WP_REST_Response {
		$this->view_as( $viewer );
		$request = new WP_REST_Request( 'GET', '/wp-presence/v1/presence/network' . $path );
		$request->set_query_params( $query );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Four people on the third site, two on the second, one on the main site.
	 *
	 * @return WP_User[]
	 */
	private function crowd(): array {
		list( $main, $second, $third ) = $this->blogs;
		$people                        = array();
		foreach ( array( 'Dee', 'Ann', 'Cid', 'Bob' ) as $name ) {
			$people[ $name ] = $this->member( $name, array( $third ) );
			$this->online( $people[ $name ], $third );
		}
		foreach ( array( 'Eve', 'Fay' ) as $name ) {
			$people[ $name ] = $this->member( $name, array( $second ) );
			$this->online( $people[ $name ], $second );
		}
		$people['Gus'] = $this->member( 'Gus', array( $main ) );
		$this->online( $people['Gus'], $main );
		return $people;
	}

	public function test_sites_busiest_first_paged_with_the_headers(): void {
		$people                        = $this->crowd();
		list( $main, $second, $third ) = $this->blogs;
		$admin                         = $this->super_admin();

		$response = $this->get( $admin, '', array( 'per_page' => 2 ) );
		$this->assertSame( 200, $response->get_status() );
		$headers = $response->get_headers();
		$this->assertSame( '3', $headers['X-WP-Total'] );
		$this->assertSame( '2', $headers['X-WP-TotalPages'] );
		$this->assertSame( '7', $headers['X-WP-Presence-Users-Online'] );
		$this->assertSame( '1', $headers['X-WP-Presence-Aggregating'] );
		$this->assertSame( 'no-store', $headers['Cache-Control'] );
		$items = $response->get_data();
		$this->assertSame( array( $third, $second ), array_column( $items, 'blog_id' ) );
		$site = get_site( $third );
		$this->assertSame(
			array(
				'blog_id'    => $third,
				'domain'     => $site->domain,
				'path'       => $site->path,
				'url'        => set_url_scheme( 'http://' . $site->domain . $site->path ),
				'user_count' => 4,
			),
			array_diff_key( $items[0], array( 'users' => true ) )
		);
		$this->assertSame( array( 'Ann', 'Bob', 'Cid', 'Dee' ), array_column( $items[0]['users'], 'display_name' ), 'by name' );
		$this->assertSame( $people['Ann']->ID, $items[0]['users'][0]['user_id'] );
		$this->assertSame( array( 'user_id', 'display_name', 'avatar_url' ), array_keys( $items[0]['users'][0] ) );

		$page2 = $this->get( $admin, '', array( 'per_page' => 2, 'page' => 2 ) );
		$this->assertSame( array( $main ), array_column( $page2->get_data(), 'blog_id' ) );
		$this->assertSame( array(), $this->get( $admin, '', array( 'per_page' => 2, 'page' => 3 ) )->get_data() );
	}

	public function test_users_per_site_names_the_lowest_ids_and_counts_everyone(): void {
		$people   = $this->crowd();
		$items    = $this->get( $this->super_admin(), '', array( 'users_per_site' => 2 ) )->get_data();
		$expected = array_map( static fn( $name ) => $people[ $name ]->ID, array( 'Dee', 'Ann' ) ); // Made first.
		$named    = array_column( $items[0]['users'], 'user_id' );
		sort( $named );
		$this->assertSame( $expected, $named );
		$this->assertSame( 4, $items[0]['user_count'] );
	}

	public function test_arguments_are_checked(): void {
		$admin = $this->super_admin();
		foreach ( array( array( 'per_page' => 101 ), array( 'per_page' => 0 ), array( 'page' => 0 ), array( 'users_per_site' => 101 ), array( 'users_per_site' => -1 ) ) as $query ) {
			$response = $this->get( $admin, '', $query );
			$this->assertSame( 400, $response->get_status(), wp_json_encode( $query ) );
			$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
		}
		$route = rest_get_server()->get_routes( 'wp-presence/v1' )['/wp-presence/v1/presence/network'][0]['args'];
		$this->assertSame( 50, $route['per_page']['default'] );
		$this->assertSame( 100, $route['per_page']['maximum'] );
	}

	public function test_logged_out_401_without_the_capability_403(): void {
		$this->crowd();
		foreach ( array( '', '/' . $this->blogs[1] ) as $path ) {
			$response = $this->get( null, $path );
			$this->assertSame( 401, $response->get_status() );
			$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
			$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );

			$site_admin = $this->member( 'Site Admin', array( $this->blogs[1] ), 'administrator' );
			$response   = $this->get( $site_admin, $path );
			$this->assertSame( 403, $response->get_status(), 'a site admin without manage_network' );
			$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
		}
	}

	public function test_one_site_with_where_each_person_is_as_the_viewer_may_see_it(): void {
		list( , $second ) = $this->blogs;
		$author           = $this->member( 'Drafting Author', array( $second ), 'author' );
		$draft            = $this->post_on(
			$second,
			array(
				'post_title'  => 'Secret merger plan',
				'post_status' => 'draft',
				'post_author' => $author->ID,
			)
		);
		$this->online( $author, $second, $draft->ID );

		$response = $this->get( $this->super_admin(), '/' . $second );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( '1', $response->get_headers()['X-WP-Presence-Aggregating'] );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
		$item = $response->get_data();
		$this->assertSame( $second, $item['blog_id'] );
		$this->assertSame( 1, $item['user_count'] );
		$this->assertSame( 'Editing “Secret merger plan”', $item['users'][0]['where']['label'] );

		// Given the network view by the capability filter (checked on the main site, where REST
		// runs), another author of that site may not edit the draft: its title stays hidden.
		add_filter( 'wp_presence_network_capability', static fn() => 'edit_posts' );
		$other = $this->member( 'Other Author', array( $this->blogs[0], $second ), 'author' );
		$item  = $this->get( $other, '/' . $second )->get_data();
		$this->assertSame( 'Editing a post', $item['users'][0]['where']['label'] );
		$this->assertSame( '', $item['users'][0]['where']['url'] );
		$this->assertStringNotContainsString( 'Secret merger plan', wp_json_encode( $item ) );

		// The list never says where.
		$this->assertStringNotContainsString( 'Secret merger plan', wp_json_encode( $this->get( $this->super_admin( 'Second Super' ), '' )->get_data() ) );
	}

	public function test_an_empty_site_and_an_unknown_one(): void {
		$admin = $this->super_admin();
		$item  = $this->get( $admin, '/' . $this->blogs[2] )->get_data();
		$this->assertSame( 0, $item['user_count'] );
		$this->assertSame( array(), $item['users'] );

		$response = $this->get( $admin, '/999999' );
		$this->assertSame( 404, $response->get_status() );
		$this->assertSame( 'rest_site_invalid_id', $response->get_data()['code'] );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
	}

	public function test_not_gathered_answers_empty_with_its_header(): void {
		$this->crowd();
		add_filter( 'wp_presence_network_aggregation_enabled', '__return_false' );
		$response = $this->get( $this->super_admin(), '' );
		$this->assertSame( array(), $response->get_data() );
		$this->assertSame( '0', $response->get_headers()['X-WP-Total'] );
		$this->assertSame( '0', $response->get_headers()['X-WP-Presence-Aggregating'] );
	}
}
