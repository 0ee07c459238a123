/**
 * The dashboard's "Who's online" widget: fills the frame printed by
 * plugin/includes/surfaces/dashboard-widget.php from every presence update.
 *
 * @since 0.1.0
 */
( function ( presence ) {
	'use strict';

	var root = document.querySelector( '[data-wpp-online]' );
	if ( ! presence || ! presence.ui || ! root ) {
		return;
	}

	var ui = presence.ui;
	var __ = wp.i18n.__;
	var _n = wp.i18n._n;
	var sprintf = wp.i18n.sprintf;
	var list = root.querySelector( '.wpp-online__list' );
	var summary = root.querySelector( '.wpp-online__summary' );
	var more = root.querySelector( '.wpp-online__more' );
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

	function render( update ) {
		var online = update.online;
		if ( ! online ) {
			return;
		}
		var users = online.users;
		var total = Math.max( online.total || 0, users.length );

		list.textContent = '';
		users.forEach( function ( user ) {
			list.appendChild( item( user ) );
		} );
		summary.textContent = total > 1
			/* translators: %d: number of people online. */
			? sprintf( _n( '%d person online', '%d people online', total, 'presence' ), total )
			: __( 'Only you are online.', 'presence' );
		more.hidden = total <= users.length;
		/* translators: %d: number of people online who are not listed. */
		more.textContent = more.hidden ? '' : sprintf( _n( 'and %d more', 'and %d more', total - users.length, 'presence' ), total - users.length );

		ui.announce(
			shown,
			users,
			/* translators: %s: display name. */
			function ( name ) {
				return sprintf( __( '%s is online.', 'presence' ), name );
			},
			/* translators: %s: display name. */
			function ( name ) {
				return sprintf( __( '%s went offline.', 'presence' ), name );
			}
		);
		shown = users.slice();
	}

	ui.subscribe( render );
} )( window.wppPresence );
