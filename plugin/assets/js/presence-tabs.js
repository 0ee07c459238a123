/**
 * One pinging tab per site: the tabs of a browser that show this site elect a leader with a Web
 * Lock and talk over a BroadcastChannel, both named `{scope}|wpp-presence` (the scope is the
 * site's admin-ajax URL, as the feature plugin names its locks, so each site of a network
 * elects its own).
 *
 * Every tab queues for the lock; the holder leads. A tab the user turns to — one that becomes
 * visible or gets the focus — takes the lock over (`steal`), and a visible tab takes it from a
 * leader that went hidden or is closing, so the leader is the tab the user looks at, within a
 * second of any change. With no visible tab left, the last leader keeps the lock: it keeps the
 * user listed (its pings say the page has no focus) instead of letting them drop out while a
 * tab of theirs is still open. Closing a tab releases its lock; the next in line takes it.
 *
 * Without Web Locks every tab works on its own (`solo`), as before leaders existed.
 *
 * Messages on the channel: `{t: 'state', id, leader, visible}` (a tab's role and visibility),
 * `{t: 'hello', id, visible}` (a new tab: the leader answers with its state), `{t: 'bye', id,
 * leader}` (a tab is closing), and whatever the client posts (relayed heartbeat answers,
 * versions seen by the live lane).
 *
 * @param {Object} presence `window.wppPresence`, where `createTabs` is defined.
 * @since 0.3.0
 */
( function ( presence ) {
	'use strict';

	/**
	 * Joins the election of a site's tabs.
	 *
	 * @param {string}   scope             The site and user (admin-ajax URL|user id).
	 * @param {Object}   options
	 * @param {Function} options.onRole    ( role, tookOver ): 'leader', 'follower' or 'solo';
	 *                                     tookOver when leadership moved here from another tab.
	 * @param {Function} options.onMessage ( message ): a message another tab posted.
	 * @return {Object} `{ id, role(), isLeader(), leaderVisible(), peers(), post( message ), leaving() }`.
	 */
	presence.createTabs = function ( scope, options ) {
		const name = String( scope || '' ) + '|wpp-presence';
		const id = Math.random().toString( 36 ).slice( 2 );
		const locks =
			window.navigator && window.navigator.locks
				? window.navigator.locks
				: null;
		let channel = null;
		try {
			channel =
				typeof window.BroadcastChannel === 'function'
					? new window.BroadcastChannel( name )
					: null;
		} catch {
			channel = null;
		}

		let role = locks ? 'follower' : 'solo';
		// What the other tabs said last: id => { visible, leader }.
		const others = {};
		// Resolving it gives the lock back; set while this tab holds it.
		let release = null;
		// Which of this tab's requests holds the lock: a steal can take it from an older request
		// of the same tab, granted a moment before, whose end must then change nothing.
		let holding = null;
		// Aborts this tab's place in the queue.
		let queued = null;
		let closing = false;

		function visible() {
			return ! document.hidden;
		}

		function post( message ) {
			if ( channel ) {
				try {
					channel.postMessage( message );
				} catch {
					// A closed channel (the page is going away).
				}
			}
		}

		function announce() {
			post( {
				t: 'state',
				id,
				leader: role === 'leader',
				visible: visible(),
			} );
		}

		function setRole( next, tookOver ) {
			if ( role === next ) {
				return;
			}
			role = next;
			announce();
			options.onRole( role, !! tookOver );
		}

		/**
		 * Asks for the lock: in the queue, or at once by taking it from the holder.
		 *
		 * @param {boolean}  steal   Take it over.
		 * @param {boolean=} initial The page's first request (leading from the start is no takeover).
		 */
		function request( steal, initial ) {
			if ( ! locks || closing || role === 'leader' ) {
				return;
			}
			if ( ! steal && queued ) {
				return; // Already in line.
			}
			if ( queued ) {
				queued.abort();
				queued = null;
			}
			const controller = steal ? null : new window.AbortController();
			const ticket = {};
			queued = controller;
			const held = locks.request(
				name,
				steal ? { steal: true } : { signal: controller.signal },
				function () {
					if ( queued === controller ) {
						queued = null;
					}
					if ( closing ) {
						return undefined;
					}
					return new Promise( function ( resolve ) {
						holding = ticket;
						release = resolve;
						setRole( 'leader', ! initial );
					} );
				}
			);
			held.then(
				function () {
					if ( holding === ticket ) {
						holding = null;
						release = null;
					}
				},
				function () {
					if ( queued === controller ) {
						queued = null;
					}
					if ( holding && holding !== ticket ) {
						return; // This tab's newer request holds the lock (it took it from this one).
					}
					// Taken over by another tab, or this place in line given up.
					holding = null;
					release = null;
					if ( role === 'leader' ) {
						setRole( 'follower', false );
					}
					request( false );
				}
			);
		}

		/**
		 * Whether a leader other than this tab is known to be visible.
		 *
		 * @return {boolean} True when another tab leads and the user sees it.
		 */
		function visibleLeaderElsewhere() {
			return Object.keys( others ).some( function ( other ) {
				return others[ other ].leader && others[ other ].visible;
			} );
		}

		if ( channel ) {
			channel.onmessage = function ( event ) {
				const message = event.data || {};
				if ( message.t === 'state' || message.t === 'hello' ) {
					others[ message.id ] = {
						visible: !! message.visible,
						leader: !! message.leader,
					};
					if ( message.t === 'hello' && role === 'leader' ) {
						announce();
					}
					// The leader went out of sight: a tab the user sees takes over.
					if (
						message.leader &&
						! message.visible &&
						visible() &&
						role === 'follower'
					) {
						request( true );
					}
					return;
				}
				if ( message.t === 'bye' ) {
					delete others[ message.id ];
					if ( message.leader && visible() && role === 'follower' ) {
						request( true );
					}
				}
				options.onMessage( message );
			};
		}

		if ( locks ) {
			document.addEventListener( 'visibilitychange', function () {
				announce();
				if ( visible() && role === 'follower' ) {
					request( true );
				}
			} );
			window.addEventListener( 'focus', function () {
				if ( visible() && role === 'follower' ) {
					request( true );
				}
			} );
			window.addEventListener( 'pageshow', function ( event ) {
				if ( event.persisted ) {
					closing = false;
					request( visible() );
				}
			} );
			// A visible tab opened beside a visible leader waits its turn; one opened beside a
			// hidden leader (or alone) leads at once.
			request( false, true );
			post( { t: 'hello', id, visible: visible() } );
			window.setTimeout( function () {
				if (
					visible() &&
					role === 'follower' &&
					! visibleLeaderElsewhere()
				) {
					request( true, true );
				}
			}, 200 );
		}

		return {
			id,
			role() {
				return role;
			},
			isLeader() {
				return role === 'leader' || role === 'solo';
			},
			/**
			 * Other tabs of this site open in this browser, as far as they said.
			 *
			 * @return {number} How many.
			 */
			peers() {
				return Object.keys( others ).length;
			},
			post,
			/**
			 * The page is going away: tell the others, give the lock back.
			 */
			leaving() {
				post( { t: 'bye', id, leader: role === 'leader' } );
				closing = true;
				if ( queued ) {
					queued.abort();
					queued = null;
				}
				if ( release ) {
					release();
				}
				// Without a callback: the page is going. Back from the back/forward cache, it
				// queues again as a follower.
				role = locks ? 'follower' : 'solo';
			},
		};
	};
} )( ( window.wppPresence = window.wppPresence || {} ) );
