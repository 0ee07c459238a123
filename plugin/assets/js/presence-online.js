/**
 * The dashboard's "Who's online" widget: re-renders the list PHP printed
 * (plugin/includes/surfaces/dashboard-widget.php) from every presence update, with the same
 * markup. Joins and departures are announced by the admin bar where there is one, else here.
 *
 * @since 0.1.0
 */
( function ( presence ) {
	'use strict';

	if ( ! presence || ! presence.ui ) {
		return;
	}

	var ui = presence.ui;
	var __ = wp.i18n.__;
	var _n = wp.i18n._n;
	var sprintf = wp.i18n.sprintf;
	var SHOWN = 20; // WPP_WHOS_ONLINE_SHOWN.
	var shown = null;

	function item( user ) {
		var self = user.user_id === presence.config.userId;
		var status = user.status === 'idle' ? 'idle' : 'active';
		var li = ui.el( 'li', 'wpp-online__user wpp-online__user--' + status );
		li.setAttribute( 'data-user-id', String( user.user_id ) );

		var text = ui.el( 'span', 'wpp-online__text' );
		var name = ui.el( 'span', 'wpp-online__name', user.display_name );
		if ( self ) {
			name.appendChild( ui.el( 'span', 'wpp-online__you', ' ' + __( '(you)', 'presence' ) ) );
		}
		text.appendChild( name );
		text.appendChild( ui.where( user, 'wpp-online__doing' ) );

		li.appendChild( ui.avatar( user, 32, '' ) );
		li.appendChild( text );
		li.appendChild( ui.el( 'span', 'wpp-status wpp-status--' + status, ui.statusLabel( status ) ) );
		return li;
	}

	ui.ready( function () {
		var root = document.querySelector( '[data-wpp-online]' );
		if ( ! root ) {
			return;
		}
		var list = root.querySelector( '.wpp-online__list' );
		var summary = root.querySelector( '.wpp-online__summary' );
		var more = root.querySelector( '.wpp-online__more' );
		var announces = ! document.getElementById( 'wp-admin-bar-wpp-online' );

		ui.subscribe( function ( update ) {
			var online = update.online;
			if ( ! online ) {
				return;
			}
			var users = online.users.slice( 0, SHOWN );
			var total = Math.max( online.total || 0, users.length );

			list.textContent = '';
			users.forEach( function ( user ) {
				list.appendChild( item( user ) );
			} );
			var text = total > 1
				/* translators: %d: number of people online. */
				? sprintf( _n( '%d person online', '%d people online', total, 'presence' ), total )
				: __( 'Only you are online.', 'presence' );
			if ( summary.textContent !== text ) {
				summary.textContent = text;
			}
			more.textContent = '';
			more.hidden = total <= users.length;
			if ( ! more.hidden ) {
				var link = ui.el(
					'a',
					'',
					/* translators: %d: number of people online. */
					sprintf( _n( 'See all %d person online', 'See all %d people online', total, 'presence' ), total )
				);
				link.href = presence.config.onlineUrl;
				more.appendChild( link );
			}

			if ( announces ) {
				var others = online.users.filter( function ( user ) {
					return user.user_id !== presence.config.userId;
				} );
				ui.announceOnline( shown, others );
				shown = others;
			}
		} );
	} );
} )( window.wppPresence );
