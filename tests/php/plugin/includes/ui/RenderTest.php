<?php
/**
 * The markup PHP prints for the surfaces (plugin/includes/ui/render.php): initials, avatars,
 * statuses, times, places — every piece of other users' text escaped.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_render_initials
 * @covers ::wpp_render_avatar
 * @covers ::wpp_render_where
 */
final class RenderTest extends WPP_TestCase {

	public function test_initials(): void {
		$this->assertSame( 'AL', wpp_render_initials( 'Ada  Lovelace' ) );
		$this->assertSame( 'A', wpp_render_initials( 'ada' ) );
		$this->assertSame( 'ÉZ', wpp_render_initials( 'élodie de zola' ) );
		$this->assertSame( '日', wpp_render_initials( '日本' ) );
		$this->assertSame( '?', wpp_render_initials( '   ' ) );
	}

	public function test_avatar_markup_is_escaped_and_only_takes_web_urls(): void {
		$html = wpp_render_avatar( array( 'user_id' => 13, 'display_name' => '<b>"x"', 'avatar_url' => 'https://example.org/a.png?s=1&d="x"' ), 24, 'Name "quoted" <b>' );
		$this->assertStringContainsString( 'wpp-avatar--24 wpp-avatar--hue-5', $html );
		$this->assertStringContainsString( 'role="img" aria-label="Name &quot;quoted&quot; &lt;b&gt;"', $html );
		$this->assertStringContainsString( '>&lt;</span>', $html );
		$this->assertStringNotContainsString( '"x"', $html );
		$this->assertStringNotContainsString( 'data-avatar-url', wpp_render_avatar( array( 'user_id' => 1, 'display_name' => 'A', 'avatar_url' => 'javascript:alert(1)' ), 24 ) );
		$this->assertStringContainsString( 'aria-hidden="true"', wpp_render_avatar( array( 'user_id' => 1, 'display_name' => 'A' ), 24 ) );
	}

	public function test_places_statuses_and_times(): void {
		$this->assertSame( '<span class="c">Editing “&lt;x&gt;”</span>', wpp_render_where( array( 'label' => 'Editing “<x>”', 'url' => '' ), 'c' ) );
		$this->assertSame( '<a class="c" href="http://example.org/?a=1&#038;b=2">L</a>', wpp_render_where( array( 'label' => 'L', 'url' => 'http://example.org/?a=1&b=2' ), 'c' ) );
		$this->assertStringContainsString( 'wpp-status--idle">Idle<', wpp_render_status( 'idle' ) );
		$this->assertStringContainsString( 'wpp-status--active">Active<', wpp_render_status( 'anything' ) );
		// The date in the site's formats; the browser writes "2 minutes ago" from the datetime.
		update_option( 'date_format', 'Y-m-d' );
		update_option( 'time_format', 'H:i' );
		$this->assertSame( '<time class="wpp-ago" datetime="2026-12-07T14:59:27+00:00">2026-12-07 14:59</time>', wpp_render_time( 1796655567.0 ) );
	}
}
