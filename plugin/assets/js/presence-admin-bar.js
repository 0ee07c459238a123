/**
 * The admin bar's "N online" node (plugin/includes/surfaces/admin-bar.php): keeps its count and
 * its "On this screen" / "Elsewhere" menus current from every presence update, with the markup
 * the admin bar uses (li > a.ab-item or div.ab-item), and announces who came and went.
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
	const _n = wp.i18n._n;
	const sprintf = wp.i18n.sprintf;
	const NODE = 'wp-admin-bar-wpp-online';
	let shown = null;

	/**
	 * One person: avatar, name, where they are, status for screen readers.
	 *
	 * @param {Object} user Online user item.
	 * @param {string} id   Id of the list item.
	 * @return {HTMLElement} The menu item (li).
	 */
	function item( user, id ) {
		const status = user.status === 'idle' ? 'idle' : 'active';
		const li = ui.el( 'li', 'wpp-ab-user wpp-ab-user--' + status );
		li.id = id + '-user-' + user.user_id;
		const url = String( user.url || '' );
		const inner = ui.el(
			/^https?:\/\//i.test( url ) ? 'a' : 'div',
			'ab-item'
		);
		if ( inner.tagName === 'A' ) {
			inner.href = url;
		} else {
			inner.className += ' ab-empty-item';
		}
		const text = ui.el( 'span', 'wpp-ab-user__text' );
		text.appendChild(
			ui.el( 'span', 'wpp-ab-user__name', user.display_name )
		);
		text.appendChild(
			ui.el( 'span', 'wpp-ab-user__where', user.label || '' )
		);
		inner.appendChild( ui.avatar( user, 20, '' ) );
		inner.appendChild( text );
		inner.appendChild(
			ui.el(
				'span',
				'screen-reader-text',
				' (' + ui.statusLabel( status ) + ')'
			)
		);
		li.appendChild( inner );
		return li;
	}

	/**
	 * Fills a group's list: its heading, then its people.
	 *
	 * @param {Element} list  The group's ul.
	 * @param {string}  id    The group's node id.
	 * @param {Array}   users People in it.
	 */
	function fill( list, id, users ) {
		const heading = list.querySelector( '#' + id + '-heading' );
		list.textContent = '';
		if ( heading ) {
			list.appendChild( heading );
		}
		users.forEach( function ( user ) {
			list.appendChild( item( user, id ) );
		} );
		list.classList.toggle( 'wpp-ab-group--empty', users.length === 0 );
	}

	ui.ready( function () {
		const node = document.getElementById( NODE );
		if ( ! node ) {
			return;
		}
		ui.upgradeAvatars( node );
		const count = node.querySelector( '.wpp-ab-count' );
		const here = document.getElementById( NODE + '-here' );
		const elsewhere = document.getElementById( NODE + '-elsewhere' );
		let nobody = document.getElementById( NODE + '-nobody' );
		const config = presence.config;

		ui.subscribe( function ( update ) {
			const online = update.online;
			if ( ! online ) {
				return;
			}
			let listed = false;
			const groups = { here: [], elsewhere: [] };
			online.users.forEach( function ( user ) {
				if ( user.user_id === config.userId ) {
					listed = true;
					return;
				}
				const isHere =
					user.screen === config.screen &&
					Number( user.post_id ) === Number( config.postId || 0 );
				groups[ isHere ? 'here' : 'elsewhere' ].push( user );
			} );
			const others = Math.max(
				0,
				( online.total || 0 ) - ( listed ? 1 : 0 )
			);

			const text = sprintf(
				/* translators: %d: number of other people online. */
				_n( '%d online', '%d online', others, 'presence' ),
				others
			);
			if ( count && count.textContent !== text ) {
				count.textContent = text;
			}
			node.classList.toggle( 'wpp-ab--others', others > 0 );
			if ( here ) {
				fill( here, NODE + '-here', groups.here );
			}
			if ( elsewhere ) {
				fill( elsewhere, NODE + '-elsewhere', groups.elsewhere );
			}
			if ( nobody ) {
				nobody.hidden = others > 0;
			}

			const all = groups.here.concat( groups.elsewhere );
			ui.announceOnline( shown, all );
			shown = all;
		} );

		// Without a "Nobody else" node from the server (others were online at load), add one.
		if ( ! nobody ) {
			const menu = node.querySelector(
				'#wp-admin-bar-wpp-online-default'
			);
			if ( menu ) {
				nobody = ui.el( 'li', 'wpp-ab-nobody' );
				nobody.id = NODE + '-nobody';
				nobody.appendChild(
					ui.el(
						'div',
						'ab-item ab-empty-item',
						__( 'Nobody else is online.', 'presence' )
					)
				);
				nobody.hidden = true;
				menu.insertBefore( nobody, menu.firstChild );
			}
		}
	} );
} )( window.wppPresence );
