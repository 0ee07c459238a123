<?php
/**
 * The live lane's entry point (plugin/live.php) over HTTP, through the site's nginx and php-fpm:
 * what it answers a page's token, and every kind of bad request — no token, a method it does not
 * serve, a token too large, malformed, forged, altered, issued to another session, revoked or
 * expired — a 4xx that writes nothing and tells nothing but why.
 *
 * Tokens are issued in this process by the plugin, into the store php-fpm uses: that is the case
 * in the native run on shared memory (the test process loads the site's php ini); the other runs
 * check what needs no token of the site.
 *
 * @package Presence
 */

/**
 * @coversNothing
 */
final class LiveTest extends WPP_TestCase {

	private function url(): string {
		return plugins_url( 'live.php', WPP_FILE );
	}

	/**
	 * A request to the entry point: [status, headers, body].
	 *
	 * @param array  $headers Request headers.
	 * @param string $method  HTTP method.
	 */
	private function request( array $headers, string $method = 'GET' ): array {
		$response = wp_remote_request(
			$this->url(),
			array(
				'method'  => $method,
				'headers' => $headers,
				'timeout' => 20,
			)
		);
		$this->assertFalse( is_wp_error( $response ), is_wp_error( $response ) ? $response->get_error_message() : '' );
		return array( (int) wp_remote_retrieve_response_code( $response ), wp_remote_retrieve_headers( $response ), (string) wp_remote_retrieve_body( $response ) );
	}

	/**
	 * A poll as the page makes it, with a logged-in cookie carrying $session.
	 */
	private function poll( string $token, string $session, ?string $roster = null ): array {
		$cookie = 'editor|' . ( time() + 3600 ) . '|' . $session . '|0123456789abcdef';
		return $this->request(
			array(
				'X-WPP-Live-Token'  => $token,
				'X-WPP-Live-Cookie' => LOGGED_IN_COOKIE,
				'Cookie'            => LOGGED_IN_COOKIE . '=' . rawurlencode( $cookie ),
			) + ( null === $roster ? array() : array( 'X-WPP-Live-Roster' => $roster ) )
		);
	}

	private function assert_refused( int $status, string $code, array $answer, string $what ): void {
		list( $got, $headers, $body ) = $answer;
		$this->assertSame( $status, $got, $what );
		$this->assertSame( array( 'code' => $code ), json_decode( $body, true ), $what );
		$this->assertSame( '1', $headers['x-presence-live'], "$what: the entry point's own answer" );
		$this->assertSame( 'no-store', $headers['cache-control'], $what );
	}

	/**
	 * Whether this process and the site's php-fpm share a store (so tokens issued here are good there).
	 */
	private static function shares_the_sites_store(): bool {
		return 'native' === WPP_TEST_BACKEND && 'shm' === getenv( 'PRESENCE_TEST_STORE' );
	}

	public function test_requests_without_a_good_token_are_refused_before_any_work(): void {
		$this->assert_refused( 400, 'token_missing', $this->request( array() ), 'no token' );
		$this->assert_refused( 405, 'method_not_allowed', $this->request( array( 'X-WPP-Live-Token' => 'x' ), 'POST' ), 'a POST' );
		$this->assert_refused( 400, 'token_too_large', $this->request( array( 'X-WPP-Live-Token' => str_repeat( 'a', 5000 ) ) ), 'a token over 4 KiB' );
		$this->assert_refused( 403, 'token_malformed', $this->request( array( 'X-WPP-Live-Token' => 'not a token' ) ), 'garbage' );
		foreach ( array( '-1', '1.5', 'abc', '12345678901234567', '9007199254740992' ) as $bad ) {
			$this->assert_refused( 400, 'roster_malformed', $this->request( array( 'X-WPP-Live-Token' => 'x', 'X-WPP-Live-Roster' => $bad ) ), "roster header '$bad'" );
		}
		$forged = rtrim( strtr( base64_encode( "\x01" . str_repeat( "\x00", 60 ) ), '+/', '-_' ), '=' ) . '.' . str_repeat( 'A', 43 );
		$this->assert_refused( 403, 'token_invalid', $this->request( array( 'X-WPP-Live-Token' => $forged ) ), 'a token this store did not sign' );

		list( $status ) = $this->request( array( 'X-WPP-Live-Token' => str_repeat( 'a', 40000 ) ) );
		$this->assertGreaterThanOrEqual( 400, $status, 'a request too large for the server: refused before PHP' );
		$this->assertLessThan( 500, $status );
	}

	public function test_a_pages_token_answers_its_rooms_versions_and_bad_ones_write_nothing(): void {
		if ( ! self::shares_the_sites_store() ) {
			$this->markTestSkipped( 'Tokens issued here are good for the site only when both use its shared-memory store (PRESENCE_TEST_BACKEND=native on shm).' );
		}
		$editor  = self::user( 'editor' );
		$backend = wpp_backend();
		$rooms   = array( 'admin/online', 'postType/post:' . self::post( array( 'post_status' => 'draft' ) )->ID );
		wpp_entries_set( $rooms[1], 'user-' . $editor->ID, array( 'screen' => 'post' ), $editor->ID );
		$token = $backend->live_token( $rooms, $editor->ID, 600, 'session-one' );
		$this->assertIsString( $token );

		list( $status, $headers, $body ) = $this->poll( $token, 'session-one' );
		$this->assertSame( 200, $status );
		$this->assertSame( 'application/json', $headers['content-type'] );
		$this->assertMatchesRegularExpression( '/^\{"v":\[[0-9]+,[0-9]+\],"t":[0-9]+\}$/', $body );
		preg_match( '/"v":\[([0-9]+),([0-9]+)\]/', $body, $v );
		$this->assertSame( array_values( wpp_lane_versions( $rooms ) ), array( $v[1], $v[2] ), 'as text: 64-bit versions' );

		$entries = $backend->get_room( $rooms[1], 150 );
		$tampered = $token;
		$tampered[10] = 'A' === $tampered[10] ? 'B' : 'A';
		$this->assert_refused( 403, 'token_invalid', $this->poll( $tampered, 'session-one' ), 'one character changed' );
		$this->assert_refused( 403, 'token_session', $this->poll( $token, 'session-two' ), 'another session (another browser, another user)' );
		$this->assert_refused( 403, 'token_session', $this->request( array( 'X-WPP-Live-Token' => $token, 'X-WPP-Live-Cookie' => LOGGED_IN_COOKIE ) ), 'no cookie' );

		$backend->live_revoke( $editor->ID );
		$this->assert_refused( 403, 'token_revoked', $this->poll( $token, 'session-one' ), 'revoked (a session ended)' );

		usleep( 2000 );
		$short = $backend->live_token( $rooms, $editor->ID, 1, 'session-one' );
		$this->assertSame( 200, $this->poll( $short, 'session-one' )[0] );
		usleep( 1100000 ); // The store's clock is its own: a token of one second, a second later.
		$this->assert_refused( 403, 'token_expired', $this->poll( $short, 'session-one' ), 'expired' );

		// The roster: asked with a token without the claim, refused; with it, answered (the room
		// moved past the version 0 the request holds).
		wpp_entries_set( 'admin/online', 'user-' . $editor->ID, array( 'screen' => 'dashboard' ), $editor->ID );
		$this->assert_refused( 403, 'roster_not_allowed', $this->poll( $backend->live_token( $rooms, $editor->ID, 600, 'session-one' ), 'session-one', '0' ), 'no roster claim' );
		list( $status, , $body ) = $this->poll( $backend->live_token( $rooms, $editor->ID, 600, 'session-one', 20 ), 'session-one', '0' );
		$this->assertSame( 200, $status );
		$this->assertMatchesRegularExpression( '/^\{"v":\[[0-9]+,[0-9]+\],"t":[0-9]+,"r":\{"v":[0-9]+,"n":[0-9]+,"u":\[.*\]\}\}$/', $body );

		$this->assertEquals( $entries, $backend->get_room( $rooms[1], 150 ), 'refused polls wrote nothing' );
		$this->assertSame( $v[2], wpp_lane_versions( $rooms )[ $rooms[1] ] );
	}
}
