<?php
/**
 * Markup shared by the surfaces: avatars as initials, status badges, times, places, agent labels.
 * Every surface is rendered here on the server only — for the first paint and for every heartbeat
 * answer that changes it (ui/fragments.php); the browser swaps the new markup in and never builds
 * it. Every piece of text is escaped here; names and titles come from other users and are never
 * trusted as HTML.
 *
 * Two things the browser adds to what is printed here: an avatar image once it has loaded (the
 * initials stay otherwise), and "2 minutes ago" in a `<time class="wpp-ago">`, whose text printed
 * here is the absolute date (what a page without JavaScript shows).
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
 * A moment, in a <time> element: the date and time in the site's formats, which the browser
 * turns into "2 minutes ago" (wp.date) and keeps current.
 *
 * @since 0.2.0
 * @since 0.3.0 Prints the date; the browser writes the relative time.
 *
 * @param float $time Unix time.
 * @return string HTML.
 */
function wpp_render_time( float $time ): string {
	return sprintf(
		'<time class="wpp-ago" datetime="%1$s">%2$s</time>',
		esc_attr( gmdate( 'c', (int) $time ) ),
		esc_html( wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) $time ) )
	);
}

/**
 * Whether a user item belongs to an agent (a user that acts for a program, such as an AI agent
 * saving posts through the REST API).
 *
 * @since 0.3.0
 *
 * @param array $user User item.
 * @return bool
 */
function wpp_render_is_agent( array $user ): bool {
	return ! empty( $user['is_agent'] );
}

/**
 * A person's name as a label: "Name (agent)" for an agent.
 *
 * @since 0.3.0
 *
 * @param array $user User item.
 * @return string Text.
 */
function wpp_render_name( array $user ): string {
	$name = (string) ( $user['display_name'] ?? '' );
	/* translators: %s: display name of an agent user. */
	return wpp_render_is_agent( $user ) ? sprintf( __( '%s (agent)', 'presence' ), $name ) : $name;
}

/**
 * The "Agent" badge next to an agent's name, '' for a person.
 *
 * @since 0.3.0
 *
 * @param array $user User item.
 * @return string HTML.
 */
function wpp_render_agent_badge( array $user ): string {
	return wpp_render_is_agent( $user ) ? '<span class="wpp-agent-badge">' . esc_html__( 'Agent', 'presence' ) . '</span>' : '';
}

/**
 * The attributes by which the browser tells who a surface shows (to announce who came and went):
 * `data-user-id` and `data-name`.
 *
 * @since 0.3.0
 *
 * @param array $user User item.
 * @return string HTML attributes, with a leading space.
 */
function wpp_render_person_attributes( array $user ): string {
	return sprintf( ' data-user-id="%1$d" data-name="%2$s"', absint( $user['user_id'] ?? 0 ), esc_attr( (string) ( $user['display_name'] ?? '' ) ) );
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
