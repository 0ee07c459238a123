/**
 * Presence client: adds `presence-ping` (and, in the post editor, `presence-editor-ping`) to each
 * heartbeat tick, with what the page's surfaces ask for (`presence-active-posts`,
 * `presence-post-rows`, `presence-screen`); keeps what the server answers in `window.wppPresence`;
 * and publishes every update as the jQuery event `wpp:presence` on `document` with
 * `{online, editors, activePosts, postRows, stale}`.
 *
 * Leaving: on `pagehide` the page tells the server at once (`POST wp-presence/v1/leave` with
 * `keepalive`), which removes the entries this page (tab) wrote; other tabs of the same browser
 * are told to tick now, so the user stays listed while one of them is open. A page restored from
 * the back/forward cache (`pageshow` with `persisted`) pings again at once.
 *
 * Also declares `wp.presence.markScreenStale( key )` for custom screens.
 *
 * Configuration: the `wppPresenceConfig` object printed before this file (see
 * plugin/includes/ui/assets.php). Wire format: docs/plugin.md.
 *
 * @param {Function} $      jQuery.
 * @param {Object}   config `window.wppPresenceConfig`.
 * @since 0.1.0
 */
( function ( $, config ) {
	'use strict';

	if ( ! $ || ! config ) {
		return;
	}

	// Payload keys of the heartbeat answer => state keys.
	const KEYS = {
		'presence-online': 'online',
		'presence-editors': 'editors',
		'presence-active-posts': 'activePosts',
		'presence-post-rows': 'postRows',
	};

	const state = ( window.wppPresence = {
		config,
		online: null,
		editors: null,
		activePosts: null,
		postRows: null,
		stale: null,
		// Server clock minus browser clock, in seconds (from core's `server_time`).
		clockOffset:
			( config.serverTime || Date.now() / 1000 ) - Date.now() / 1000,
		// Browser time (ms) at which each payload was last received in full.
		receivedAt: {},
		serverNow() {
			return Date.now() / 1000 + state.clockOffset;
		},
		status( user ) {
			return state.serverNow() - user.updated_at > config.idleAfter
				? 'idle'
				: 'active';
		},
	} );

	/**
	 * Every user item a payload holds.
	 *
	 * @param {Object} payload
	 * @return {Array} The user items, empty when there are none.
	 */
	function usersOf( payload ) {
		if ( ! payload ) {
			return [];
		}
		if ( Array.isArray( payload.users ) ) {
			return payload.users;
		}
		let all = [];
		( payload.posts || [] ).forEach( function ( post ) {
			all = all.concat( post.users || [] );
		} );
		Object.keys( payload.rows || {} ).forEach( function ( room ) {
			all = all.concat( payload.rows[ room ] || [] );
		} );
		return all;
	}

	/**
	 * The version the browser holds, if recent enough to be answered `unchanged`; older payloads
	 * are asked for again so their timestamps stay fresh.
	 *
	 * @param {string} key State key.
	 * @return {number|undefined} The version, or undefined to ask for the whole payload.
	 */
	function knownVersion( key ) {
		const held = state[ key ];
		if (
			! held ||
			Date.now() - ( state.receivedAt[ key ] || 0 ) >
				config.refreshAfter * 1000
		) {
			return undefined;
		}
		return held.version;
	}

	/**
	 * Takes a payload from the server. `unchanged` keeps what is held and re-evaluates the users'
	 * status from their timestamps.
	 *
	 * @param {string} key     State key.
	 * @param {Object} payload Server payload.
	 */
	function receive( key, payload ) {
		if ( ! payload || typeof payload !== 'object' ) {
			return;
		}
		const held = state[ key ];
		if ( payload.unchanged ) {
			if ( held && held.version === payload.version ) {
				usersOf( held ).forEach( function ( user ) {
					user.status = state.status( user );
				} );
			}
			return; // Nothing held: the next tick sends no version and gets it all.
		}
		if (
			( key === 'online' || key === 'editors' ) &&
			! Array.isArray( payload.users )
		) {
			payload.users = [];
		}
		state[ key ] = payload;
		state.receivedAt[ key ] = Date.now();
	}

	function publish() {
		$( document ).trigger( 'wpp:presence', [
			{
				online: state.online,
				editors: state.editors,
				activePosts: state.activePosts,
				postRows: state.postRows,
				stale: state.stale,
			},
		] );
	}

	/**
	 * The stale-screen key of this page: the server's, or the settings group of a Settings API
	 * form (`options/{option_page}`).
	 *
	 * @return {string} The key, or '' when the page has none.
	 */
	function screenKey() {
		if ( config.screenKey ) {
			return config.screenKey;
		}
		const group = document.querySelector(
			'form[action$="options.php"] input[name="option_page"]'
		);
		const key = group ? 'options/' + String( group.value ) : '';
		return /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/.test( key ) ? key : '';
	}

	$( document ).on( 'heartbeat-send.wppPresence', function ( event, data ) {
		if ( document.hidden ) {
			return; // Hidden tabs are not "there": their entries age into idle and expire.
		}
		// No title: what others read about a post comes from the server's copy of it.
		const ping = { screen: config.screen, tab: config.tab, versions: {} };
		const online = knownVersion( 'online' );
		if ( online !== undefined ) {
			ping.versions.online = online;
		}
		if ( config.isEditor && config.postId ) {
			const editors = knownVersion( 'editors' );
			ping.post_id = config.postId;
			if ( editors !== undefined ) {
				ping.versions.editors = editors;
			}
			data[ 'presence-editor-ping' ] = { post_id: config.postId };
		}
		data[ 'presence-ping' ] = ping;

		if ( config.activePosts ) {
			data[ 'presence-active-posts' ] = {
				version: knownVersion( 'activePosts' ),
			};
		}
		if ( config.postRows ) {
			data[ 'presence-post-rows' ] = {
				rooms: config.postRows.rooms,
				nonce: config.postRows.nonce,
				version: knownVersion( 'postRows' ),
			};
		}
		const key = screenKey();
		if ( key && config.screenSince ) {
			// Only saves newer than the one already shown: the server answers nothing for it
			// again, so a tick under the notice stays free (its check of the screen's object,
			// a term or a comment, costs a query).
			const since =
				state.stale && state.stale.key === key
					? Math.max(
							config.screenSince,
							Number( state.stale.saved_at ) || 0
						)
					: config.screenSince;
			data[ 'presence-screen' ] = { key, since };
		}
	} );

	$( document ).on( 'heartbeat-tick.wppPresence', function ( event, data ) {
		if ( ! data ) {
			return;
		}
		if ( typeof data.rest_nonce === 'string' ) {
			config.restNonce = data.rest_nonce; // Core refreshes it in the nonce's second half.
		}
		let any = false;
		Object.keys( KEYS ).forEach( function ( wire ) {
			if ( data[ wire ] ) {
				receive( KEYS[ wire ], data[ wire ] );
				any = true;
			}
		} );
		if ( data[ 'presence-stale' ] ) {
			state.stale = data[ 'presence-stale' ];
			any = true;
		}
		if ( ! any ) {
			return;
		}
		if ( typeof data.server_time === 'number' ) {
			state.clockOffset = data.server_time - Date.now() / 1000;
		}
		publish();
	} );

	function tickNow() {
		if ( window.wp && wp.heartbeat ) {
			wp.heartbeat.connectNow();
		}
	}

	// A tab coming back asks at once instead of waiting for the next tick.
	document.addEventListener( 'visibilitychange', function () {
		if ( ! document.hidden ) {
			tickNow();
		}
	} );

	// Tabs of this browser tell each other when one leaves: a visible one pings at once, so the
	// user does not drop out of the lists while a page of theirs is still open.
	let channel = null;
	try {
		channel =
			typeof window.BroadcastChannel === 'function'
				? new window.BroadcastChannel( 'wpp-presence-' + config.userId )
				: null;
	} catch {
		channel = null;
	}
	if ( channel ) {
		channel.onmessage = function ( event ) {
			if ( event.data === 'left' && ! document.hidden ) {
				tickNow();
			}
		};
	}

	// Logging out removes every entry of the user on the server: no leave request then (it would
	// arrive logged out and be refused).
	let loggingOut = false;
	document.addEventListener( 'click', function ( event ) {
		const link =
			event.target && event.target.closest
				? event.target.closest( 'a[href*="action=logout"]' )
				: null;
		if ( link ) {
			loggingOut = true;
		}
	} );

	/**
	 * Tells the server this page is going away (also into the back/forward cache).
	 */
	function leave() {
		if ( ! config.restUrl || ! config.tab || loggingOut ) {
			return;
		}
		const url = config.restUrl + 'leave';
		const body = JSON.stringify( { tab: config.tab } );
		try {
			if ( typeof window.fetch === 'function' ) {
				window
					.fetch( url, {
						method: 'POST',
						keepalive: true,
						credentials: 'same-origin',
						headers: {
							'Content-Type': 'application/json',
							'X-WP-Nonce': config.restNonce || '',
						},
						body,
					} )
					.catch( function () {} );
			} else if ( navigator.sendBeacon ) {
				const sep = url.indexOf( '?' ) === -1 ? '?' : '&';
				navigator.sendBeacon(
					url +
						sep +
						'_wpnonce=' +
						encodeURIComponent( config.restNonce || '' ),
					new Blob( [ body ], { type: 'application/json' } )
				);
			}
		} catch {
			// The entries expire after the TTL anyway.
		}
		if ( channel ) {
			channel.postMessage( 'left' );
		}
	}

	window.addEventListener( 'pagehide', leave );
	window.addEventListener( 'pageshow', function ( event ) {
		loggingOut = false;
		if ( event.persisted ) {
			// Back from the back/forward cache: everything held may be old; ask for it all.
			state.receivedAt = {};
			tickNow();
		}
	} );

	// wp.presence: the part other scripts may call.
	window.wp = window.wp || {};
	window.wp.presence = window.wp.presence || {};
	/**
	 * Tells the others who have a screen open that it was just saved (call it after a save done
	 * in the browser). Defaults to this page's own screen key.
	 *
	 * @param {string=} key Screen key, such as 'options/my-plugin'.
	 * @return {Promise<Object>} The server's answer; rejected on an error.
	 */
	window.wp.presence.markScreenStale = function ( key ) {
		key = key === undefined ? screenKey() : String( key );
		if (
			! /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/.test( key ) ||
			key.length > 191 ||
			typeof window.fetch !== 'function'
		) {
			return Promise.reject( new Error( 'Invalid screen key: ' + key ) );
		}
		return window
			.fetch( config.restUrl + 'screens/stale', {
				method: 'POST',
				credentials: 'same-origin',
				headers: {
					'Content-Type': 'application/json',
					'X-WP-Nonce': config.restNonce || '',
				},
				// The page's token for its own key: a custom key is taken only with it.
				body: JSON.stringify(
					key === config.screenKey
						? { key, token: config.screenToken || '' }
						: { key }
				),
			} )
			.then( function ( response ) {
				return response.json().then( function ( json ) {
					if ( ! response.ok ) {
						throw new Error(
							json && json.message
								? json.message
								: 'HTTP ' + response.status
						);
					}
					return json;
				} );
			} );
	};

	// The page's initial state, so surfaces show something before the first tick.
	const initial = config.initial || {};
	receive( 'online', initial.online );
	receive( 'editors', initial.editors );
	receive( 'activePosts', initial.activePosts );
	receive( 'postRows', initial.postRows );
	$( function () {
		publish();
	} );
} )( window.jQuery, window.wppPresenceConfig );
