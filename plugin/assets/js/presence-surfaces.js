/**
 * The built-in live surfaces: where the server's markup of each surface goes on the page, and
 * what the page asks for it (`presence-fragments`, answered by plugin/includes/ui/fragments.php).
 * Nothing here builds a surface: the server renders every one of them, for the first paint and
 * for every change; this file swaps the new markup in, then
 *
 * - announces who came and went (wp.a11y.speak, from the people's `data-user-id` / `data-name`),
 * - turns each `<time class="wpp-ago">` into "2 minutes ago" (wp.date) and keeps it current,
 * - shows an avatar image once it has loaded, in place of the initials,
 * - places "Also editing:" in the post editor (floating over the block editor's canvas, after
 *   the heading of the classic one) and shows the stale-screen warning (an admin notice, or in the
 *   block editor one of its own notices with the same text).
 *
 * Each surface asks with the version its markup was built from (`data-wpp-version`), so an
 * answer carries markup only for a surface whose data changed — also in a tab that did not
 * receive the last answer itself.
 *
 * @param {Object} presence The client's state, `window.wppPresence` (presence-client.js).
 * @since 0.3.0
 */
( function ( presence ) {
	'use strict';

	const wp = window.wp;
	if ( ! presence || ! presence.config || ! wp || ! wp.hooks ) {
		return;
	}

	const config = presence.config;
	const __ = wp.i18n.__;
	const sprintf = wp.i18n.sprintf;
	const ADMIN_BAR = 'wp-admin-bar-wpp-online';
	// Avatar URLs that have loaded once in this page.
	const loadedAvatars = {};

	/**
	 * The first element of a piece of markup.
	 *
	 * @param {string} html Markup from the server.
	 * @return {Element|null} Its root.
	 */
	function parse( html ) {
		const template = document.createElement( 'template' );
		template.innerHTML = String( html ).trim();
		return template.content.firstElementChild;
	}

	/**
	 * The people a piece of the page shows: user id => name.
	 *
	 * @param {Element|null} root
	 * @return {Object} Map.
	 */
	function people( root ) {
		const map = {};
		if ( root ) {
			Array.prototype.forEach.call(
				root.querySelectorAll( '[data-user-id][data-name]' ),
				function ( node ) {
					map[ node.getAttribute( 'data-user-id' ) ] =
						node.getAttribute( 'data-name' );
				}
			);
		}
		return map;
	}

	/**
	 * Announces (politely) who appeared in and who left a surface.
	 *
	 * @param {Object}   before user id => name.
	 * @param {Object}   after  user id => name.
	 * @param {Function} joined Message for someone who appeared, given the name.
	 * @param {Function} left   Message for someone who left, given the name.
	 */
	function announce( before, after, joined, left ) {
		if ( ! wp.a11y || ! wp.a11y.speak ) {
			return;
		}
		const messages = [];
		Object.keys( after ).forEach( function ( id ) {
			if ( id !== String( config.userId ) && ! ( id in before ) ) {
				messages.push( joined( after[ id ] ) );
			}
		} );
		Object.keys( before ).forEach( function ( id ) {
			if ( id !== String( config.userId ) && ! ( id in after ) ) {
				messages.push( left( before[ id ] ) );
			}
		} );
		if ( messages.length ) {
			wp.a11y.speak( messages.join( ' ' ), 'polite' );
		}
	}

	function announceOnline( before, after ) {
		announce(
			before,
			after,
			function ( name ) {
				/* translators: %s: display name. */
				return sprintf( __( '%s is online.', 'presence' ), name );
			},
			function ( name ) {
				/* translators: %s: display name. */
				return sprintf( __( '%s went offline.', 'presence' ), name );
			}
		);
	}

	/**
	 * Shows an avatar image in place of initials once it has loaded, so a slow or unreachable
	 * avatar service never leaves a broken image.
	 *
	 * @param {Element} root Where to look.
	 */
	function upgradeAvatars( root ) {
		Array.prototype.forEach.call(
			root.querySelectorAll( '.wpp-avatar--initials[data-avatar-url]' ),
			function ( initials ) {
				const url = String(
					initials.getAttribute( 'data-avatar-url' )
				);
				if ( ! /^https?:\/\//i.test( url ) ) {
					return;
				}
				const size =
					( /wpp-avatar--(\d+)/.exec( initials.className ) ||
						[] )[ 1 ] || '24';
				const img = document.createElement( 'img' );
				img.className = 'wpp-avatar wpp-avatar--' + size;
				img.width = img.height = Number( size );
				img.alt = initials.getAttribute( 'aria-label' ) || '';
				if ( ! img.alt ) {
					img.setAttribute( 'aria-hidden', 'true' );
				}
				img.referrerPolicy = 'no-referrer';
				const show = function () {
					loadedAvatars[ url ] = true;
					if ( initials.parentNode ) {
						initials.parentNode.replaceChild( img, initials );
					}
				};
				if ( loadedAvatars[ url ] ) {
					img.src = url;
					show();
					return;
				}
				img.addEventListener( 'load', show );
				img.src = url;
			}
		);
	}

	/**
	 * Writes "2 minutes ago" into each `<time class="wpp-ago">` (server time, wp.date's words).
	 *
	 * @param {Element|Document} root Where to look.
	 */
	function refreshTimes( root ) {
		if ( ! wp.date || ! wp.date.humanTimeDiff ) {
			return;
		}
		const now = new Date( presence.serverNow() * 1000 );
		Array.prototype.forEach.call(
			root.querySelectorAll( 'time.wpp-ago[datetime]' ),
			function ( node ) {
				const text = wp.date.humanTimeDiff(
					node.getAttribute( 'datetime' ),
					now
				);
				if ( node.textContent !== text ) {
					node.textContent = text;
				}
			}
		);
	}

	/**
	 * What every swapped-in piece of markup gets.
	 *
	 * @param {Element} root The new markup.
	 */
	function enhance( root ) {
		upgradeAvatars( root );
		refreshTimes( root );
	}

	/**
	 * Puts a server rendering in place of the element (the element's root with it).
	 *
	 * @param {Element} element The surface's element.
	 * @param {string}  html    Its new markup.
	 * @return {Element} The new element.
	 */
	function replace( element, html ) {
		const next = parse( html );
		if ( ! next ) {
			return element;
		}
		element.parentNode.replaceChild( next, element );
		enhance( next );
		return next;
	}

	/**
	 * The version a surface's markup was built from, for its ask.
	 *
	 * @param {Element|null} element
	 * @return {Object|boolean} `{v}` (no `v` when the markup says none), or false without the element.
	 */
	function held( element ) {
		if ( ! element ) {
			return false;
		}
		const version = element.getAttribute( 'data-wpp-version' );
		return /^[0-9]+$/.test( String( version ) ) ? { v: version } : {};
	}

	function hasAdminBar() {
		return !! document.getElementById( ADMIN_BAR );
	}

	// Who's online rebuilt from the live lane's roster (presence-client.js): its new items are
	// enhanced and the people who came and went announced, as for a swapped fragment.
	wp.hooks.addAction(
		'wpp.presence.rosterApplied',
		'wpp/presence-surfaces',
		function ( root, before ) {
			enhance( root );
			if ( ! hasAdminBar() ) {
				announceOnline( before, people( root ) );
			}
		}
	);

	// --- "Also editing:" in the post editor ---------------------------------------------------

	/**
	 * Moves the editors group the server printed at the foot of the page to where it shows:
	 * after the classic editor's heading, or floating over the block editor's canvas.
	 */
	function placeEditors() {
		const group = document.getElementById( 'wpp-editors' );
		if (
			! group ||
			group.parentNode.classList.contains( 'wpp-editors-dock' )
		) {
			return;
		}
		const dock = document.createElement( 'div' );
		const heading = document.querySelector( '.wrap > .wp-header-end' );
		if ( ! config.blockEditor && heading ) {
			dock.className = 'wpp-editors-dock wpp-editors-dock--inline';
			heading.parentNode.insertBefore( dock, heading );
		} else {
			dock.className = 'wpp-editors-dock wpp-editors-dock--floating';
			document.body.appendChild( dock );
		}
		dock.appendChild( group );
	}

	// --- The stale-screen warning -------------------------------------------------------------

	const STALE_NOTICE = 'wpp-stale-screen';
	const STALE_SLOT = 'wpp-stale-slot';

	function blockEditorNotices() {
		const data = wp.data;
		return config.blockEditor &&
			data &&
			data.dispatch &&
			data.select( 'core/notices' )
			? data.dispatch( 'core/notices' )
			: null;
	}

	/**
	 * A hidden place for the warning, after the page's heading, on a page that has a screen key.
	 */
	function placeStale() {
		if (
			! presence.screenKey ||
			! presence.screenKey() ||
			document.getElementById( STALE_NOTICE ) ||
			document.getElementById( STALE_SLOT )
		) {
			return;
		}
		const slot = document.createElement( 'div' );
		slot.id = STALE_SLOT;
		slot.hidden = true;
		const anchor =
			document.querySelector( '#wpbody-content .wp-header-end' ) ||
			document.querySelector(
				'#wpbody-content .wrap > h1, #wpbody-content .wrap > h2'
			);
		if ( anchor && anchor.parentNode ) {
			anchor.parentNode.insertBefore( slot, anchor.nextSibling );
		} else {
			(
				document.getElementById( 'wpbody-content' ) || document.body
			).prepend( slot );
		}
	}

	/**
	 * The warning the server rendered, in place of the page's: as a notice after the page's
	 * heading, or in the block editor as one of its notices (the message's text, the button's
	 * label).
	 *
	 * @param {Element} element The warning on the page (its hidden slot the first time).
	 * @param {string}  html    Its markup.
	 * @return {Element} The warning on the page.
	 */
	function showStale( element, html ) {
		const next = parse( html );
		if ( ! next ) {
			return element;
		}
		refreshTimes( next );
		const message = next.querySelector( '.wpp-stale__message' );
		const button = next.querySelector( '.wpp-stale__reload' );
		const notices = blockEditorNotices();
		if ( notices ) {
			notices.createWarningNotice( message ? message.textContent : '', {
				id: STALE_NOTICE,
				isDismissible: true,
				speak: true,
				actions: [
					{
						label: button ? button.textContent : '',
						onClick() {
							window.location.reload();
						},
					},
				],
			} );
			return element;
		}
		if ( button ) {
			button.addEventListener( 'click', function () {
				window.location.reload();
			} );
		}
		const first = element.id === STALE_SLOT;
		element.parentNode.replaceChild( next, element );
		if ( first && message && wp.a11y && wp.a11y.speak ) {
			wp.a11y.speak( message.textContent, 'polite' );
		}
		return next;
	}

	// --- The surfaces -------------------------------------------------------------------------

	presence.builtInSurfaces.push(
		{
			key: 'admin-bar',
			target() {
				return document.getElementById( ADMIN_BAR );
			},
			request() {
				const node = document.getElementById( ADMIN_BAR );
				if ( ! node ) {
					return false;
				}
				return Object.assign(
					held( node.querySelector( '[data-wpp-version]' ) ),
					{ screen: config.screen, post_id: config.postId || 0 }
				);
			},
			// Keeps the element the admin bar's script bound its menu handlers to.
			apply( element, html ) {
				const next = parse( html );
				if ( ! next ) {
					return element;
				}
				const before = people( element );
				element.className = next.className;
				element.innerHTML = next.innerHTML;
				enhance( element );
				announceOnline( before, people( element ) );
				return element;
			},
		},
		{
			key: 'whos-online',
			target() {
				return document.querySelector( '[data-wpp-online]' );
			},
			request() {
				return held( document.querySelector( '[data-wpp-online]' ) );
			},
			apply( element, html ) {
				const before = people( element );
				const next = replace( element, html );
				if ( ! hasAdminBar() ) {
					announceOnline( before, people( next ) );
				}
				return next;
			},
		},
		{
			key: 'active-posts',
			target() {
				return document.querySelector( '[data-wpp-active-posts]' );
			},
			request() {
				return held(
					document.querySelector( '[data-wpp-active-posts]' )
				);
			},
			apply: replace,
		},
		{
			// The posts list's "Editing now" cells, by row (`post-12`).
			key: 'editors',
			target( id ) {
				if ( id === undefined ) {
					return document.querySelector(
						'.wpp-editing[data-wpp-room]'
					);
				}
				const row = document.getElementById( String( id ) );
				return row
					? row.querySelector( '.wpp-editing[data-wpp-room]' )
					: null;
			},
			request() {
				return held(
					document.querySelector( '.wpp-editing[data-wpp-room]' )
				);
			},
			apply( element, html ) {
				const before = people( element );
				const next = replace( element, html );
				const row = next.closest( 'tr' );
				const title = row && row.querySelector( '.row-title' );
				if ( title ) {
					announce(
						before,
						people( next ),
						function ( name ) {
							return sprintf(
								/* translators: 1: display name, 2: post title. */
								__( '%1$s is editing “%2$s”.', 'presence' ),
								name,
								title.textContent
							);
						},
						function ( name ) {
							return sprintf(
								/* translators: 1: display name, 2: post title. */
								__(
									'%1$s stopped editing “%2$s”.',
									'presence'
								),
								name,
								title.textContent
							);
						}
					);
				}
				return next;
			},
		},
		{
			// "Also editing:" in the post editor.
			key: 'post-editors',
			target() {
				return document.getElementById( 'wpp-editors' );
			},
			request() {
				const group = document.getElementById( 'wpp-editors' );
				return group
					? Object.assign( held( group ), {
							post_id:
								Number(
									group.getAttribute( 'data-post-id' )
								) || 0,
						} )
					: false;
			},
			apply( element, html ) {
				const before = people( element );
				const next = replace( element, html );
				announce(
					before,
					people( next ),
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
				return next;
			},
		},
		{
			// Network Admin's Who's online (surfaces/network-dashboard.php): the feature plugin's
			// key and element; the server answers it on every tick the page asks.
			key: 'network-widget',
			target() {
				return document.getElementById(
					'presence-network-widget-list'
				);
			},
			apply( element, html ) {
				element.innerHTML = html;
				enhance( element );
				return element;
			},
		},
		{
			// The stale-screen warning, on a page with a screen key.
			key: 'stale',
			target() {
				return (
					document.getElementById( STALE_NOTICE ) ||
					document.getElementById( STALE_SLOT )
				);
			},
			apply: showStale,
		}
	);

	wp.domReady( function () {
		placeEditors();
		placeStale();
		enhance( document.body );
		// "2 minutes ago" moves on between answers.
		window.setInterval( function () {
			refreshTimes( document );
		}, 15000 );
	} );
} )( window.wppPresence );
