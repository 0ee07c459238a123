/**
 * The dashboard's "Who's online" widget: re-renders the list PHP printed
 * (plugin/includes/surfaces/whos-online.php) from every presence update, with the same
 * markup. Joins and departures are announced by the admin bar where there is one, else here.
 *
 * @param {Object} presence The client's state, `window.wppPresence` (presence-client.js).
 * @since 0.1.0
 */
( function ( presence ) {
	'use strict';

	if ( ! presence || ! presence.ui ) {
		return;
	}

	const ui = presence.ui;
	const __ = wp.i18n.__;
	const _n = wp.i18n._n;
	const sprintf = wp.i18n.sprintf;
	const SHOWN = 20; // WPP_WHOS_ONLINE_SHOWN.
	let shown = null;

	function item( user ) {
		const self = user.user_id === presence.config.userId;
		const status = user.status === 'idle' ? 'idle' : 'active';
		const li = ui.el(
			'li',
			'wpp-online__user wpp-online__user--' + status
		);
		li.setAttribute( 'data-user-id', String( user.user_id ) );

		const text = ui.el( 'span', 'wpp-online__text' );
		const name = ui.el( 'span', 'wpp-online__name', user.display_name );
		if ( self ) {
			name.appendChild(
				ui.el(
					'span',
					'wpp-online__you',
					' ' + __( '(you)', 'presence' )
				)
			);
		}
		text.appendChild( name );
		text.appendChild( ui.where( user, 'wpp-online__doing' ) );

		li.appendChild( ui.avatar( user, 32, '' ) );
		li.appendChild( text );
		li.appendChild(
			ui.el(
				'span',
				'wpp-status wpp-status--' + status,
				ui.statusLabel( status )
			)
		);
		return li;
	}

	ui.ready( function () {
		const root = document.querySelector( '[data-wpp-online]' );
		if ( ! root ) {
			return;
		}
		const list = root.querySelector( '.wpp-online__list' );
		const summary = root.querySelector( '.wpp-online__summary' );
		const more = root.querySelector( '.wpp-online__more' );
		const announces = ! document.getElementById(
			'wp-admin-bar-wpp-online'
		);

		ui.subscribe( function ( update ) {
			const online = update.online;
			if ( ! online ) {
				return;
			}
			const users = online.users.slice( 0, SHOWN );
			const total = Math.max( online.total || 0, users.length );

			list.textContent = '';
			users.forEach( function ( user ) {
				list.appendChild( item( user ) );
			} );
			const text =
				total > 1
					? sprintf(
							/* translators: %d: number of people online. */
							_n(
								'%d person online',
								'%d people online',
								total,
								'presence'
							),
							total
						)
					: __( 'Only you are online.', 'presence' );
			if ( summary.textContent !== text ) {
				summary.textContent = text;
			}
			more.textContent = '';
			more.hidden = total <= users.length;
			if ( ! more.hidden ) {
				const link = ui.el(
					'a',
					'',
					sprintf(
						/* translators: %d: number of people online. */
						_n(
							'See all %d person online',
							'See all %d people online',
							total,
							'presence'
						),
						total
					)
				);
				link.href = presence.config.onlineUrl;
				more.appendChild( link );
			}

			if ( announces ) {
				const others = online.users.filter( function ( user ) {
					return user.user_id !== presence.config.userId;
				} );
				ui.announceOnline( shown, others );
				shown = others;
			}
		} );
	} );
} )( window.wppPresence );
