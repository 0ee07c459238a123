/**
 * The posts list's "Editing now" column (plugin/includes/surfaces/posts-list.php): re-renders the
 * cells PHP printed from every `presence-post-rows` answer, with the same markup, and announces
 * who started editing which post (the title read from the row, as text).
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

	function fill( cell, users ) {
		const list = cell.querySelector( '.wpp-avatars' );
		const nobody = cell.querySelector( '.wpp-editing__nobody' );
		list.textContent = '';
		users.forEach( function ( user ) {
			const status = user.status === 'idle' ? 'idle' : 'active';
			const label =
				user.display_name + ' (' + ui.statusLabel( status ) + ')';
			const item = ui.el(
				'li',
				'wpp-avatars__item wpp-avatars__item--' + status
			);
			item.setAttribute( 'data-user-id', String( user.user_id ) );
			item.title = label;
			item.appendChild( ui.avatar( user, 24, label ) );
			list.appendChild( item );
		} );
		list.hidden = users.length === 0;
		nobody.hidden = users.length > 0;
	}

	/**
	 * Announces the people who started editing a post of the list since the last update.
	 *
	 * @param {Object} before room => users.
	 * @param {Object} after  room => users.
	 */
	function announce( before, after ) {
		if ( ! window.wp || ! wp.a11y || ! wp.a11y.speak ) {
			return;
		}
		const messages = [];
		Object.keys( after ).forEach( function ( room ) {
			const was = ( before[ room ] || [] ).map( function ( user ) {
				return user.user_id;
			} );
			const cell = document.querySelector(
				'.wpp-editing[data-wpp-room="' + room + '"]'
			);
			const row = cell && cell.closest( 'tr' );
			const title = row && row.querySelector( '.row-title' );
			after[ room ].forEach( function ( user ) {
				if ( was.indexOf( user.user_id ) === -1 && title ) {
					messages.push(
						sprintf(
							/* translators: 1: display name, 2: post title. */
							__( '%1$s is editing “%2$s”.', 'presence' ),
							user.display_name,
							title.textContent
						)
					);
				}
			} );
		} );
		if ( messages.length ) {
			wp.a11y.speak( messages.join( ' ' ), 'polite' );
		}
	}

	ui.ready( function () {
		const cells = document.querySelectorAll(
			'.wpp-editing[data-wpp-room]'
		);
		if ( ! cells.length ) {
			return;
		}
		Array.prototype.forEach.call( cells, ui.upgradeAvatars );
		let shown = null;
		ui.subscribe( function ( update ) {
			const rows = update.postRows && update.postRows.rows;
			if ( ! rows ) {
				return;
			}
			const now = {};
			Array.prototype.forEach.call( cells, function ( cell ) {
				const room = cell.getAttribute( 'data-wpp-room' );
				const users = Array.isArray( rows[ room ] ) ? rows[ room ] : [];
				fill( cell, users );
				now[ room ] = users;
			} );
			if ( shown ) {
				announce( shown, now );
			}
			shown = now;
		} );
	} );
} )( window.wppPresence );
