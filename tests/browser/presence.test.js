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

test( 'client script: hidden tabs, unchanged rooms, idle, escaping (as admin)', async ( t ) => {
	const admin = await cleanBrowser( 'admin' );
	await admin.logIn( 'admin', 'admin' );
	const page = admin.page;

	await t.test( 'a hidden tab adds no ping to the heartbeat', async () => {
		const sent = await page.evaluate( () => {
			const data = {};
			Object.defineProperty( document, 'hidden', { configurable: true, get: () => true } );
			window.jQuery( document ).trigger( 'heartbeat-send', [ data ] );
			delete document.hidden;
			return Object.keys( data );
		} );
		assert.deepEqual( sent, [] );
	} );

	await t.test( 'a room whose version the client holds comes back unchanged; users are kept and idle is re-evaluated', async () => {
		await admin.tick();
		// The next tick sends the version it holds. Pretend the admin's own entry is 10 minutes old.
		const result = await page.evaluate( () => new Promise( ( resolve ) => {
			const $ = window.jQuery;
			const presence = window.wppPresence;
			const me = presence.online.users.find( ( u ) => u.user_id === presence.config.userId );
			me.updated_at -= 600;
			let sent = null;
			$( document ).one( 'heartbeat-send', ( e, data ) => {
				sent = data[ 'presence-ping' ];
			} );
			$( document ).one( 'wpp:presence', ( e, update ) => {
				resolve( { sent, users: update.online.users.length, status: me.status } );
			} );
			window.wp.heartbeat.connectNow();
		} ) );
		assert.equal( typeof result.sent.versions.online, 'number', 'the ping carries the version held' );
		assert.ok( result.users >= 1, 'users kept' );
		assert.equal( result.status, 'idle', 'status re-evaluated from the timestamp held' );
		assert.match( await admin.widgetText( await admin.userId() ), /Idle/ );
	} );

	await t.test( 'initials show at once and the avatar replaces them once it has loaded', async () => {
		const shown = await page.evaluate( async () => {
			const presence = window.wppPresence;
			const user = {
				user_id: 999998,
				display_name: 'Ada Lovelace',
				avatar_url: new URL( '/wp-includes/images/w-logo-blue.png', location.href ).href,
				screen: 'dashboard',
				label: 'On the dashboard',
				date_gmt: '',
				updated_at: presence.serverNow(),
				status: 'active',
			};
			const online = { version: 2, total: 1, users: [ user ] };
			window.jQuery( document ).trigger( 'wpp:presence', [ { online, editors: null } ] );
			const selector = '#wpp_whos_online li[data-user-id="999998"]';
			const first = document.querySelector( selector + ' .wpp-avatar' ).textContent;
			for ( let i = 0; i < 50 && ! document.querySelector( selector + ' img' ); i++ ) {
				await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
			}
			return { first, img: !! document.querySelector( selector + ' img.wpp-avatar' ) };
		} );
		assert.equal( shown.first, 'AL' );
		assert.ok( shown.img, 'the loaded avatar replaced the initials' );
	} );

	await t.test( 'leaving the page tells the server at once; a page back from the back/forward cache pings again', async () => {
		const left = new Promise( ( resolve ) => {
			page.route( /\/wp-presence\/v1\/leave/, async ( route ) => {
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
		assert.ok( leave.nonce, 'with the REST nonce' );
		assert.deepEqual( leave.body, { tab } );
		await page.unroute( /\/wp-presence\/v1\/leave/ );

		const pinged = page.waitForRequest( ( request ) => request.url().includes( 'admin-ajax.php' ) && String( request.postData() ).includes( 'presence-ping' ), { timeout: 10000 } );
		await page.evaluate( () => window.dispatchEvent( new PageTransitionEvent( 'pageshow', { persisted: true } ) ) );
		assert.match( decodeURIComponent( ( await pinged ).postData() ), new RegExp( `\\[tab\\]=${ tab }` ) );
	} );

	await t.test( 'names and titles from other users are shown as text, never as HTML', async () => {
		const html = '<img src=x onerror="window.__xss=1">';
		const rendered = await page.evaluate( ( hostile ) => {
			const presence = window.wppPresence;
			const fake = {
				version: 1,
				total: 1,
				users: [ {
					user_id: 999999,
					display_name: hostile,
					avatar_url: 'javascript:alert(1)',
					screen: 'post',
					post_id: 1,
					label: hostile,
					url: 'javascript:alert(2)',
					date_gmt: '',
					updated_at: presence.serverNow(),
					status: 'active',
				} ],
			};
			window.jQuery( document ).trigger( 'wpp:presence', [ { online: fake, editors: null } ] );
			const li = document.querySelector( '#wpp_whos_online li[data-user-id="999999"]' );
			return {
				text: li.textContent,
				images: li.querySelectorAll( 'img' ).length,
				links: li.querySelectorAll( 'a' ).length,
				xss: window.__xss || 0,
			};
		}, html );
		assert.ok( rendered.text.includes( html ), 'the markup is visible as text' );
		assert.equal( rendered.images, 0, 'no element was created from it, and no javascript: avatar' );
		assert.equal( rendered.links, 0, 'no javascript: link' );
		assert.equal( rendered.xss, 0 );
	} );
} );
