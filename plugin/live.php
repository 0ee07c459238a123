<?php
/**
 * The live lane's entry point: answers "which of the rooms this page follows changed" without
 * loading WordPress. php-fpm serves it like any PHP file; it reads two request headers and makes
 * one call into the presence extension, which checks the token and reads the rooms' versions.
 *
 *   GET …/wp-content/plugins/presence/live.php
 *   X-WPP-Live-Token:  a token the plugin issued to this page (plugin/includes/live/lane.php)
 *   X-WPP-Live-Cookie: the name of WordPress's logged-in cookie, whose session the token is bound to
 *   X-WPP-Live-Roster: (optional) the version of `admin/online` the page holds (decimal, low 53
 *                      bits): when it moved, the answer carries its roster (`r`, see
 *                      presence_live_poll()) for a token with the roster claim
 *
 *   200 {"v":[…],"t":<ms>}      the rooms' versions (unsigned 64-bit), in the token's order
 *   200 {"v":[…],"t":<ms>,"r":{"v":…,"n":…,"u":[[id,card],…]}}  the same with the roster
 *   400 / 403 {"code":"…"}      no token, a token too large, a malformed roster header, or a
 *                               token refused (forged, altered, expired, revoked, another
 *                               session's; a roster asked without the claim:
 *                               `roster_not_allowed`); nothing was written
 *   405                         not a GET
 *   503 {"code":"…"}            the extension is not loaded here, or its store failed
 *
 * Every answer carries `X-Presence-Live: 1`, so the client (and Site Health) can tell this file's
 * answers from a host that refuses PHP files in wp-content. No include, no function, no
 * autoloading: a poll costs php-fpm about what an empty PHP file costs.
 *
 * @package Presence
 * @since   0.3.0
 */

header( 'Content-Type: application/json' );
header( 'Cache-Control: no-store' );
header( 'X-Content-Type-Options: nosniff' );
header( 'X-Presence-Live: 1' );

if ( 'GET' !== ( $_SERVER['REQUEST_METHOD'] ?? '' ) ) {
	http_response_code( 405 );
	header( 'Allow: GET' );
	echo '{"code":"method_not_allowed"}';
	return;
}

$wpp_live_token = $_SERVER['HTTP_X_WPP_LIVE_TOKEN'] ?? '';
if ( ! is_string( $wpp_live_token ) || '' === $wpp_live_token ) {
	http_response_code( 400 );
	echo '{"code":"token_missing"}';
	return;
}
// The extension refuses these too; refusing here spares the call.
if ( strlen( $wpp_live_token ) > 4096 ) {
	http_response_code( 400 );
	echo '{"code":"token_too_large"}';
	return;
}
$wpp_live_roster = $_SERVER['HTTP_X_WPP_LIVE_ROSTER'] ?? null;
if ( null !== $wpp_live_roster ) {
	// Up to 2^53-1: the version as the page holds it.
	if ( ! is_string( $wpp_live_roster ) || ! preg_match( '/^[0-9]{1,16}$/D', $wpp_live_roster ) || (int) $wpp_live_roster > 9007199254740991 ) {
		http_response_code( 400 );
		echo '{"code":"roster_malformed"}';
		return;
	}
	$wpp_live_roster = (int) $wpp_live_roster;
}
if ( ! extension_loaded( 'presence' ) ) {
	http_response_code( 503 );
	echo '{"code":"lane_unavailable"}';
	return;
}

// The session token is the third field of WordPress's logged-in cookie (login|expiration|token|hmac).
// Whoever sends another cookie, or none, sends another session: the extension refuses the token.
$wpp_live_session = '';
$wpp_live_cookie  = $_SERVER['HTTP_X_WPP_LIVE_COOKIE'] ?? '';
if ( is_string( $wpp_live_cookie ) && strlen( $wpp_live_cookie ) <= 128 && isset( $_COOKIE[ $wpp_live_cookie ] ) && is_string( $_COOKIE[ $wpp_live_cookie ] ) ) {
	$wpp_live_fields = explode( '|', $_COOKIE[ $wpp_live_cookie ] );
	if ( 4 === count( $wpp_live_fields ) ) {
		$wpp_live_session = $wpp_live_fields[2];
	}
}

try {
	// A failing store raises an E_WARNING and returns false: answered as 503, never printed.
	$wpp_live_answer = @presence_live_poll( $wpp_live_token, $wpp_live_session, '', $wpp_live_roster ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged
} catch ( Throwable $wpp_live_error ) {
	$wpp_live_answer = false;
}
if ( ! is_array( $wpp_live_answer ) || ! isset( $wpp_live_answer[0], $wpp_live_answer[1] ) ) {
	http_response_code( 503 );
	echo '{"code":"store_unavailable"}';
	return;
}
http_response_code( (int) $wpp_live_answer[0] );
echo $wpp_live_answer[1]; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- JSON the extension wrote.
