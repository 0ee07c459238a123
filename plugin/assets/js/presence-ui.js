/**
 * Helpers shared by the presence surfaces: DOM building (text nodes only: names and titles come
 * from other users and are never parsed as HTML), avatars with an initials fallback, labels, and
 * screen-reader announcements of who came and went.
 *
 * @since 0.1.0
 */
( function ( presence, i18n ) {
	'use strict';

	if ( ! presence || ! i18n ) {
		return;
	}

	var config = presence.config;
	// Avatar URLs that have loaded once in this page.
	var loadedAvatars = {};
	var __ = i18n.__;
	var sprintf = i18n.sprintf;

	/**
	 * Creates an element with classes and optional text (set as text, never as HTML).
	 *
	 * @param {string} tag
	 * @param {string} className
	 * @param {string=} text
	 * @return {HTMLElement}
	 */
	function el( tag, className, text ) {
		var node = document.createElement( tag );
		if ( className ) {
			node.className = className;
		}
		if ( text !== undefined ) {
			node.textContent = String( text );
		}
		return node;
	}

	function initials( name ) {
		var parts = String( name || '?' ).trim().split( /\s+/ );
		var first = Array.from( parts[ 0 ] || '?' )[ 0 ] || '?';
		var last = parts.length > 1 ? Array.from( parts[ parts.length - 1 ] )[ 0 ] || '' : '';
		return ( first + last ).toUpperCase();
	}

	/**
	 * The user's initials at once, replaced by their avatar image once it has loaded (so a slow
	 * or unreachable avatar service never leaves a blank or broken image).
	 *
	 * @param {Object} user   Presence user item.
	 * @param {number} size   Pixels.
	 * @param {string} alt    Alternative text ('' when the name is printed next to it).
	 * @return {HTMLElement}
	 */
	function avatar( user, size, alt ) {
		var fallback = el( 'span', 'wpp-avatar wpp-avatar--initials', initials( user.display_name ) );
		fallback.style.width = fallback.style.height = size + 'px';
		fallback.style.lineHeight = size + 'px';
		// Same hue for the same user everywhere.
		fallback.style.backgroundColor = 'hsl(' + ( ( user.user_id * 67 ) % 360 ) + ', 45%, 40%)';
		if ( alt ) {
			fallback.setAttribute( 'role', 'img' );
			fallback.setAttribute( 'aria-label', alt );
		} else {
			fallback.setAttribute( 'aria-hidden', 'true' );
		}

		var url = String( user.avatar_url || '' );
		if ( ! /^https?:\/\//i.test( url ) ) {
			return fallback;
		}
		var img = el( 'img', 'wpp-avatar' );
		img.width = img.height = size;
		img.alt = alt || '';
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
	 * Where a user is: the label the server built for this viewer ("Editing “Title”", "On the
	 * dashboard"), as a link when the server gave one. Text only; the link must be http(s).
	 *
	 * @param {Object} user      Online user item.
	 * @param {string} className Class of the element.
	 * @return {HTMLElement}
	 */
	function where( user, className ) {
		var label = String( user.label || __( 'Elsewhere in the admin', 'presence' ) );
		var url = String( user.url || '' );
		if ( ! /^https?:\/\//i.test( url ) ) {
			return el( 'span', className, label );
		}
		var link = el( 'a', className, label );
		link.href = url;
		return link;
	}

	function statusLabel( status ) {
		return status === 'idle' ? __( 'Idle', 'presence' ) : __( 'Active', 'presence' );
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
		var ids = function ( list ) {
			var map = {};
			list.forEach( function ( user ) {
				map[ user.user_id ] = user;
			} );
			return map;
		};
		var was = ids( before );
		var now = ids( after );
		var messages = [];
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
	 * Calls render( {online, editors} ) now with the state held, and on every update.
	 *
	 * @param {Function} render
	 */
	function subscribe( render ) {
		window.jQuery( document ).on( 'wpp:presence', function ( event, update ) {
			render( update );
		} );
		if ( presence.online || presence.editors ) {
			render( { online: presence.online, editors: presence.editors } );
		}
	}

	presence.ui = {
		el: el,
		avatar: avatar,
		where: where,
		statusLabel: statusLabel,
		announce: announce,
		subscribe: subscribe,
	};
} )( window.wppPresence, window.wp && window.wp.i18n );
