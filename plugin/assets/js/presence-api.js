/**
 * `wp.presence`, the feature plugin's script API (script handle `wp-presence`):
 *
 * - `wp.presence.usePresenceUsers( room, { includeSelf = false, fields } )`: a React hook for
 *   the people in a room, `{ isPresent, isLoading, users: [ { id, displayName, avatarUrl } ],
 *   error }`, read with `GET wp-presence/v1/presence?room=…` (the privacy rule applies) — when the
 *   page starts following the room, then when the live lane says the room changed; without the
 *   lane, on every heartbeat tick of a visible tab. All components of a page that follow one room
 *   share one read.
 * - `wp.presence.markScreenStale( key )`: tells the others who have a screen open that it was
 *   just saved (`POST wp-presence/v1/screens/stale`).
 *
 * The hook needs `wp.element` (React), which any component calling it has loaded.
 *
 * @param {Object} presence The client's state, `window.wppPresence` (presence-client.js).
 * @since 0.1.0
 * @since 0.3.0 usePresenceUsers(); requests through wp.apiFetch.
 */
( function ( presence ) {
	'use strict';

	const wp = window.wp;
	if ( ! wp || ! wp.hooks || ! wp.apiFetch ) {
		return;
	}

	const FIELDS = 'user_id,display_name,avatar_url';
	const EMPTY = Object.freeze( {
		isPresent: false,
		isLoading: false,
		users: [],
		error: null,
	} );
	// `room|fields` => the shared read of that room.
	const readers = {};

	function currentUserId() {
		return presence && presence.config
			? Number( presence.config.userId ) || 0
			: 0;
	}

	/**
	 * The shared read of one room: fetches on demand, one request at a time (a new one aborts the
	 * one before), and tells every subscriber the result.
	 *
	 * @param {string} room
	 * @param {string} fields
	 * @return {Object} The reader.
	 */
	function reader( room, fields ) {
		const key = room + '|' + fields;
		if ( readers[ key ] ) {
			return readers[ key ];
		}
		const self = {
			room,
			listeners: [],
			last: null,
			controller: null,
			// Whether the live lane reports this room's changes; otherwise every tick reads it.
			followed: false,
		};
		self.fetch = function () {
			if ( document.hidden && self.last ) {
				return; // Read again when the page is seen.
			}
			if ( self.controller ) {
				self.controller.abort();
			}
			const controller = new window.AbortController();
			self.controller = controller;
			wp.apiFetch( {
				path:
					'/wp-presence/v1/presence?room=' +
					encodeURIComponent( room ) +
					'&_fields=' +
					encodeURIComponent( fields ),
				signal: controller.signal,
			} )
				.then(
					function ( entries ) {
						return {
							entries: Array.isArray( entries ) ? entries : [],
							error: null,
						};
					},
					function ( error ) {
						return controller.signal.aborted
							? null
							: { entries: [], error };
					}
				)
				.then( function ( result ) {
					if ( ! result || self.controller !== controller ) {
						return;
					}
					self.controller = null;
					self.last = result;
					self.listeners.slice().forEach( function ( listener ) {
						listener( result );
					} );
				} );
		};
		self.followed = !! (
			presence &&
			presence.follow &&
			presence.follow( room )
		);
		readers[ key ] = self;
		return self;
	}

	// The lane says a room changed: read it again. Ticks read the rooms the lane does not report.
	wp.hooks.addAction(
		'wpp.presence.roomsChanged',
		'wpp/presence-api',
		function ( rooms ) {
			Object.keys( readers ).forEach( function ( key ) {
				const item = readers[ key ];
				if (
					item.listeners.length &&
					rooms.indexOf( item.room ) !== -1
				) {
					item.followed = true;
					item.fetch();
				}
			} );
		}
	);
	wp.hooks.addAction( 'heartbeat.tick', 'wpp/presence-api', function () {
		Object.keys( readers ).forEach( function ( key ) {
			const item = readers[ key ];
			if ( ! item.listeners.length ) {
				return;
			}
			if ( presence && presence.follow ) {
				item.followed = presence.follow( item.room );
			}
			if ( ! item.followed ) {
				item.fetch();
			}
		} );
	} );

	/**
	 * The people in a result, as the hook gives them.
	 *
	 * @param {Object}  result      `{entries, error}`.
	 * @param {boolean} includeSelf Whether to list the current user.
	 * @return {Object} The hook's value.
	 */
	function toState( result, includeSelf ) {
		const seen = {};
		const users = [];
		result.entries.forEach( function ( entry ) {
			const id = Number( entry && entry.user_id );
			if ( ! ( id > 0 ) || seen[ id ] ) {
				return;
			}
			seen[ id ] = true;
			if ( ! includeSelf && id === currentUserId() ) {
				return;
			}
			users.push( {
				id,
				displayName: entry.display_name || 'User ' + id,
				avatarUrl: entry.avatar_url || '',
			} );
		} );
		return {
			isPresent: users.length > 0,
			isLoading: false,
			users,
			error: result.error,
		};
	}

	/**
	 * The people in a room, kept current (a React hook).
	 *
	 * @param {string|null} room                Room name, such as `postType/wp_block:12`.
	 * @param {Object=}     options
	 * @param {boolean=}    options.includeSelf List the current user too.
	 * @param {string=}     options.fields      REST fields to read.
	 * @return {Object} `{ isPresent, isLoading, users, error }`.
	 */
	function usePresenceUsers( room, options ) {
		const element = wp.element;
		const includeSelf = !! ( options && options.includeSelf );
		const fields = ( options && options.fields ) || FIELDS;
		const [ state, setState ] = element.useState( function () {
			return room && wp.heartbeat
				? Object.assign( {}, EMPTY, { isLoading: true } )
				: EMPTY;
		} );
		element.useEffect(
			function () {
				if ( ! room || ! wp.heartbeat ) {
					setState( EMPTY );
					return undefined;
				}
				const shared = reader( String( room ), fields );
				const listener = function ( result ) {
					setState( toState( result, includeSelf ) );
				};
				shared.listeners.push( listener );
				if ( shared.last ) {
					listener( shared.last );
				} else if ( ! shared.controller ) {
					shared.fetch();
				}
				return function () {
					shared.listeners = shared.listeners.filter(
						function ( other ) {
							return other !== listener;
						}
					);
					if ( ! shared.listeners.length && shared.controller ) {
						shared.controller.abort();
						shared.controller = null;
					}
				};
			},
			[ room, fields, includeSelf ]
		);
		return state;
	}

	/**
	 * Tells the others who have a screen open that it was just saved (call it after a save done
	 * in the browser). Defaults to this page's own screen key.
	 *
	 * @param {string=} key Screen key, such as 'options/my-plugin'.
	 * @return {Promise<Object>} The server's answer; rejected on an error.
	 */
	function markScreenStale( key ) {
		key =
			key === undefined && presence && presence.screenKey
				? presence.screenKey()
				: String( key );
		if (
			! /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/.test( key ) ||
			key.length > 191
		) {
			return Promise.reject( new Error( 'Invalid screen key: ' + key ) );
		}
		const config = ( presence && presence.config ) || {};
		return wp.apiFetch( {
			path: '/wp-presence/v1/screens/stale',
			method: 'POST',
			// The page's token for its own key: a custom key is taken only with it.
			data:
				key === config.screenKey
					? { key, token: config.screenToken || '' }
					: { key },
		} );
	}

	wp.presence = Object.assign( wp.presence || {}, {
		usePresenceUsers,
		markScreenStale,
	} );
} )( window.wppPresence );
