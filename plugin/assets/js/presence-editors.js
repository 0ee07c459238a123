/**
 * In the post editor (block and classic): the avatars of the other people editing this post,
 * updated from every presence update.
 *
 * The block editor's header belongs to React, so the group floats above the canvas instead of
 * being inserted into it; the classic editor gets it after the page heading.
 *
 * @param {Object} presence The client's state, `window.wppPresence` (presence-client.js).
 * @since 0.1.0
 */
( function ( presence ) {
	'use strict';

	if ( ! presence || ! presence.ui || ! presence.config.isEditor ) {
		return;
	}

	const ui = presence.ui;
	const __ = wp.i18n.__;
	const sprintf = wp.i18n.sprintf;
	let root = null;
	let list = null;
	let shown = null;

	function mount() {
		if ( root ) {
			return root;
		}
		root = ui.el( 'div', 'wpp-editors' );
		root.setAttribute( 'role', 'group' );
		root.setAttribute(
			'aria-label',
			__( 'Other people editing this post', 'presence' )
		);
		root.hidden = true;
		root.appendChild(
			ui.el(
				'span',
				'wpp-editors__label',
				__( 'Also editing:', 'presence' )
			)
		);
		list = ui.el( 'ul', 'wpp-editors__list' );
		root.appendChild( list );

		const heading = document.querySelector( '.wrap > .wp-header-end' );
		if ( ! presence.config.blockEditor && heading ) {
			root.className += ' wpp-editors--inline';
			heading.parentNode.insertBefore( root, heading );
		} else {
			root.className += ' wpp-editors--floating';
			document.body.appendChild( root );
		}
		return root;
	}

	// Up to this many editors are shown with their names; more show avatars only.
	const NAMED = 3;

	function item( user, named ) {
		const status = user.status === 'idle' ? 'idle' : 'active';
		const label = user.display_name + ' (' + ui.statusLabel( status ) + ')';
		const li = ui.el(
			'li',
			'wpp-editors__user wpp-editors__user--' + status
		);
		li.setAttribute( 'data-user-id', String( user.user_id ) );
		li.title = label;
		if ( named ) {
			li.className += ' wpp-editors__user--named';
			li.appendChild( ui.avatar( user, 28, '' ) );
			li.appendChild(
				ui.el( 'span', 'wpp-editors__name', user.display_name )
			);
		} else {
			li.appendChild( ui.avatar( user, 32, label ) );
		}
		return li;
	}

	function render( update ) {
		const editors = update.editors;
		if ( ! editors || editors.post_id !== presence.config.postId ) {
			return;
		}
		mount();
		list.textContent = '';
		editors.users.forEach( function ( user ) {
			list.appendChild( item( user, editors.users.length <= NAMED ) );
		} );
		root.hidden = editors.users.length === 0;
		ui.announce(
			shown,
			editors.users,
			function ( name ) {
				return sprintf(
					/* translators: %s: display name. */
					__( '%s is also editing this post.', 'presence' ),
					name
				);
			},
			function ( name ) {
				return sprintf(
					/* translators: %s: display name. */
					__( '%s stopped editing this post.', 'presence' ),
					name
				);
			}
		);
		shown = editors.users.slice();
	}

	ui.ready( function () {
		ui.subscribe( render );
	} );
} )( window.wppPresence );
