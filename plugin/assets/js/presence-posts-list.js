/**
 * The posts list's "Editing now" column (plugin/includes/surfaces/posts-list.php): re-renders the
 * cells PHP printed from every `presence-post-rows` answer, with the same markup.
 *
 * @since 0.2.0
 */
( function ( presence ) {
	'use strict';

	if ( ! presence || ! presence.ui ) {
		return;
	}

	var ui = presence.ui;

	function fill( cell, users ) {
		var list = cell.querySelector( '.wpp-avatars' );
		var nobody = cell.querySelector( '.wpp-editing__nobody' );
		list.textContent = '';
		users.forEach( function ( user ) {
			var status = user.status === 'idle' ? 'idle' : 'active';
			var label = user.display_name + ' (' + ui.statusLabel( status ) + ')';
			var item = ui.el( 'li', 'wpp-avatars__item wpp-avatars__item--' + status );
			item.setAttribute( 'data-user-id', String( user.user_id ) );
			item.title = label;
			item.appendChild( ui.avatar( user, 24, label ) );
			list.appendChild( item );
		} );
		list.hidden = users.length === 0;
		nobody.hidden = users.length > 0;
	}

	ui.ready( function () {
		var cells = document.querySelectorAll( '.wpp-editing[data-wpp-room]' );
		if ( ! cells.length ) {
			return;
		}
		Array.prototype.forEach.call( cells, ui.upgradeAvatars );
		ui.subscribe( function ( update ) {
			var rows = update.postRows && update.postRows.rows;
			if ( ! rows ) {
				return;
			}
			Array.prototype.forEach.call( cells, function ( cell ) {
				var room = cell.getAttribute( 'data-wpp-room' );
				fill( cell, Array.isArray( rows[ room ] ) ? rows[ room ] : [] );
			} );
		} );
	} );
} )( window.wppPresence );
