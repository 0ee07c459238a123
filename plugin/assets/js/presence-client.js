/**
 * Presence client: adds `presence-ping` (and, in the post editor, `presence-editor-ping`) to each
 * heartbeat tick, keeps what the server answers in `window.wppPresence`, and publishes every
 * update as the jQuery event `wpp:presence` on `document` with `{online, editors}`.
 *
 * Configuration: the `wppPresenceConfig` object printed before this file (see
 * plugin/includes/surfaces/assets.php). Wire format: docs/CONTRACTS.md.
 *
 * @since 0.1.0
 */
( function ( $, config ) {
	'use strict';

	if ( ! $ || ! config ) {
		return;
	}

	var state = ( window.wppPresence = {
		config: config,
		online: null,
		editors: null,
		// Server clock minus browser clock, in seconds (from core's `server_time`).
		clockOffset: ( config.serverTime || Date.now() / 1000 ) - Date.now() / 1000,
		// Browser time (ms) at which each room's full list was last received.
		receivedAt: { online: 0, editors: 0 },
		serverNow: function () {
			return Date.now() / 1000 + state.clockOffset;
		},
		status: function ( user ) {
			return state.serverNow() - user.updated_at > config.idleAfter ? 'idle' : 'active';
		},
	} );

	/**
	 * The version of a room the browser holds, if it is recent enough to be answered with
	 * `unchanged`; older lists are asked for again so their timestamps stay fresh.
	 *
	 * @param {string} key 'online' or 'editors'.
	 * @return {number|undefined}
	 */
	function knownVersion( key ) {
		var room = state[ key ];
		if ( ! room || Date.now() - state.receivedAt[ key ] > config.refreshAfter * 1000 ) {
			return undefined;
		}
		return room.version;
	}

	/**
	 * Takes a room payload from the server. `unchanged` keeps the users held and re-evaluates
	 * their status from their timestamps.
	 *
	 * @param {string} key     'online' or 'editors'.
	 * @param {Object} payload Server payload.
	 */
	function receive( key, payload ) {
		if ( ! payload || typeof payload !== 'object' ) {
			return;
		}
		var held = state[ key ];
		if ( payload.unchanged ) {
			if ( ! held || held.version !== payload.version ) {
				return; // Nothing to keep: the next tick sends no version and gets the list.
			}
			held.users.forEach( function ( user ) {
				user.status = state.status( user );
			} );
			return;
		}
		state[ key ] = {
			version: payload.version,
			total: payload.total || 0,
			post_id: payload.post_id,
			room: payload.room,
			users: Array.isArray( payload.users ) ? payload.users : [],
		};
		state.receivedAt[ key ] = Date.now();
	}

	function publish() {
		$( document ).trigger( 'wpp:presence', [ { online: state.online, editors: state.editors } ] );
	}

	$( document ).on( 'heartbeat-send.wppPresence', function ( event, data ) {
		if ( document.hidden ) {
			return; // Hidden tabs are not "there": their entries age into idle and expire.
		}
		// No title: what others read about a post comes from the server's copy of it.
		var ping = { screen: config.screen, tab: config.tab, versions: {} };
		var online = knownVersion( 'online' );
		if ( online !== undefined ) {
			ping.versions.online = online;
		}
		if ( config.isEditor && config.postId ) {
			var editors = knownVersion( 'editors' );
			ping.post_id = config.postId;
			if ( editors !== undefined ) {
				ping.versions.editors = editors;
			}
			data[ 'presence-editor-ping' ] = { post_id: config.postId };
		}
		data[ 'presence-ping' ] = ping;
	} );

	$( document ).on( 'heartbeat-tick.wppPresence', function ( event, data ) {
		if ( ! data || ( ! data[ 'presence-online' ] && ! data[ 'presence-editors' ] ) ) {
			return;
		}
		if ( typeof data.server_time === 'number' ) {
			state.clockOffset = data.server_time - Date.now() / 1000;
		}
		receive( 'online', data[ 'presence-online' ] );
		receive( 'editors', data[ 'presence-editors' ] );
		publish();
	} );

	// A tab coming back asks at once instead of waiting for the next tick.
	document.addEventListener( 'visibilitychange', function () {
		if ( ! document.hidden && window.wp && wp.heartbeat ) {
			wp.heartbeat.connectNow();
		}
	} );

	// The page's initial state, so surfaces show something before the first tick.
	var initial = config.initial || {};
	receive( 'online', initial.online );
	receive( 'editors', initial.editors );
	$( function () {
		if ( state.online || state.editors ) {
			publish();
		}
	} );
} )( window.jQuery, window.wppPresenceConfig );
