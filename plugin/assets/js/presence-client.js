/**
 * Presence client: what a page sends with each heartbeat, what it does with the answer, and when
 * it asks — built on WordPress's own packages: the heartbeat's `heartbeat.send` / `heartbeat.tick`
 * actions and `wp.hooks` for events, `wp.apiFetch` for every request (its nonce refresh, and
 * `keepalive` when a page leaves), `wp.domReady`.
 *
 * - One tab per site pings (presence-tabs.js): the leader adds `presence-ping` (and
 *   `presence-editor-ping` in an editor) to its heartbeats and relays what the answer says about
 *   everyone (`presence-online`) to the other tabs. A hidden leader keeps pinging at the
 *   heartbeat's slow pace, saying `away`, so a user with an open tab stays listed (as idle).
 * - The live lane (presence-lane.js): the leading tab, while visible, polls plugin/live.php for
 *   the versions of the rooms the page follows; a change asks the heartbeat at once
 *   (`wp.heartbeat.connectNow()`). The heartbeat then only keeps entries alive: it ticks at the
 *   widest interval inside the TTL. With more than `crowd` people online, a change of
 *   `admin/online` alone (someone somewhere moved) asks no heartbeat: a page with the "Who's
 *   online" widget polls every `crowdInterval` for the roster of `admin/online` instead, and
 *   rebuilds the list from it (people it shows keep their item, newcomers get the card the
 *   server rendered for them, people gone are removed); the next tick's fragment replaces it
 *   all. The page's own rooms (its post, its rows, rooms a script subscribed to) still answer
 *   at once.
 * - Without the lane, idle back-off as the feature plugin does it: after `ticks` unchanged ticks
 *   the heartbeat widens to `interval` (inside the TTL); a change, a key press or the tab coming
 *   back snaps it back.
 * - Live surfaces (the feature plugin's `presence-api.liveSurfaces`): each send asks for every
 *   surface on the page (`presence-fragments`); each answer's fragments are swapped in — markup
 *   the server rendered, the only renderer of every surface — then `presence-api.surfaceUpdated`.
 * - Leaving: on `pagehide`, `POST wp-presence/v1/leave {tab}` with `keepalive` removes the
 *   entries this page wrote; another tab of the site leads and pings at once.
 *
 * State: `window.wppPresence` (`online`, `editors`, `activePosts`, `postRows`, `stale`, `role`,
 * `live`), published after every change as the `wp.hooks` action `wpp.presence.updated`.
 * Configuration: `wppPresenceConfig`, printed before this script (ui/assets.php).
 *
 * @param {Object} presence `window.wppPresence`.
 * @param {Object} config   `window.wppPresenceConfig`.
 * @since 0.1.0
 * @since 0.3.0 One leader per site, the live lane, idle back-off, live surfaces, wp packages.
 */
( function ( presence, config ) {
	'use strict';

	const wp = window.wp;
	if ( ! config || ! wp || ! wp.hooks || ! wp.heartbeat || ! wp.apiFetch ) {
		return;
	}

	const hooks = wp.hooks;
	const NS = 'wpp/presence';
	const ADMIN_ROOM = 'admin/online';
	// Heartbeat answer keys => state keys.
	const KEYS = {
		'presence-online': 'online',
		'presence-editors': 'editors',
		'presence-active-posts': 'activePosts',
		'presence-post-rows': 'postRows',
	};
	// What the leader passes on to the other tabs: about everyone, not about its page.
	const RELAYED = [ 'presence-online' ];
	// Least time between two heartbeats asked for by a change, in ms.
	const MIN_GAP = 1000;

	Object.assign( presence, {
		config,
		online: null,
		editors: null,
		activePosts: null,
		postRows: null,
		stale: null,
		role: 'solo',
		live: null,
		// Server clock minus browser clock, in seconds (from core's `server_time`).
		clockOffset:
			( config.serverTime || Date.now() / 1000 ) - Date.now() / 1000,
		// Asked for by presence-surfaces.js and by scripts through `presence-api.liveSurfaces`.
		builtInSurfaces: presence.builtInSurfaces || [],
		/**
		 * The server's current time.
		 *
		 * @return {number} Unix time, seconds.
		 */
		serverNow() {
			return Date.now() / 1000 + presence.clockOffset;
		},
		refresh,
	} );

	// --- Who is in, from the answers -------------------------------------------------------

	/**
	 * The version the page holds of a payload: sent back, so an unchanged room is answered
	 * `{version, unchanged: true}` only.
	 *
	 * @param {string} key State key.
	 * @return {number|undefined} The version, or undefined to ask for the whole payload.
	 */
	function knownVersion( key ) {
		return presence[ key ] ? presence[ key ].version : undefined;
	}

	/**
	 * Takes a payload from the server; an `unchanged` one keeps what is held.
	 *
	 * @param {string} key     State key.
	 * @param {Object} payload Server payload.
	 * @return {boolean} Whether it changed what is held.
	 */
	function receive( key, payload ) {
		if ( ! payload || typeof payload !== 'object' || payload.unchanged ) {
			return false;
		}
		if (
			( key === 'online' || key === 'editors' ) &&
			! Array.isArray( payload.users )
		) {
			payload.users = [];
		}
		presence[ key ] = payload;
		return true;
	}

	function publish() {
		hooks.doAction( 'wpp.presence.updated', {
			online: presence.online,
			editors: presence.editors,
			activePosts: presence.activePosts,
			postRows: presence.postRows,
			stale: presence.stale,
		} );
	}

	/**
	 * How many people are online, the viewer included (0 before the first answer).
	 *
	 * @return {number} People online.
	 */
	function onlineTotal() {
		return presence.online ? Number( presence.online.total ) || 0 : 0;
	}

	// --- The post in the editor, and its collaboration edges ------------------------------

	/**
	 * The post this page edits: the server's, or in the Site Editor the entity being edited.
	 *
	 * @return {number} Post id, 0 for none.
	 */
	function editorPost() {
		if ( config.postId ) {
			return config.postId;
		}
		if ( ! config.siteEditor || ! wp.data || ! wp.data.select ) {
			return 0;
		}
		const editor = wp.data.select( 'core/editor' );
		const id =
			editor && editor.getCurrentPostId ? editor.getCurrentPostId() : 0;
		return /^[1-9][0-9]*$/.test( String( id ) ) ? Number( id ) : 0;
	}

	let collaborating = Number( config.initialCollaborators ) > 1;
	if ( config.editorRoom ) {
		hooks.doAction( 'presence-api.watchingRoom', config.editorRoom );
	}

	/**
	 * Fires the feature plugin's collaboration edges: the post's room goes from one editor to
	 * several (`collaborationStarted`, with the count) or back to one (`collaborationEnded`).
	 *
	 * @param {Object} data Heartbeat answer (own, or relayed).
	 */
	function collaboration( data ) {
		if ( ! config.editorRoom ) {
			return;
		}
		let count = data[ 'presence-heartbeat-collaborators' ];
		const editors = data[ 'presence-editors' ];
		if (
			typeof count !== 'number' &&
			editors &&
			! editors.unchanged &&
			Number( editors.post_id ) === Number( config.postId )
		) {
			count = ( Number( editors.total ) || 0 ) + 1;
		}
		if ( typeof count !== 'number' || count < 1 ) {
			return;
		}
		const now = count > 1;
		if ( now !== collaborating ) {
			collaborating = now;
			hooks.doAction(
				now
					? 'presence-api.collaborationStarted'
					: 'presence-api.collaborationEnded',
				config.editorRoom,
				count
			);
		}
	}

	// --- Live surfaces ----------------------------------------------------------------------

	// Slot (`key` or `key/id`) => the last markup swapped in, and markup waiting for a busy element.
	const applied = {};
	const waiting = {};

	/**
	 * The page's live surfaces: the built-in ones and what scripts add through the feature
	 * plugin's filter, applied to a fresh copy each time (a callback that changes its argument
	 * does not pile up).
	 *
	 * @return {Array} `{ key, target( id ), request?(), apply?( element, html ) }` objects.
	 */
	function liveSurfaces() {
		const list = hooks.applyFilters(
			'presence-api.liveSurfaces',
			presence.builtInSurfaces.slice()
		);
		return Array.isArray( list )
			? list.filter( function ( surface ) {
					return (
						surface &&
						typeof surface.key === 'string' &&
						typeof surface.target === 'function'
					);
				} )
			: [];
	}

	/**
	 * What each surface asks for: `request()` when it has one, else whether it is on the page.
	 *
	 * @return {Object|null} key => ask, or null when nothing is asked.
	 */
	function fragmentAsks() {
		const asks = {};
		let any = false;
		liveSurfaces().forEach( function ( surface ) {
			let ask;
			try {
				ask =
					typeof surface.request === 'function'
						? surface.request()
						: !! surface.target();
			} catch {
				ask = false;
			}
			if ( ask ) {
				asks[ surface.key ] = ask;
				any = true;
			}
		} );
		return any ? asks : null;
	}

	/**
	 * Whether the user is using an element (pointer over it, focus in it, a checked box): its
	 * markup is not swapped under them; it waits until they leave it.
	 *
	 * @param {Element} element
	 * @return {boolean} Busy.
	 */
	function busy( element ) {
		try {
			return (
				element.matches( ':hover' ) ||
				element.classList.contains( 'hover' ) ||
				element.contains( element.ownerDocument.activeElement ) ||
				!! element.querySelector( 'input:checked' )
			);
		} catch {
			return false;
		}
	}

	/**
	 * Swaps one fragment into its element.
	 *
	 * @param {Object}  surface The surface.
	 * @param {string}  slot    `key` or `key/id`.
	 * @param {string=} id      The id of an object-valued fragment.
	 * @param {string}  html    Markup from the server.
	 */
	function swap( surface, slot, id, html ) {
		const element =
			id === undefined ? surface.target() : surface.target( id );
		if ( ! element || applied[ slot ] === html ) {
			delete waiting[ slot ];
			return;
		}
		if ( busy( element ) ) {
			waiting[ slot ] = { surface, id, html };
			window.setTimeout( retryWaiting, 1000 );
			return;
		}
		delete waiting[ slot ];
		applied[ slot ] = html;
		let updated = element;
		if ( typeof surface.apply === 'function' ) {
			updated = surface.apply( element, html ) || element;
		} else {
			// The feature plugin's default; the server's markup is inserted as it is.
			element.innerHTML = html;
		}
		hooks.doAction( 'presence-api.surfaceUpdated', surface.key, updated );
	}

	function retryWaiting() {
		Object.keys( waiting ).forEach( function ( slot ) {
			const item = waiting[ slot ];
			swap( item.surface, slot, item.id, item.html );
		} );
	}

	/**
	 * Swaps in every fragment of an answer.
	 *
	 * @param {Object} fragments `presence-fragments`: key => html, or key => {id: html}.
	 */
	function applyFragments( fragments ) {
		if ( ! fragments || typeof fragments !== 'object' ) {
			return;
		}
		liveSurfaces().forEach( function ( surface ) {
			const value = fragments[ surface.key ];
			if ( typeof value === 'string' ) {
				swap( surface, surface.key, undefined, value );
			} else if ( value && typeof value === 'object' ) {
				Object.keys( value ).forEach( function ( id ) {
					if ( typeof value[ id ] === 'string' ) {
						swap(
							surface,
							surface.key + '/' + id,
							id,
							value[ id ]
						);
					}
				} );
			}
		} );
	}

	// --- Tabs -------------------------------------------------------------------------------

	const tabs = presence.createTabs( config.scope, {
		onRole,
		onMessage,
	} );
	presence.role = tabs.role();
	presence.tabs = tabs;

	function leading() {
		return tabs.isLeader();
	}

	// A page back from the back/forward cache, shown: it takes the lead again (presence-tabs.js),
	// asynchronously; its first heartbeat already pings rather than wait for the lock.
	let restoring = false;

	function onRole( role, tookOver ) {
		presence.role = role;
		restoring = false;
		applyInterval();
		if ( role === 'leader' && tookOver ) {
			refresh( 'leader' ); // The user's place is this page's now; catch up at once.
		}
		pollWhenDue();
	}

	function onMessage( message ) {
		if ( message.t === 'relay' && message.data ) {
			let any = false;
			RELAYED.forEach( function ( wire ) {
				if ( message.data[ wire ] ) {
					any = receive( KEYS[ wire ], message.data[ wire ] ) || any;
				}
			} );
			if ( any ) {
				publish();
			}
		} else if (
			message.t === 'roster' &&
			message.roster &&
			Array.isArray( message.roster.u )
		) {
			applyRoster( message.roster ); // The leader's roster: this page's widget too.
		} else if ( message.t === 'versions' && message.versions && lane ) {
			// What the leader's poll saw: this page refreshes its own surfaces if its rooms moved.
			seen( message.versions, false );
		} else if (
			message.t === 'bye' &&
			! document.hidden &&
			tabs.isLeader()
		) {
			refresh( 'peer-left' ); // Another page of this user went: say this one is open.
		}
	}

	// --- The live lane ----------------------------------------------------------------------

	let lane = null;
	let renewToken = false;
	// Whether the heartbeat in flight asked about the lane.
	let sentLive = false;
	// Rooms scripts subscribed to (wp.presence.usePresenceUsers()), beyond the page's own.
	const extraRooms = [];

	function watching() {
		if ( ! lane ) {
			return false;
		}
		return (
			lane.rooms.some( function ( room ) {
				return room !== ADMIN_ROOM;
			} ) ||
			onlineTotal() <= config.live.poll.crowd ||
			rosterHeld() !== null
		);
	}

	// --- The crowd's roster (the "Who's online" list between two heartbeats) ---------------

	function onlineList() {
		return document.querySelector( '[data-wpp-online]' );
	}

	/**
	 * The version of `admin/online` the widget's list was built from, when the page should ask
	 * the lane for the roster: crowded, with the widget on the page. Null otherwise.
	 *
	 * @return {string|null} Version text.
	 */
	function rosterHeld() {
		const root = onlineList();
		if (
			! root ||
			! config.live.poll.crowdInterval ||
			onlineTotal() <= config.live.poll.crowd
		) {
			return null;
		}
		const held =
			root.getAttribute( 'data-wpp-roster' ) ||
			root.getAttribute( 'data-wpp-version' ) ||
			'0';
		return /^[0-9]{1,16}$/.test( held ) ? held : '0';
	}

	/**
	 * Rebuilds the widget's list from a roster: people it shows keep their item (the server's,
	 * with where they are as this viewer may see it), newcomers get their card (markup the
	 * server rendered for no viewer in particular), people gone are removed, and the summary
	 * takes the total from the texts the server sent for totals near it. A total outside them,
	 * or a newcomer without a card, waits for the next heartbeat's fragment. The widget keeps
	 * the version it came with (`data-wpp-version`), so that heartbeat still brings the whole
	 * fragment; the roster's is kept beside it (`data-wpp-roster`).
	 *
	 * @param {Object} roster `{v, n, u: [[userId, card|null], …]}`.
	 */
	function applyRoster( roster ) {
		const root = onlineList();
		const list = root && root.querySelector( '.wpp-online__list' );
		if (
			! list ||
			root.getAttribute( 'data-wpp-roster' ) === String( roster.v )
		) {
			return;
		}
		let texts = null;
		try {
			texts = JSON.parse(
				root.getAttribute( 'data-wpp-summaries' ) || '{}'
			)[ roster.n ];
		} catch {
			texts = null;
		}
		if ( ! Array.isArray( texts ) ) {
			// Held all the same: the next polls ask no roster until the room moves again (the
			// next heartbeat's fragment brings the list and the summary).
			root.setAttribute( 'data-wpp-roster', String( roster.v ) );
			return;
		}
		const shown = {};
		const before = {};
		list.querySelectorAll( 'li[data-user-id]' ).forEach( function ( item ) {
			shown[ item.getAttribute( 'data-user-id' ) ] = item;
			before[ item.getAttribute( 'data-user-id' ) ] =
				item.getAttribute( 'data-name' );
		} );
		const items = [];
		roster.u.forEach( function ( person ) {
			const id = String( person[ 0 ] );
			if ( shown[ id ] ) {
				items.push( shown[ id ] );
			} else if ( typeof person[ 1 ] === 'string' ) {
				const template = document.createElement( 'template' );
				template.innerHTML = person[ 1 ];
				const item = template.content.firstElementChild;
				if ( item && item.getAttribute( 'data-user-id' ) === id ) {
					items.push( item );
				}
			}
		} );
		list.replaceChildren( ...items );
		const summary = root.querySelector( '.wpp-online__summary' );
		if ( summary ) {
			summary.textContent = texts[ 0 ];
		}
		const more = root.querySelector( '.wpp-online__more' );
		const link = more && more.querySelector( 'a' );
		if ( more ) {
			more.hidden = ! link || roster.n <= items.length;
			if ( link ) {
				link.textContent = texts[ 1 ];
			}
		}
		root.setAttribute( 'data-wpp-roster', String( roster.v ) );
		// The fragment last swapped in no longer describes the element: the next one is applied.
		delete applied[ 'whos-online' ];
		if ( presence.online ) {
			presence.online.total = Number( roster.n ) || 0;
		}
		presence.rostersApplied = ( presence.rostersApplied || 0 ) + 1;
		// presence-surfaces.js shows the new avatars and announces who came and went.
		hooks.doAction( 'wpp.presence.rosterApplied', root, before );
	}

	/**
	 * Versions seen (by this tab's poll, or relayed from the leader's): what changed is worth a
	 * heartbeat at once — a room of the page's own, or `admin/online` while the site is not
	 * crowded — or, for rooms scripts follow, the action `wpp.presence.roomsChanged`.
	 *
	 * @param {Object}  versions room => version text.
	 * @param {boolean} mine     Seen by this tab's own poll.
	 */
	function seen( versions, mine ) {
		const changed = [];
		Object.keys( versions ).forEach( function ( room ) {
			if (
				lane.rooms.indexOf( room ) !== -1 &&
				lane.versions[ room ] !== versions[ room ]
			) {
				if ( lane.versions[ room ] !== undefined ) {
					changed.push( room );
				}
				lane.versions[ room ] = versions[ room ];
			}
		} );
		if ( mine ) {
			tabs.post( { t: 'versions', versions } );
		}
		if ( ! changed.length ) {
			return;
		}
		const scripted = changed.filter( function ( room ) {
			return extraRooms.indexOf( room ) !== -1;
		} );
		if ( scripted.length ) {
			hooks.doAction( 'wpp.presence.roomsChanged', scripted );
		}
		const own = changed.some( function ( room ) {
			return room !== ADMIN_ROOM && extraRooms.indexOf( room ) === -1;
		} );
		const everyone =
			changed.indexOf( ADMIN_ROOM ) !== -1 &&
			onlineTotal() <= config.live.poll.crowd;
		if ( ( own || everyone ) && ! document.hidden ) {
			refresh( 'live' );
		}
		if ( mine && ( own || everyone || scripted.length ) ) {
			lane.snap(); // Something moved: more may follow.
		}
	}

	if ( config.live && presence.createLane ) {
		lane = presence.createLane( config.live, {
			onVersions( versions ) {
				seen( versions, true );
			},
			onRefused() {
				renewToken = true;
				refresh( 'token' );
			},
			onOff() {
				presence.live.on = false;
				applyInterval();
			},
			shouldPoll() {
				return leading() && ! document.hidden && watching();
			},
			roster: rosterHeld,
			onRoster( roster ) {
				tabs.post( { t: 'roster', roster } );
				applyRoster( roster );
			},
			alone() {
				return (
					onlineTotal() <= 1 &&
					! (
						presence.editors &&
						presence.editors.users &&
						presence.editors.users.length
					)
				);
			},
		} );
		presence.live = lane;
	}

	function laneOn() {
		return !! ( lane && lane.on );
	}

	function pollWhenDue() {
		if ( laneOn() ) {
			lane.ensure();
		}
	}

	/**
	 * Lets a script follow a room through the lane (at most `maxExtra`): the next heartbeat asks
	 * for a token that names it too.
	 *
	 * @param {string} room Room name.
	 * @return {boolean} Whether this tab's polls report the room's changes now (action
	 *                   `wpp.presence.roomsChanged`); if not, the script reads it at every tick.
	 */
	presence.follow = function ( room ) {
		if ( ! laneOn() ) {
			return false;
		}
		if ( lane.rooms.indexOf( room ) !== -1 ) {
			return leading() && ! document.hidden;
		}
		if (
			extraRooms.indexOf( room ) === -1 &&
			extraRooms.length < config.live.maxExtra
		) {
			extraRooms.push( room );
			refresh( 'follow' );
		}
		return false;
	};

	// --- Heartbeat pace ---------------------------------------------------------------------

	// The heartbeat's interval before this script changed it.
	const originalInterval = wp.heartbeat.interval();
	let widenedFrom = null;
	let unchangedTicks = 0;

	/**
	 * With the lane working, every tab's heartbeat only keeps entries alive: the widest interval
	 * inside the TTL. Without it, core's interval and the idle back-off.
	 */
	function applyInterval() {
		if ( laneOn() ) {
			widenedFrom = null;
			if ( wp.heartbeat.interval() !== config.live.keepalive ) {
				wp.heartbeat.interval( config.live.keepalive );
			}
		} else if (
			! widenedFrom &&
			wp.heartbeat.interval() !== originalInterval
		) {
			wp.heartbeat.interval( originalInterval );
		}
	}

	/**
	 * The feature plugin's idle back-off (without the lane): after `ticks` unchanged ticks the
	 * heartbeat widens to `interval`, if that is wider than the current one.
	 *
	 * @param {Object} data Heartbeat answer.
	 */
	function backOff( data ) {
		const backoff = config.backoff;
		const online = data[ 'presence-online' ];
		if ( laneOn() || ! backoff || ! backoff.ticks || ! online ) {
			return;
		}
		if ( ! online.unchanged ) {
			snapBack();
			return;
		}
		unchangedTicks++;
		if ( unchangedTicks >= backoff.ticks && widenedFrom === null ) {
			const current = wp.heartbeat.interval();
			if ( backoff.interval > current ) {
				widenedFrom = current;
				wp.heartbeat.interval( backoff.interval );
			}
		}
	}

	function snapBack() {
		unchangedTicks = 0;
		if ( widenedFrom !== null ) {
			const to = widenedFrom;
			widenedFrom = null;
			wp.heartbeat.interval( to );
		}
	}

	let lastRefresh = 0;
	let refreshTimer = null;

	/**
	 * Asks the heartbeat now (core sends it after the one in flight, if any), at most once a
	 * second.
	 *
	 * @param {string} reason Why (for debugging: `presence.lastRefresh`).
	 */
	function refresh( reason ) {
		const wait = lastRefresh + MIN_GAP - Date.now();
		if ( wait > 0 ) {
			if ( ! refreshTimer ) {
				refreshTimer = window.setTimeout( function () {
					refreshTimer = null;
					refresh( reason );
				}, wait );
			}
			return;
		}
		lastRefresh = Date.now();
		presence.lastRefresh = reason;
		wp.heartbeat.connectNow();
	}

	// --- Sending ----------------------------------------------------------------------------

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
	presence.screenKey = screenKey;

	hooks.addAction( 'heartbeat.send', NS, function ( data ) {
		const shown = ! document.hidden;
		const pings =
			( ( tabs.role() === 'solo' || restoring ) && shown ) ||
			tabs.role() === 'leader';
		if ( pings ) {
			// No title: what others read about a post comes from the server's copy of it.
			const ping = {
				screen: config.screen,
				tab: config.tab,
				versions: {},
				away: ! shown || ! wp.heartbeat.hasFocus(),
			};
			const online = knownVersion( 'online' );
			if ( online !== undefined ) {
				ping.versions.online = online;
			}
			const postId = editorPost();
			if ( postId ) {
				const editors = knownVersion( 'editors' );
				ping.post_id = postId;
				if ( editors !== undefined && config.postId ) {
					ping.versions.editors = editors;
				}
				data[ 'presence-editor-ping' ] = { post_id: postId };
			}
			data[ 'presence-ping' ] = ping;
		}
		sentLive = !! lane && lane.on;
		if ( lane ) {
			data[ 'presence-live' ] = {
				rooms: lane.rooms,
				sig: lane.sig,
				expires: lane.expires,
				renew: renewToken,
				extra: extraRooms.filter( function ( room ) {
					return lane.rooms.indexOf( room ) === -1;
				} ),
			};
		}
		if ( ! shown ) {
			return; // A hidden page shows nothing: it asks for nothing.
		}
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
			// Only saves newer than the one already shown: a tick under the notice stays free.
			const since =
				presence.stale && presence.stale.key === key
					? Math.max(
							config.screenSince,
							Number( presence.stale.saved_at ) || 0
						)
					: config.screenSince;
			data[ 'presence-screen' ] = { key, since };
		}
		const asks = fragmentAsks();
		if ( asks ) {
			data[ 'presence-fragments' ] = asks;
		}
	} );

	// --- Receiving --------------------------------------------------------------------------

	hooks.addAction( 'heartbeat.tick', NS, function ( data ) {
		if ( ! data || typeof data !== 'object' ) {
			return;
		}
		if (
			typeof data.rest_nonce === 'string' &&
			wp.apiFetch.nonceMiddleware
		) {
			// Core sends a fresh REST nonce in the nonce's second half.
			wp.apiFetch.nonceMiddleware.nonce = data.rest_nonce;
		}
		if ( typeof data.server_time === 'number' ) {
			presence.clockOffset = data.server_time - Date.now() / 1000;
		}
		if (
			lane &&
			sentLive &&
			! data[ 'presence-live' ] &&
			! data.nonces_expired &&
			typeof data.server_time === 'number'
		) {
			// The server ran the tick but no longer takes this page's room list (its signature
			// expired, after a day): the heartbeat alone, at its own pace.
			lane.off( 'rooms', false );
		}
		sentLive = false;
		if ( lane && data[ 'presence-live' ] ) {
			const answer = data[ 'presence-live' ];
			const before = lane.rooms.slice();
			if ( answer.token ) {
				renewToken = false;
			}
			lane.heartbeat( answer );
			// Rooms a script follows from now on: what changed before this answer set their
			// versions is read once more.
			const reread = lane.rooms.filter( function ( room ) {
				return before.indexOf( room ) === -1;
			} );
			if ( answer.versions ) {
				Object.keys( answer.versions ).forEach( function ( room ) {
					const version = String( answer.versions[ room ] );
					// This answer carries the page's own rooms, not what scripts read: a room of
					// theirs that moved since the last poll is read again, or the move is lost.
					if (
						extraRooms.indexOf( room ) !== -1 &&
						lane.versions[ room ] !== undefined &&
						lane.versions[ room ] !== version &&
						reread.indexOf( room ) === -1
					) {
						reread.push( room );
					}
					lane.versions[ room ] = version;
				} );
			}
			if ( reread.length ) {
				hooks.doAction( 'wpp.presence.roomsChanged', reread );
			}
		}

		let any = false;
		Object.keys( KEYS ).forEach( function ( wire ) {
			if ( data[ wire ] ) {
				any = receive( KEYS[ wire ], data[ wire ] ) || any;
			}
		} );
		if ( data[ 'presence-stale' ] ) {
			presence.stale = data[ 'presence-stale' ];
			any = true;
		}
		collaboration( data );
		backOff( data );
		applyFragments( data[ 'presence-fragments' ] );

		if ( tabs.role() === 'leader' ) {
			const relay = {};
			let relayed = false;
			RELAYED.forEach( function ( wire ) {
				if ( data[ wire ] && ! data[ wire ].unchanged ) {
					relay[ wire ] = data[ wire ];
					relayed = true;
				}
			} );
			if ( relayed ) {
				tabs.post( { t: 'relay', data: relay } );
			}
		}
		if ( any ) {
			publish();
		}
		applyInterval();
		pollWhenDue();
	} );

	// --- The user, the page -----------------------------------------------------------------

	let lastMove = 0;
	function userActed( event ) {
		if ( event.type === 'pointermove' ) {
			if ( Date.now() - lastMove < 1000 ) {
				return;
			}
			lastMove = Date.now();
		}
		if ( lane ) {
			lane.input();
		}
		if ( event.type === 'keydown' ) {
			snapBack();
		}
	}
	[ 'keydown', 'pointerdown', 'pointermove', 'wheel' ].forEach(
		function ( type ) {
			document.addEventListener( type, userActed, {
				passive: true,
				capture: true,
			} );
		}
	);

	document.addEventListener( 'visibilitychange', function () {
		if ( document.hidden ) {
			if ( lane ) {
				lane.abort();
			}
			return;
		}
		snapBack();
		if ( lane ) {
			lane.input();
		}
		// Back to a page that asked nothing while hidden: its surfaces catch up at once.
		refresh( 'visible' );
		pollWhenDue();
	} );

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

	window.addEventListener( 'pagehide', function () {
		tabs.leaving();
		if ( lane ) {
			lane.abort();
		}
		if ( loggingOut || ! config.tab ) {
			return;
		}
		wp.apiFetch( {
			path: '/wp-presence/v1/leave',
			method: 'POST',
			data: { tab: config.tab },
			keepalive: true,
		} ).catch( function () {
			// The entries expire after the TTL anyway.
		} );
	} );
	window.addEventListener( 'pageshow', function ( event ) {
		loggingOut = false;
		if ( event.persisted ) {
			// Back from the back/forward cache: everything held may be old. Asked once every
			// handler of this event has run, the heartbeat's own resume among them.
			restoring = ! document.hidden;
			window.setTimeout( function () {
				refresh( 'restored' );
			}, 0 );
		}
	} );

	// The page's initial state (the surfaces were printed from it).
	const initial = config.initial || {};
	receive( 'online', initial.online );
	receive( 'editors', initial.editors );
	receive( 'activePosts', initial.activePosts );
	receive( 'postRows', initial.postRows );
	applyInterval();

	wp.domReady( function () {
		publish();
		pollWhenDue();
	} );
} )(
	( window.wppPresence = window.wppPresence || {} ),
	window.wppPresenceConfig
);
