/**
 * The dashboard's "Active posts" widget (plugin/includes/surfaces/active-posts.php): re-renders
 * the rows PHP printed from every `presence-active-posts` answer, with the same markup, and keeps
 * the "2 mins ago" times current between answers.
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

	function row( post ) {
		const li = ui.el( 'li', 'wpp-active-posts__post' );
		li.setAttribute( 'data-post-id', String( post.post_id ) );
		const title = ui.el(
			/^https?:\/\//i.test( String( post.url || '' ) ) ? 'a' : 'span',
			'wpp-active-posts__title',
			post.title
		);
		if ( title.tagName === 'A' ) {
			title.href = post.url;
		}
		const avatars = ui.el( 'ul', 'wpp-avatars' );
		post.users.forEach( function ( user ) {
			const name =
				user.user_id === presence.config.userId
					? sprintf(
							/* translators: %s: display name. */
							__( '%s (you)', 'presence' ),
							user.display_name
						)
					: user.display_name;
			const item = ui.el( 'li', 'wpp-avatars__item' );
			item.setAttribute( 'data-user-id', String( user.user_id ) );
			item.title = name;
			item.appendChild( ui.avatar( user, 24, name ) );
			avatars.appendChild( item );
		} );
		const meta = ui.el(
			'span',
			'wpp-active-posts__meta',
			sprintf(
				/* translators: %d: number of people editing the post. */
				_n( '%d person', '%d people', post.total, 'presence' ),
				post.total
			) + ' · '
		);
		meta.appendChild( ui.timeEl( post.latest ) );
		li.appendChild( title );
		li.appendChild( avatars );
		li.appendChild( meta );
		return li;
	}

	ui.ready( function () {
		const root = document.querySelector( '[data-wpp-active-posts]' );
		if ( ! root ) {
			return;
		}
		ui.upgradeAvatars( root );
		const list = root.querySelector( '.wpp-active-posts__list' );
		const summary = root.querySelector( '.wpp-active-posts__summary' );

		ui.subscribe( function ( update ) {
			const active = update.activePosts;
			if ( ! active || ! Array.isArray( active.posts ) ) {
				return;
			}
			list.textContent = '';
			active.posts.forEach( function ( post ) {
				list.appendChild( row( post ) );
			} );
			summary.hidden = active.posts.length > 0;
			const text = active.posts.length
				? ''
				: __( 'Nobody is editing a post you can edit.', 'presence' );
			if ( summary.textContent !== text ) {
				summary.textContent = text;
			}
		} );

		// "2 mins ago" moves on between answers.
		window.setInterval( function () {
			Array.prototype.forEach.call(
				root.querySelectorAll( 'time.wpp-ago[data-time]' ),
				function ( node ) {
					node.textContent = ui.timeAgo(
						node.getAttribute( 'data-time' )
					);
				}
			);
		}, 15000 );
	} );
} )( window.wppPresence );
