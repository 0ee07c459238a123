/**
 * Helpers shared by the presence surfaces: DOM building (text nodes only: names and titles come
 * from other users and are never parsed as HTML), avatars with an initials fallback (the same
 * markup PHP prints in plugin/includes/ui/render.php), labels, "2 mins ago", and
 * screen-reader announcements of who came and went.
 *
 * @param {Object} presence The client's state, `window.wppPresence` (presence-client.js).
 * @param {Object} i18n     `wp.i18n`.
 * @since 0.1.0
 */
( function ( presence, i18n ) {
	'use strict';

	if ( ! presence || ! i18n ) {
		return;
	}

	// Avatar colours in presence.css (.wpp-avatar--hue-0 …); as WPP_AVATAR_HUES in PHP.
	const HUES = 8;
	// Avatar URLs that have loaded once in this page.
	const loadedAvatars = {};
	const __ = i18n.__;
	const _n = i18n._n;
	const sprintf = i18n.sprintf;

	/**
	 * Creates an element with classes and optional text (set as text, never as HTML).
	 *
	 * @param {string}  tag
	 * @param {string}  className
	 * @param {string=} text
	 * @return {HTMLElement} The new element.
	 */
	function el( tag, className, text ) {
		const node = document.createElement( tag );
		if ( className ) {
			node.className = className;
		}
		if ( text !== undefined ) {
			node.textContent = String( text );
		}
		return node;
	}

	function initials( name ) {
		const parts = String( name || '' )
			.trim()
			.split( /\s+/ );
		const first = Array.from( parts[ 0 ] || '?' )[ 0 ] || '?';
		const last =
			parts.length > 1
				? Array.from( parts[ parts.length - 1 ] )[ 0 ] || ''
				: '';
		return ( first + last ).toUpperCase();
	}

	/**
	 * Swaps an initials element for the avatar image once the image has loaded, so a slow or
	 * unreachable avatar service never leaves a blank or broken image.
	 *
	 * @param {HTMLElement} fallback Initials element (carries data-avatar-url).
	 * @param {number}      size     Pixels.
	 * @return {HTMLElement} The image when it is known to load, else the initials.
	 */
	function upgrade( fallback, size ) {
		const url = String( fallback.getAttribute( 'data-avatar-url' ) || '' );
		if ( ! /^https?:\/\//i.test( url ) ) {
			return fallback;
		}
		const img = el( 'img', 'wpp-avatar wpp-avatar--' + size );
		img.width = img.height = size;
		img.alt = fallback.getAttribute( 'aria-label' ) || '';
		if ( ! img.alt ) {
			img.setAttribute( 'aria-hidden', 'true' );
		}
		img.referrerPolicy = 'no-referrer';
		if ( loadedAvatars[ url ] ) {
			img.src = url;
			return img; // Known to load: no flash of initials on every re-render.
		}
		img.addEventListener( 'load', function () {
			loadedAvatars[ url ] = true;
			if ( fallback.parentNode ) {
				fallback.parentNode.replaceChild( img, fallback );
			}
		} );
		img.src = url;
		return fallback;
	}

	/**
	 * The user's initials at once, their avatar image once it has loaded.
	 *
	 * @param {Object} user Presence user item.
	 * @param {number} size Pixels.
	 * @param {string} alt  Alternative text ('' when the name is printed next to it).
	 * @return {HTMLElement} The avatar element.
	 */
	function avatar( user, size, alt ) {
		const hue = Math.abs( parseInt( user.user_id, 10 ) || 0 ) % HUES;
		const fallback = el(
			'span',
			'wpp-avatar wpp-avatar--initials wpp-avatar--' +
				size +
				' wpp-avatar--hue-' +
				hue,
			initials( user.display_name )
		);
		if ( alt ) {
			fallback.setAttribute( 'role', 'img' );
			fallback.setAttribute( 'aria-label', alt );
		} else {
			fallback.setAttribute( 'aria-hidden', 'true' );
		}
		const url = String( user.avatar_url || '' );
		if ( /^https?:\/\//i.test( url ) ) {
			fallback.setAttribute( 'data-avatar-url', url );
		}
		return upgrade( fallback, size );
	}

	/**
	 * Upgrades the initials PHP printed inside root to images once they load.
	 *
	 * @param {Element} root
	 */
	function upgradeAvatars( root ) {
		Array.prototype.forEach.call(
			root.querySelectorAll( '.wpp-avatar--initials[data-avatar-url]' ),
			function ( node ) {
				const size =
					parseInt(
						( /wpp-avatar--(\d+)/.exec( node.className ) ||
							[] )[ 1 ],
						10
					) || 24;
				const image = upgrade( node, size );
				if ( image !== node ) {
					node.parentNode.replaceChild( image, node );
				}
			}
		);
	}

	/**
	 * Where a user is: the label the server built for this viewer ("Editing “Title”", "On the
	 * dashboard"), as a link when the server gave one. Text only; the link must be http(s).
	 *
	 * @param {Object} user      Online user item.
	 * @param {string} className Class of the element.
	 * @return {HTMLElement} A link, or a span when there is no link.
	 */
	function where( user, className ) {
		const label = String(
			user.label || __( 'Elsewhere in the admin', 'presence' )
		);
		const url = String( user.url || '' );
		if ( ! /^https?:\/\//i.test( url ) ) {
			return el( 'span', className, label );
		}
		const link = el( 'a', className, label );
		link.href = url;
		return link;
	}

	function statusLabel( status ) {
		return status === 'idle'
			? __( 'Idle', 'presence' )
			: __( 'Active', 'presence' );
	}

	/**
	 * "2 mins ago" ("just now" for the last few seconds) for a server unix time.
	 *
	 * @param {number} time
	 * @return {string} The translated phrase.
	 */
	function timeAgo( time ) {
		const seconds = Math.max(
			0,
			Math.round( presence.serverNow() - Number( time ) )
		);
		if ( seconds < 5 ) {
			return __( 'just now', 'presence' );
		}
		if ( seconds < 60 ) {
			return sprintf(
				/* translators: %d: number of seconds. */
				_n( '%d second ago', '%d seconds ago', seconds, 'presence' ),
				seconds
			);
		}
		const minutes = Math.round( seconds / 60 );
		if ( minutes < 60 ) {
			return sprintf(
				/* translators: %d: number of minutes. */
				_n( '%d min ago', '%d mins ago', minutes, 'presence' ),
				minutes
			);
		}
		const hours = Math.round( minutes / 60 );
		return sprintf(
			/* translators: %d: number of hours. */
			_n( '%d hour ago', '%d hours ago', hours, 'presence' ),
			hours
		);
	}

	/**
	 * A <time> element saying how long ago a server unix time was.
	 *
	 * @param {number} time
	 * @return {HTMLElement} The time element.
	 */
	function timeEl( time ) {
		const node = el( 'time', 'wpp-ago', timeAgo( time ) );
		node.setAttribute(
			'datetime',
			new Date( Number( time ) * 1000 ).toISOString()
		);
		node.setAttribute( 'data-time', String( time ) );
		return node;
	}

	/**
	 * Announces who joined and who left between two lists, through wp.a11y.speak (polite).
	 *
	 * @param {Array|null} before Users shown before (null on first render: nothing is announced).
	 * @param {Array}      after  Users shown now.
	 * @param {Function}   joined Message for a join, given the name.
	 * @param {Function}   left   Message for a leave, given the name.
	 */
	function announce( before, after, joined, left ) {
		if ( ! before || ! window.wp || ! wp.a11y || ! wp.a11y.speak ) {
			return;
		}
		const ids = function ( list ) {
			const map = {};
			list.forEach( function ( user ) {
				map[ user.user_id ] = user;
			} );
			return map;
		};
		const was = ids( before );
		const now = ids( after );
		const messages = [];
		after.forEach( function ( user ) {
			if ( ! was[ user.user_id ] ) {
				messages.push( joined( user.display_name ) );
			}
		} );
		before.forEach( function ( user ) {
			if ( ! now[ user.user_id ] ) {
				messages.push( left( user.display_name ) );
			}
		} );
		if ( messages.length ) {
			wp.a11y.speak( messages.join( ' ' ), 'polite' );
		}
	}

	/**
	 * Announces who came online and who went offline, once per page whichever surface shows it
	 * (the admin bar where there is one, else the Who's online widget).
	 *
	 * @param {Array|null} before Other users before.
	 * @param {Array}      after  Other users now.
	 */
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
	 * Calls render( update ) now with the state held, and on every update.
	 *
	 * @param {Function} render
	 */
	function subscribe( render ) {
		window
			.jQuery( document )
			.on( 'wpp:presence', function ( event, update ) {
				render( update );
			} );
		render( {
			online: presence.online,
			editors: presence.editors,
			activePosts: presence.activePosts,
			postRows: presence.postRows,
			stale: presence.stale,
		} );
	}

	/**
	 * Runs fn once the DOM is ready.
	 *
	 * @param {Function} fn
	 */
	function ready( fn ) {
		if ( document.readyState === 'loading' ) {
			document.addEventListener( 'DOMContentLoaded', fn );
		} else {
			fn();
		}
	}

	presence.ui = {
		el,
		avatar,
		upgradeAvatars,
		where,
		statusLabel,
		timeAgo,
		timeEl,
		announce,
		announceOnline,
		subscribe,
		ready,
	};
} )( window.wppPresence, window.wp && window.wp.i18n );
