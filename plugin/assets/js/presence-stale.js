/**
 * The stale-screen warning (plugin/includes/surfaces/stale-screen.php): when a heartbeat answer
 * says someone else saved this screen after the page was served (`presence-stale`), a notice —
 * "Editor Two saved this page 20 seconds ago — reload to see the changes." In the block editor it
 * is one of the editor's own notices; elsewhere a WordPress admin notice after the page heading,
 * with a Reload button. The time stays current until the page is reloaded.
 *
 * @param {Object} presence The client's state, `window.wppPresence` (presence-client.js).
 * @since 0.2.0
 */
( function ( presence ) {
	'use strict';

	if ( ! presence || ! presence.ui ) {
		return;
	}

	const ui = presence.ui;
	const __ = wp.i18n.__;
	const sprintf = wp.i18n.sprintf;
	const NOTICE_ID = 'wpp-stale-screen';
	let banner = null;
	let current = null;

	function message( stale ) {
		const when = ui.timeAgo( stale.saved_at );
		return stale.display_name
			? sprintf(
					/* translators: 1: display name, 2: e.g. "20 seconds ago". */
					__(
						'%1$s saved this page %2$s — reload to see the changes.',
						'presence'
					),
					stale.display_name,
					when
				)
			: sprintf(
					/* translators: %s: e.g. "20 seconds ago". */
					__(
						'This page was saved %s — reload to see the changes.',
						'presence'
					),
					when
				);
	}

	function blockEditorNotices() {
		const data = window.wp && wp.data;
		return presence.config.blockEditor &&
			data &&
			data.dispatch &&
			data.select( 'core/notices' )
			? data.dispatch( 'core/notices' )
			: null;
	}

	/**
	 * Shows or updates the notice.
	 *
	 * @param {Object}  stale The `presence-stale` answer.
	 * @param {boolean} speak Whether to announce it (the first time only).
	 */
	function show( stale, speak ) {
		const notices = blockEditorNotices();
		if ( notices ) {
			// The editor renders its notices as text, and announces them when asked to.
			notices.createWarningNotice( message( stale ), {
				id: NOTICE_ID,
				isDismissible: true,
				speak,
				actions: [
					{
						label: __( 'Reload', 'presence' ),
						onClick() {
							window.location.reload();
						},
					},
				],
			} );
			return;
		}
		if ( ! banner ) {
			banner = ui.el( 'div', 'notice notice-warning wpp-stale' );
			banner.id = NOTICE_ID;
			const text = ui.el( 'p', 'wpp-stale__text' );
			const button = ui.el(
				'button',
				'button wpp-stale__reload',
				__( 'Reload', 'presence' )
			);
			button.type = 'button';
			button.addEventListener( 'click', function () {
				window.location.reload();
			} );
			text.appendChild( ui.el( 'span', 'wpp-stale__message' ) );
			text.appendChild( document.createTextNode( ' ' ) );
			text.appendChild( button );
			banner.appendChild( text );
			const anchor =
				document.querySelector( '#wpbody-content .wp-header-end' ) ||
				document.querySelector(
					'#wpbody-content .wrap > h1, #wpbody-content .wrap > h2'
				);
			if ( anchor && anchor.parentNode ) {
				anchor.parentNode.insertBefore( banner, anchor.nextSibling );
			} else {
				(
					document.getElementById( 'wpbody-content' ) || document.body
				).prepend( banner );
			}
		}
		banner.querySelector( '.wpp-stale__message' ).textContent =
			message( stale );
		if ( speak && window.wp && wp.a11y && wp.a11y.speak ) {
			wp.a11y.speak( message( stale ), 'polite' );
		}
	}

	ui.ready( function () {
		ui.subscribe( function ( update ) {
			const stale = update.stale;
			if (
				! stale ||
				( current && current.saved_at === stale.saved_at && banner )
			) {
				return;
			}
			const first = ! current || current.saved_at !== stale.saved_at;
			current = stale;
			show( stale, first );
		} );
		// "20 seconds ago" moves on.
		window.setInterval( function () {
			if ( current ) {
				show( current, false );
			}
		}, 10000 );
	} );
} )( window.wppPresence );
