/**
 * Helpers shared by the presence surfaces: DOM building (text nodes only: names and titles come
 * from other users and are never parsed as HTML), avatars with an initials fallback, labels, and
 * screen-reader announcements of who came and went.
 *
 * @since 0.1.0
 */
( function ( presence ) {
	'use strict';

	if ( ! presence ) {
		return;
	}

	var config = presence.config;
	var l10n = config.l10n || {};

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

	function format( template, value ) {
		return String( template || '%s' ).replace( /%(s|d)/, String( value ) );
	}

	function initials( name ) {
		var parts = String( name || '?' ).trim().split( /\s+/ );
		var first = Array.from( parts[ 0 ] || '?' )[ 0 ] || '?';
		var last = parts.length > 1 ? Array.from( parts[ parts.length - 1 ] )[ 0 ] || '' : '';
		return ( first + last ).toUpperCase();
	}

	/**
	 * An avatar image, replaced by the user's initials when there is no URL or it fails to load
	 * (e.g. Gravatar unreachable).
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
		img.loading = 'lazy';
		img.referrerPolicy = 'no-referrer';
		img.addEventListener( 'error', function () {
			if ( img.parentNode ) {
				img.parentNode.replaceChild( fallback, img );
			}
		} );
		img.src = url;
		return img;
	}

	/**
	 * What a user is doing, in words, from the screen and title their own heartbeat stored.
	 *
	 * @param {Object} user Online user item.
	 * @return {string}
	 */
	function doing( user ) {
		var screen = String( user.screen || '' );
		var title = String( user.title || '' );
		if ( screen === 'dashboard' ) {
			return l10n.dashboard;
		}
		if ( ( config.editorScreens || [] ).indexOf( screen ) !== -1 ) {
			return title ? format( l10n.editing, title ) : l10n.editingUntitled;
		}
		if ( screen === 'front' ) {
			return title ? format( l10n.viewing, title ) : l10n.inAdmin;
		}
		return title || l10n.inAdmin;
	}

	function statusLabel( status ) {
		return status === 'idle' ? l10n.idle : l10n.active;
	}

	/**
	 * Announces who joined and who left between two lists, through wp.a11y.speak (polite).
	 *
	 * @param {Array|null} before Users shown before (null on first render: nothing is announced).
	 * @param {Array}      after  Users shown now.
	 * @param {string}     joined Template for a join (%s = name).
	 * @param {string}     left   Template for a leave.
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
				messages.push( format( joined, user.display_name ) );
			}
		} );
		before.forEach( function ( user ) {
			if ( ! now[ user.user_id ] ) {
				messages.push( format( left, user.display_name ) );
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
		format: format,
		avatar: avatar,
		doing: doing,
		statusLabel: statusLabel,
		announce: announce,
		subscribe: subscribe,
	};
} )( window.wppPresence );
