/**
 * The live lane's poller: asks plugin/live.php (no WordPress behind it) which of the rooms this
 * page follows changed, every `interval` ms while the user is there; once they have given no
 * input for `idleAfter` ms (`alone` ms when nobody else is online) the polls grow apart, by half
 * each time, up to `max`; a key press, a click or a change brings them back to `interval`. None
 * while the page is hidden or not the leading tab. The client (presence-client.js) decides what a change
 * is worth — usually a heartbeat at once, for the answer built for this user.
 *
 * The answer's versions are unsigned 64-bit numbers; they are compared as the text the server
 * wrote, never as JavaScript numbers (which are exact only up to 2^53).
 *
 * Above `crowd` people online, a page that shows who is online (the dashboard) asks each poll
 * for the roster of `admin/online` (`X-WPP-Live-Roster`: the version its list was built from)
 * and polls at least `crowdInterval` apart; the lane answers the roster only when that room moved.
 *
 * A refused token (a 4xx with the entry point's `X-Presence-Live` header and a `token_…` code)
 * asks for a new one through the heartbeat; a `roster_not_allowed` only stops the page asking
 * for the roster. A host that refuses the file itself (a 4xx without
 * that header), a missing extension (503) or a lane that keeps failing turns the lane off for the
 * page, and for the rest of the browser session when the host refused it: presence then comes
 * with the heartbeat alone.
 *
 * @param {Object} presence `window.wppPresence`, where `createLane` is defined.
 * @since 0.3.0
 */
( function ( presence ) {
	'use strict';

	const BLOCKED_KEY = 'wpp-live-refused:';

	/**
	 * The versions in a poll's answer, as text: `{"v":[12,0],"t":…}` → ['12', '0'].
	 *
	 * @param {string} body Answer body.
	 * @return {Array|null} The versions, or null when the body is not an answer.
	 */
	function parseVersions( body ) {
		const match = /^\{"v":\[([0-9,]*)\]/.exec( String( body ) );
		if ( ! match ) {
			return null;
		}
		return match[ 1 ] === '' ? [] : match[ 1 ].split( ',' );
	}

	/**
	 * The roster in a poll's answer (`"r":{v, n, u}`), or null when there is none.
	 *
	 * @param {string} body Answer body.
	 * @return {Object|null} `{v, n, u: [[userId, card|null], …]}`.
	 */
	function parseRoster( body ) {
		if ( String( body ).indexOf( ',"r":{' ) === -1 ) {
			return null;
		}
		try {
			const roster = JSON.parse( body ).r;
			return roster && Array.isArray( roster.u ) ? roster : null;
		} catch {
			return null;
		}
	}

	/**
	 * A poller for one page.
	 *
	 * @param {Object}   live             `config.live` from the server.
	 * @param {Object}   hooks
	 * @param {Function} hooks.onVersions ( versions ): room => version text, every answer.
	 * @param {Function} hooks.onRefused  ( code ): the token was refused; a new one is needed.
	 * @param {Function} hooks.onOff      ( reason ): the lane is off for this page.
	 * @param {Function} hooks.shouldPoll (): whether to poll now (leading, visible, something to watch).
	 * @param {Function} hooks.alone      (): whether nobody else is there.
	 * @param {Function} hooks.roster     (): the version text of the roster held, to ask for
	 *                                    the roster; null not to ask (not crowded, no list).
	 * @param {Function} hooks.onRoster   ( roster ): a roster came with an answer.
	 * @return {Object} The poller.
	 */
	presence.createLane = function ( live, hooks ) {
		const poll = live.poll;
		const lane = {
			on: true,
			token: live.token,
			expires: live.expires,
			rooms: live.rooms.slice(),
			sig: live.sig,
			// room => version text, as last seen (the page's, then each poll's and heartbeat's).
			versions: Object.assign( {}, live.versions ),
			delay: poll.interval,
			lastInput: Date.now(),
			polls: 0,
			// Polls that asked for the roster, and rosters answered.
			rosterPolls: 0,
			rosters: 0,
			// The token may not read the roster (`roster_not_allowed`): this page stops asking.
			rosterRefused: false,
			refusals: 0,
			failures: 0,
			waitingForToken: false,
		};
		let timer = null;
		let inflight = null;

		try {
			if (
				window.sessionStorage &&
				window.sessionStorage.getItem( BLOCKED_KEY + live.url )
			) {
				lane.on = false;
			}
		} catch {
			// Storage may be unavailable (privacy settings): the lane is tried.
		}

		function off( reason, remember ) {
			if ( ! lane.on ) {
				return;
			}
			lane.on = false;
			stop();
			if ( remember ) {
				try {
					window.sessionStorage.setItem(
						BLOCKED_KEY + live.url,
						reason
					);
				} catch {
					// Nothing to remember it in: the next page tries once more.
				}
			}
			hooks.onOff( reason );
		}

		function stop() {
			window.clearTimeout( timer );
			timer = null;
		}

		/**
		 * The version text of the roster the page holds, to ask for the roster; null not to
		 * ask (not crowded, no list, or the token may not read it).
		 *
		 * @return {string|null} Version text.
		 */
		function rosterHeld() {
			return lane.rosterRefused ? null : hooks.roster();
		}

		/**
		 * The least delay: the interval, or a crowd's roster polls' (further apart).
		 *
		 * @return {number} Milliseconds.
		 */
		function leastDelay() {
			return poll.crowdInterval && rosterHeld() !== null
				? Math.max( poll.interval, poll.crowdInterval )
				: poll.interval;
		}

		/**
		 * The next delay: the interval while the user is there, growing once they are idle —
		 * sooner when nobody else is online.
		 *
		 * @return {number} Milliseconds.
		 */
		function nextDelay() {
			const quiet = Date.now() - lane.lastInput;
			// Growing from the least delay once the user is idle.
			const least = leastDelay();
			if ( quiet <= ( hooks.alone() ? poll.alone : poll.idleAfter ) ) {
				return least;
			}
			return Math.min(
				Math.max( poll.max, least ),
				Math.max( least, Math.round( lane.delay * 1.5 ) )
			);
		}

		function schedule( delay ) {
			stop();
			if ( ! lane.on || lane.waitingForToken || ! hooks.shouldPoll() ) {
				return;
			}
			lane.delay = delay;
			timer = window.setTimeout( pollNow, delay );
		}

		function answered( versions ) {
			lane.failures = 0;
			lane.refusals = 0;
			const seen = {};
			lane.rooms.forEach( function ( room, i ) {
				if ( versions[ i ] !== undefined ) {
					seen[ room ] = versions[ i ];
				}
			} );
			hooks.onVersions( seen );
		}

		function pollNow() {
			timer = null;
			if (
				! lane.on ||
				inflight ||
				lane.waitingForToken ||
				! hooks.shouldPoll()
			) {
				return;
			}
			lane.polls++;
			const controller = new window.AbortController();
			inflight = controller;
			const headers = {
				'X-WPP-Live-Token': lane.token,
				'X-WPP-Live-Cookie': live.cookie,
			};
			const held = rosterHeld();
			if ( held !== null ) {
				headers[ 'X-WPP-Live-Roster' ] = held;
				lane.rosterPolls++;
			}
			window.wp
				.apiFetch( {
					url: live.url,
					method: 'GET',
					headers,
					cache: 'no-store',
					credentials: 'same-origin',
					parse: false,
					signal: controller.signal,
				} )
				.then( function ( response ) {
					return response.text().then( function ( body ) {
						const versions = parseVersions( body );
						if ( versions ) {
							answered( versions );
						}
						const roster = held !== null && parseRoster( body );
						if ( roster ) {
							lane.rosters++;
							hooks.onRoster( roster );
						}
					} );
				} )
				.catch( function ( error ) {
					if ( controller.signal.aborted ) {
						return;
					}
					const response =
						error && typeof error.status === 'number'
							? error
							: null;
					const ours =
						response &&
						response.headers &&
						response.headers.get( 'X-Presence-Live' ) === '1';
					if ( ! response ) {
						// The network: try again, further apart; give up after a few.
						lane.failures++;
						if ( lane.failures >= 5 ) {
							off( 'network', false );
						}
						return;
					}
					if ( ! ours ) {
						// The host answered, not the entry point: it refuses PHP files here.
						off(
							'refused-' + response.status,
							response.status < 500
						);
						return;
					}
					if ( response.status === 400 || response.status === 403 ) {
						return response
							.json()
							.catch( function () {
								return {};
							} )
							.then( function ( json ) {
								refused( ( json && json.code ) || '' );
							} );
					}
					off( 'unavailable-' + response.status, false );
				} )
				.then( function () {
					if ( inflight === controller ) {
						inflight = null;
					}
					schedule( nextDelay() );
				} );
		}

		/**
		 * A refusal of the lane's entry point. A token without the roster claim asking for the
		 * roster is no bad token: the page asks for the versions only from then on. Any other
		 * asks the heartbeat for a new token; after a few the lane is off.
		 *
		 * @param {string} code The answer's code.
		 */
		function refused( code ) {
			if ( code === 'roster_not_allowed' ) {
				lane.rosterRefused = true;
				return;
			}
			lane.refusals++;
			if ( lane.refusals > 3 ) {
				off( 'refused-token', false );
				return;
			}
			lane.waitingForToken = true;
			hooks.onRefused( code );
		}

		lane.schedule = schedule;
		/**
		 * Polls when due: starts polling if it is not (keeps the back-off it has).
		 */
		lane.ensure = function () {
			if ( ! timer && ! inflight ) {
				schedule( nextDelay() );
			}
		};
		lane.stop = stop;
		lane.off = off;
		/**
		 * Polls again as soon as the interval allows: after a change, or when the user is back.
		 */
		lane.snap = function () {
			const least = leastDelay();
			if ( lane.delay > least || ! timer ) {
				schedule( least );
			}
		};
		/**
		 * The user did something: the next poll comes at the interval again.
		 */
		lane.input = function () {
			lane.lastInput = Date.now();
			if ( lane.delay > leastDelay() ) {
				lane.snap();
			}
		};
		/**
		 * A heartbeat's `presence-live`: the versions it read, and a new token or room list.
		 *
		 * @param {Object} answer `{versions, token?, expires?, rooms?, sig?, off?}`.
		 */
		lane.heartbeat = function ( answer ) {
			if ( answer.off ) {
				off( 'server', false );
				return;
			}
			if ( Array.isArray( answer.rooms ) && answer.rooms.length ) {
				lane.rooms = answer.rooms.slice();
			}
			if ( typeof answer.sig === 'string' ) {
				lane.sig = answer.sig;
			}
			if ( typeof answer.token === 'string' && answer.token ) {
				lane.token = answer.token;
				lane.expires = Number( answer.expires ) || 0;
				if ( lane.waitingForToken ) {
					lane.waitingForToken = false;
					schedule( poll.interval );
				}
			}
		};
		/**
		 * Aborts a poll in flight (the page is going away, or no longer leads).
		 */
		lane.abort = function () {
			if ( inflight ) {
				inflight.abort();
				inflight = null;
			}
			stop();
		};
		lane.parseVersions = parseVersions;
		lane.parseRoster = parseRoster;
		return lane;
	};
} )( ( window.wppPresence = window.wppPresence || {} ) );
