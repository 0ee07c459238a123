/**
 * End to end: two editors in two separate browsers (fresh Chromium profiles) see each other in
 * the dashboard's "Who's online" and among the editors of the demo post, and stop seeing each
 * other after a logout; the heartbeats are answered by more than one php-fpm worker, so the
 * presence store is really shared between processes.
 *
 * Ticks are forced with wp.heartbeat.connectNow() instead of waiting for the 60 s interval.
 *
 * Environment: PRESENCE_E2E_URL (or PRESENCE_TEST_URL, set by bin/test; default
 * http://127.0.0.1:8092) and PRESENCE_CHROMIUM (default /usr/lib/chromium/chromium).
 * The site is the harness's `e2e` site in test mode (editor1/editor1, editor2/editor2, the draft
 * "Presence demo post", the X-Presence-Worker-Pid header on admin-ajax responses).
 */
'use strict';

const { test, after } = require( 'node:test' );
const assert = require( 'node:assert/strict' );
const { Browser, SCREENSHOTS } = require( './support/browser' );

const BASE = (
	process.env.PRESENCE_E2E_URL ||
	process.env.PRESENCE_TEST_URL ||
	'http://127.0.0.1:8092'
).replace( /\/+$/, '' );
const DEMO_POST = 'Presence demo post';

const browsers = [];
after( async () => {
	// Log out who is still in, so the next run starts clean too.
	await Promise.all( browsers.map( ( b ) => b.logOut().catch( () => {} ).then( () => b.close() ) ) );
} );

/**
 * A browser where `login` has just logged out. Entries live for the TTL (150 s), so a run shortly
 * after another would find the user already "there": logging out removes their entries, and the
 * test starts from a clean slate once both users have done it.
 */
async function cleanBrowser( login ) {
	const browser = await Browser.launch( BASE );
	browsers.push( browser );
	await browser.logIn( login, login );
	await browser.logOut();
	return browser;
}

test( 'two editors see each other live, across php-fpm workers', async ( t ) => {
	const [ one, two ] = await Promise.all( [ cleanBrowser( 'editor1' ), cleanBrowser( 'editor2' ) ] );
	await one.logIn( 'editor1', 'editor1' );
	await two.logIn( 'editor2', 'editor2' );
	const oneId = await one.userId();
	const twoId = await two.userId();
	assert.notEqual( oneId, twoId );

	await t.test( "within one heartbeat each sees the other in Who's online", async () => {
		// Both are on the dashboard; editor2 arrived last. One tick each.
		await one.tick();
		await two.tick();
		assert.ok( await one.widgetShows( twoId ), 'editor1 sees editor2' );
		assert.ok( await two.widgetShows( oneId ), 'editor2 sees editor1' );
		assert.ok( await one.widgetShows( oneId ), 'and themselves' );
		assert.match( await one.widgetText( twoId ), /Editor Two|editor2/ );
		await one.announced( /is online\./ );
		await one.page.locator( '#wpp_whos_online' ).scrollIntoViewIfNeeded();
		await one.page.screenshot( { path: SCREENSHOTS + '/dashboard.png' } );
	} );

	await t.test( 'heartbeats are answered by several workers, and every worker sees both users', async () => {
		// Sequential ticks often land on one idle worker; a burst of parallel heartbeats
		// spreads over the pool. Each answer must list both users, whichever worker wrote them.
		const answers = await one.parallelHeartbeats( 12 );
		for ( const answer of answers ) {
			const ids = answer.body[ 'presence-online' ].users.map( ( u ) => u.user_id );
			assert.ok( ids.includes( oneId ) && ids.includes( twoId ), `worker ${ answer.pid } sees both: ${ ids }` );
		}
		const pids = new Set( [ ...one.workerPids, ...two.workerPids ] );
		assert.ok( pids.size > 1, `heartbeats were answered by ${ pids.size } worker PID(s): ${ [ ...pids ] }` );
		t.diagnostic( `worker PIDs seen: ${ [ ...pids ].join( ', ' ) }` );
	} );

	await t.test( 'the other editor of the demo post is shown in the editor', async () => {
		const edit = await one.demoPostEditUrl( DEMO_POST );
		await one.openEditor( edit );
		await one.tick();
		await two.openEditor( edit );
		assert.ok( await two.editorsShow( oneId ), 'editor2 sees editor1 among the editors on arrival' );
		await two.tick();
		assert.ok( await two.editorsShow( oneId ), 'and after a tick' );
		await one.tick();
		assert.ok( await one.editorsShow( twoId ), 'editor1 sees editor2 after one tick' );
		assert.equal( await one.editorsShow( oneId ), false, 'not themselves' );
		await one.announced( /is also editing this post\./ );
		await one.page.screenshot( { path: SCREENSHOTS + '/editor.png' } );
	} );

	await t.test( 'after editor1 logs out, editor2 no longer sees them', async () => {
		await one.logOut();
		await two.tick();
		assert.equal( await two.editorsShow( oneId ), false, 'gone from the editors' );
		await two.announced( /stopped editing this post\./ );
		const online = await two.page.evaluate( () => window.wppPresence.online.users.map( ( u ) => u.user_id ) );
		assert.ok( ! online.includes( oneId ), 'gone from admin/online' );
		await two.openDashboard();
		assert.equal( await two.widgetShows( oneId ), false, "gone from Who's online" );
		assert.ok( await two.widgetShows( twoId ) );
	} );
} );

test( 'client script: hidden tabs, unchanged rooms, fragments, escaping (as admin)', async ( t ) => {
	const admin = await cleanBrowser( 'admin' );
	await admin.logIn( 'admin', 'admin' );
	const page = admin.page;

	await t.test( 'a hidden leading tab keeps the user listed as away and asks for no surface', async () => {
		const sent = await page.evaluate( () => {
			const data = {};
			Object.defineProperty( document, 'hidden', { configurable: true, get: () => true } );
			window.wp.hooks.doAction( 'heartbeat.send', data );
			delete document.hidden;
			return data;
		} );
		assert.equal( sent[ 'presence-ping' ].away, true );
		assert.equal( sent[ 'presence-fragments' ], undefined );
		assert.equal( sent[ 'presence-active-posts' ], undefined );
	} );

	await t.test( 'a room whose version the page holds comes back unchanged, with no markup', async () => {
		await admin.tick();
		const { sent, answer } = await admin.sendAndAnswer();
		const result = { ping: sent[ 'presence-ping' ], asks: sent[ 'presence-fragments' ], online: answer[ 'presence-online' ], fragments: answer[ 'presence-fragments' ] || null };
		assert.equal( typeof result.ping.versions.online, 'number', 'the ping carries the version held' );
		assert.match( String( result.asks[ 'whos-online' ].v ), /^[0-9]+$/, 'each surface asks with the version it shows' );
		assert.equal( result.online.unchanged, true );
		assert.equal( result.fragments, null, 'nothing to swap' );
	} );

	await t.test( 'a fragment is swapped in; initials show at once and the avatar replaces them once it has loaded', async () => {
		const shown = await page.evaluate( async () => {
			const url = new URL( '/wp-includes/images/w-logo-blue.png', location.href ).href;
			const html = '<div class="wpp-online" data-wpp-online data-wpp-version="424242"><p class="wpp-online__summary">2 people online</p><ul class="wpp-online__list">' +
				'<li class="wpp-online__user wpp-online__user--active" data-user-id="999998" data-name="Ada Lovelace"><span class="wpp-avatar wpp-avatar--initials wpp-avatar--32 wpp-avatar--hue-6" data-avatar-url="' + url + '" aria-hidden="true">AL</span></li></ul></div>';
			let updated = null;
			window.wp.hooks.addAction( 'presence-api.surfaceUpdated', 'e2e', ( key, element ) => {
				updated = key + ':' + element.getAttribute( 'data-wpp-version' );
			} );
			window.wp.hooks.doAction( 'heartbeat.tick', { 'presence-fragments': { 'whos-online': html } } );
			window.wp.hooks.removeAction( 'presence-api.surfaceUpdated', 'e2e' );
			const selector = '#wpp_whos_online li[data-user-id="999998"]';
			const first = document.querySelector( selector + ' .wpp-avatar' ).textContent;
			for ( let i = 0; i < 50 && ! document.querySelector( selector + ' img' ); i++ ) {
				await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
			}
			return { first, updated, img: !! document.querySelector( selector + ' img.wpp-avatar' ), asks: document.querySelector( '[data-wpp-online]' ).getAttribute( 'data-wpp-version' ) };
		} );
		assert.equal( shown.first, 'AL' );
		assert.equal( shown.updated, 'whos-online:424242', 'presence-api.surfaceUpdated( key, element )' );
		assert.ok( shown.img, 'the loaded avatar replaced the initials' );
		assert.equal( shown.asks, '424242', 'the next ask names the version swapped in' );
		await admin.openDashboard();
	} );

	await t.test( 'a script adds a live surface with presence-api.liveSurfaces: asked for, swapped in, announced', async () => {
		const result = await page.evaluate( () => {
			const slot = document.createElement( 'div' );
			slot.id = 'e2e-surface';
			document.body.appendChild( slot );
			const surface = {
				key: 'e2e',
				target: () => document.getElementById( 'e2e-surface' ),
				request: () => ( { mine: 1 } ),
			};
			window.wp.hooks.addFilter( 'presence-api.liveSurfaces', 'e2e', ( list ) => {
				list.push( surface );
				return list;
			} );
			const data = {};
			window.wp.hooks.doAction( 'heartbeat.send', data );
			let updated = null;
			window.wp.hooks.addAction( 'presence-api.surfaceUpdated', 'e2e', ( key, element ) => {
				updated = key + ':' + element.id;
			} );
			window.wp.hooks.doAction( 'heartbeat.tick', { 'presence-fragments': { e2e: '<b>from the server</b>' } } );
			window.wp.hooks.removeFilter( 'presence-api.liveSurfaces', 'e2e' );
			window.wp.hooks.removeAction( 'presence-api.surfaceUpdated', 'e2e' );
			return { ask: data[ 'presence-fragments' ].e2e, html: slot.innerHTML, updated };
		} );
		assert.deepEqual( result.ask, { mine: 1 }, 'its request() is the ask' );
		assert.equal( result.html, '<b>from the server</b>', 'the default apply fills the element' );
		assert.equal( result.updated, 'e2e:e2e-surface' );
	} );

	await t.test( 'a room a script follows that moved just before a heartbeat is read again, not taken as seen', async () => {
		const result = await page.evaluate( () => {
			const presence = window.wppPresence;
			const room = 'postType/post:987654';
			const reread = [];
			window.wp.hooks.addAction( 'wpp.presence.roomsChanged', 'e2e', ( rooms ) => reread.push( ...rooms ) );
			presence.follow( room );
			// The heartbeat answers the versions it read; it does not carry what the script reads.
			window.wp.hooks.doAction( 'heartbeat.tick', { 'presence-live': { versions: { [ room ]: '5' } } } );
			const first = reread.slice();
			window.wp.hooks.doAction( 'heartbeat.tick', { 'presence-live': { versions: { [ room ]: '5' } } } );
			const same = reread.slice();
			window.wp.hooks.doAction( 'heartbeat.tick', { 'presence-live': { versions: { [ room ]: '6' } } } );
			window.wp.hooks.removeAction( 'wpp.presence.roomsChanged', 'e2e' );
			return { lane: !! presence.live, first, same, moved: reread.slice() };
		} );
		assert.ok( result.lane, 'the admin page has the live lane' );
		assert.deepEqual( result.first, [], 'a first version is a baseline' );
		assert.deepEqual( result.same, [], 'an unchanged version asks for nothing' );
		assert.deepEqual( result.moved, [ 'postType/post:987654' ], 'a moved version is read again' );
	} );

	await t.test( 'leaving the page tells the server at once; a page back from the back/forward cache pings again', async () => {
		const isLeave = ( url ) => decodeURIComponent( url ).includes( '/wp-presence/v1/leave' );
		const left = new Promise( ( resolve ) => {
			page.route( isLeave, async ( route ) => {
				const request = route.request();
				resolve( { method: request.method(), nonce: request.headers()[ 'x-wp-nonce' ], body: request.postDataJSON() } );
				await route.fulfill( { status: 200, contentType: 'application/json', body: '{"removed":0}' } ); // Stay listed.
			} );
		} );
		const tab = await page.evaluate( () => {
			window.dispatchEvent( new PageTransitionEvent( 'pagehide', { persisted: true } ) );
			return window.wppPresence.config.tab;
		} );
		const leave = await left;
		assert.equal( leave.method, 'POST' );
		assert.ok( leave.nonce, 'with the REST nonce (wp.apiFetch)' );
		assert.deepEqual( leave.body, { tab } );
		await page.unroute( isLeave );

		// The page takes the lead again asynchronously: its very first heartbeat already pings.
		const first = page.waitForRequest( ( request ) => request.url().includes( 'admin-ajax.php' ) && String( request.postData() ).includes( 'action=heartbeat' ), { timeout: 10000 } );
		await page.evaluate( () => window.dispatchEvent( new PageTransitionEvent( 'pageshow', { persisted: true } ) ) );
		const sent = decodeURIComponent( ( await first ).postData() );
		assert.match( sent, /\[presence-ping\]/, 'the first heartbeat back pings' );
		assert.match( sent, new RegExp( `\\[tab\\]=${ tab }` ) );
	} );

	await t.test( 'names other users wrote are announced as text, never parsed as HTML', async () => {
		const hostile = 'Eve <img src=x onerror="window.__xss=1"> & Co';
		const result = await page.evaluate( async ( name ) => {
			const attribute = name.replace( /&/g, '&amp;' ).replace( /"/g, '&quot;' ).replace( /</g, '&lt;' ).replace( />/g, '&gt;' );
			const html = '<div class="wpp-online" data-wpp-online data-wpp-version="7"><ul class="wpp-online__list">' +
				'<li class="wpp-online__user" data-user-id="999997" data-name="' + attribute + '">' + attribute.replace( /&quot;/g, '"' ) + '</li></ul></div>';
			const bar = document.getElementById( 'wp-admin-bar-wpp-online' );
			bar.remove(); // Who's online announces when there is no admin bar node.
			window.wp.hooks.doAction( 'heartbeat.tick', { 'presence-fragments': { 'whos-online': html } } );
			await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
			const region = document.getElementById( 'a11y-speak-polite' );
			return { spoken: region ? region.textContent : '', images: region ? region.querySelectorAll( 'img' ).length : 0, xss: window.__xss || 0 };
		}, hostile );
		// wp.a11y.speak() drops what looks like a tag: the rest is read, nothing is parsed.
		assert.match( result.spoken, /Eve .*& Co is online\./, `announced as text: ${ result.spoken }` );
		assert.equal( result.images, 0 );
		assert.equal( result.xss, 0 );
	} );
} );
