<?php
/**
 * Markup shared by the surfaces that PHP renders (for the first paint and for browsers without
 * JavaScript): avatars as initials, status badges, "2 min ago". Every piece of text is escaped
 * here; names and titles come from other users and are never trusted as HTML. The scripts in
 * plugin/assets/js/ build the same markup with DOM text nodes when the heartbeat answers.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Number of avatar colours in presence.css (`.wpp-avatar--hue-0` …).
 *
 * @since 0.2.0
 */
const WPP_AVATAR_HUES = 8;

/**
 * A person's initials: the first character of the first and last words, upper-cased.
 *
 * @since 0.2.0
 *
 * @param string $name Display name (text).
 * @return string One or two characters; '?' for an empty name.
 */
function wpp_render_initials( string $name ): string {
	$words = preg_split( '/\s+/u', trim( $name ), -1, PREG_SPLIT_NO_EMPTY );
	if ( ! $words ) {
		return '?';
	}
	$first = static fn( string $word ): string => preg_match( '/^./us', $word, $m ) ? $m[0] : '';
	$text  = $first( $words[0] ) . ( count( $words ) > 1 ? $first( end( $words ) ) : '' );
	return function_exists( 'mb_strtoupper' ) ? mb_strtoupper( $text, 'UTF-8' ) : strtoupper( $text );
}

/**
 * A person's avatar as their initials on a colour of their own; the scripts swap in the avatar
 * image once it has loaded (data-avatar-url), so a slow avatar service never shows a broken image.
 *
 * @since 0.2.0
 *
 * @param array  $user Presence user item (user_id, display_name, avatar_url).
 * @param int    $size Pixels.
 * @param string $alt  Text for screen readers; '' when the name is printed next to it.
 * @return string HTML.
 */
function wpp_render_avatar( array $user, int $size, string $alt = '' ): string {
	$url = (string) ( $user['avatar_url'] ?? '' );
	return sprintf(
		'<span class="wpp-avatar wpp-avatar--initials wpp-avatar--%1$d wpp-avatar--hue-%2$d"%3$s%4$s>%5$s</span>',
		(int) $size,
		absint( $user['user_id'] ?? 0 ) % WPP_AVATAR_HUES,
		preg_match( '#^https?://#i', $url ) ? ' data-avatar-url="' . esc_url( $url ) . '"' : '',
		'' === $alt ? ' aria-hidden="true"' : ' role="img" aria-label="' . esc_attr( $alt ) . '"',
		esc_html( wpp_render_initials( (string) ( $user['display_name'] ?? '' ) ) )
	);
}

/**
 * The localized word for a status.
 *
 * @since 0.2.0
 *
 * @param string $status 'active' or 'idle'.
 * @return string
 */
function wpp_render_status_label( string $status ): string {
	return 'idle' === $status ? __( 'Idle', 'presence' ) : __( 'Active', 'presence' );
}

/**
 * A status badge.
 *
 * @since 0.2.0
 *
 * @param string $status 'active' or 'idle'.
 * @return string HTML.
 */
function wpp_render_status( string $status ): string {
	$status = 'idle' === $status ? 'idle' : 'active';
	return sprintf( '<span class="wpp-status wpp-status--%1$s">%2$s</span>', $status, esc_html( wpp_render_status_label( $status ) ) );
}

/**
 * "2 mins ago" for a unix time, in a <time> element the scripts keep current.
 *
 * @since 0.2.0
 *
 * @param float $time Unix time.
 * @param float $now  Current unix time.
 * @return string HTML.
 */
function wpp_render_time( float $time, float $now ): string {
	return sprintf(
		'<time class="wpp-ago" datetime="%1$s" data-time="%2$s">%3$s</time>',
		esc_attr( gmdate( 'c', (int) $time ) ),
		esc_attr( (string) round( $time, 3 ) ),
		/* translators: %s: human-readable time difference, e.g. "2 mins". */
		esc_html( sprintf( __( '%s ago', 'presence' ), human_time_diff( (int) $time, (int) $now ) ) )
	);
}

/**
 * Where someone is: the label as a link when there is one the viewer may follow, else as text.
 *
 * @since 0.2.0
 *
 * @param array  $user      Online user item (label, url).
 * @param string $class_name Class of the element.
 * @return string HTML.
 */
function wpp_render_where( array $user, string $class_name ): string {
	$label = esc_html( (string) ( $user['label'] ?? '' ) );
	$url   = (string) ( $user['url'] ?? '' );
	if ( '' === $url ) {
		return sprintf( '<span class="%1$s">%2$s</span>', esc_attr( $class_name ), $label );
	}
	return sprintf( '<a class="%1$s" href="%2$s">%3$s</a>', esc_attr( $class_name ), esc_url( $url ), $label );
}
