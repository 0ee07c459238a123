/**
 * How long a change takes to reach the other editors' pages, end to end: three editors in
 * Chromium (editor5 watches in the dashboard and then in the post editor, editor7 watches the posts
 * list, editor6 comes and goes), with `PRESENCE_LATENCY_ONLINE` people online in all (the others
 * seeded, as their heartbeats write them). Each change is timed from the moment the server has it
 * until the watching page shows it (the page notes the moment itself, checking every 20 ms from
 * before the change); nothing forces a heartbeat. When the server has it: a login's answer (the
 * login writes the entry); the first byte of the next page (its entry is written before any
 * output); for a post opened in the editor, the entry's own write time (written midway through
 * the editor's page, which takes a while after that to send its first byte); a tab's closing.
 * One machine, one clock. Prints p50 / p95 / max per kind of change, and writes them as JSON.
 *
 *   node latency.js URL DOCROOT OUT.json STORE ROUNDS ONLINE
 *
 * Run by benches/latency/run, which brings up the site on each store.
 */
'use strict';

const fs = require( 'node:fs' );
const path = require( 'node:path' );
const { execFileSync } = require( 'node:child_process' );
const { Browser } = require( '../../tests/browser/support/browser' );

const [ BASE, DOCROOT, OUT, STORE, ROUNDS, ONLINE ] = process.argv.slice( 2 );
const HOST = new URL( BASE ).host;

const KINDS = [
	{ key: 'join', change: 'someone logs in', where: 'Who’s online (dashboard)' },
	{ key: 'move', change: 'someone opens another screen', where: 'Who’s online (dashboard)' },
	{ key: 'arrive-screen', change: 'someone opens the screen I have open', where: 'the admin bar (here)' },
	{ key: 'leave-screen', change: 'someone leaves the screen I have open', where: 'the admin bar (here)' },
	{ key: 'open-editor', change: 'someone opens the post I have open', where: 'the post editor' },
	{ key: 'open-list', change: 'someone opens a post of my list', where: 'the posts list' },
	{ key: 'close-editor', change: 'someone closes the post I have open', where: 'the post editor' },
	{ key: 'close-list', change: 'someone closes a post of my list', where: 'the posts list' },
	{ key: 'leave', change: 'someone logs out', where: 'Who’s online (dashboard)' },
];

function php( script, ...args ) {
	const output = execFileSync( 'php', [ script, ...args ], { encoding: 'utf8', env: process.env } );
	return JSON.parse( output.trim().split( '\n' ).pop() );
}

/**
 * Puts `online` people online in all: the three browsers and seeded editors.
 */
function seed( online ) {
	php( path.join( __dirname, '..', 'load', 'seed.php' ), DOCROOT, HOST, String( Math.max( 0, online - 3 ) ), 'editor5' );
}

async function nudge( browser ) {
	await browser.page.evaluate( () => document.dispatchEvent( new KeyboardEvent( 'keydown', { key: 'Shift' } ) ) );
}

/**
 * Starts noting in the page when fn( arg ) first holds (it must not hold yet); returns a function
 * that waits for it and gives that moment (ms since the epoch).
 */
async function arm( browser, fn, arg ) {
	const held = await browser.page.evaluate(
		( { source, value } ) => {
			const check = new Function( 'return (' + source + ')' )(); // eslint-disable-line no-new-func
			window.wppSeenAt = null;
			if ( check( value ) ) {
				return true;
			}
			const timer = setInterval( () => {
				if ( check( value ) ) {
					window.wppSeenAt = Date.now();
					clearInterval( timer );
				}
			}, 20 );
			return false;
		},
		{ source: fn.toString(), value: arg }
	);
	if ( held ) {
		throw new Error( 'the change shows before it is made' );
	}
	return async () => {
		await browser.page.waitForFunction( () => window.wppSeenAt !== null, null, { polling: 50, timeout: 60000 } );
		return browser.page.evaluate( () => window.wppSeenAt );
	};
}

/**
 * When the server wrote the entry of `id` in the post's room (its own write time, ms), as a page
 * that shows the room got it.
 */
async function writtenAt( browser, id, room ) {
	return browser.page.evaluate(
		( arg ) => {
			const p = window.wppPresence;
			const users = ( p.editors && p.editors.room === arg.room && p.editors.users ) ||
				( p.postRows && p.postRows.rows && p.postRows.rows[ arg.room ] ) || [];
			const user = users.find( ( u ) => Number( u.user_id ) === arg.id );
			return user ? user.updated_at * 1000 : null;
		},
		{ id, room }
	);
}

async function go( browser, url ) {
	await browser.page.goto( url, { waitUntil: 'commit' } );
	const at = Date.now();
	await browser.page.waitForLoadState( 'load' );
	await browser.waitForPresence();
	return at;
}

function percentile( xs, p ) {
	const sorted = xs.slice().sort( ( a, b ) => a - b );
	return sorted[ Math.min( sorted.length - 1, Math.ceil( ( p / 100 ) * sorted.length ) - 1 ) ];
}

( async () => {
	const fixtures = php( path.join( __dirname, '..', '..', 'tests', 'browser', 'support', 'fixtures.php' ), DOCROOT, HOST );
	const [ watcher, mover, lister ] = await Promise.all( [ 'editor5', 'editor6', 'editor7' ].map( ( login ) => Browser.launch( BASE ) ) );
	const times = {};
	KINDS.forEach( ( kind ) => ( times[ kind.key ] = [] ) );
	const post = fixtures.livePost;
	const editUrl = `${ BASE }/wp-admin/post.php?post=${ post }&action=edit`;
	const listUrl = `${ BASE }/wp-admin/edit.php?post_type=post&post_status=draft`;
	const id = fixtures.editor6;
	try {
		await watcher.logIn( 'editor5', 'editor5' );
		await lister.logIn( 'editor7', 'editor7' );
		for ( let round = 1; round <= Number( ROUNDS ); round++ ) {
			seed( Number( ONLINE ) );
			await watcher.openDashboard();
			await go( lister, listUrl );

			const inWidget = ( who ) => !! document.querySelector( `#wpp_whos_online li[data-user-id="${ who }"]` );
			await nudge( watcher );
			let shown = await arm( watcher, inWidget, id );
			const login = mover.page.waitForResponse( ( r ) => r.url().includes( 'wp-login.php' ) && r.request().method() === 'POST' );
			const done = mover.logIn( 'editor6', 'editor6' );
			await login;
			const loggedIn = Date.now();
			times.join.push( ( await shown() ) - loggedIn );
			await done;

			await nudge( watcher );
			shown = await arm( watcher, ( who ) => {
				const li = document.querySelector( `#wpp_whos_online li[data-user-id="${ who }"]` );
				return !! li && /Moderating comments/.test( li.textContent );
			}, id );
			const at = await go( mover, `${ BASE }/wp-admin/edit-comments.php` );
			times.move.push( ( await shown() ) - at );

			// The lister's admin bar lists who else is on its screen (the posts list).
			const hereInBar = ( who ) => Array.from( document.querySelectorAll( '#wp-admin-bar-wpp-online-here li.wpp-ab-user' ) )
				.some( ( li ) => li.id.endsWith( `-user-${ who }` ) );
			await nudge( lister );
			shown = await arm( lister, hereInBar, id );
			const arrived = await go( mover, listUrl );
			times[ 'arrive-screen' ].push( ( await shown() ) - arrived );
			await nudge( lister );
			shown = await arm( lister, ( who ) => ! Array.from( document.querySelectorAll( '#wp-admin-bar-wpp-online-here li.wpp-ab-user' ) )
				.some( ( li ) => li.id.endsWith( `-user-${ who }` ) ), id );
			const left = await go( mover, `${ BASE }/wp-admin/edit-comments.php` );
			times[ 'leave-screen' ].push( ( await shown() ) - left );

			const room = `postType/post:${ post }`;
			const inEditor = ( who ) => !! document.querySelector( `#wpp-editors:not([hidden]) li[data-user-id="${ who }"]` );
			const inList = ( arg ) => !! document.querySelector( `#post-${ arg.post } .wpp-editing li[data-user-id="${ arg.id }"]` );
			await watcher.openEditor( editUrl );
			await Promise.all( [ nudge( watcher ), nudge( lister ) ] );
			const [ editorShown, listShown ] = await Promise.all( [ arm( watcher, inEditor, id ), arm( lister, inList, { post, id } ) ] );
			await go( mover, editUrl );
			const [ editorAt, listAt ] = await Promise.all( [ editorShown(), listShown() ] );
			times[ 'open-editor' ].push( editorAt - ( await writtenAt( watcher, id, room ) ) );
			times[ 'open-list' ].push( listAt - ( await writtenAt( lister, id, room ) ) );

			const second = await mover.context.newPage(); // Closing the last tab of a browser ends its session cookies.
			await second.goto( `${ BASE }/wp-admin/` );
			await Promise.all( [ nudge( watcher ), nudge( lister ) ] );
			const [ editorGone, listGone ] = await Promise.all( [
				arm( watcher, ( who ) => ! document.querySelector( `#wpp-editors:not([hidden]) li[data-user-id="${ who }"]` ), id ),
				arm( lister, ( arg ) => ! document.querySelector( `#post-${ arg.post } .wpp-editing li[data-user-id="${ arg.id }"]` ), { post, id } ),
			] );
			const closed = Date.now();
			await mover.page.close();
			mover.page = second;
			times[ 'close-editor' ].push( ( await editorGone() ) - closed );
			times[ 'close-list' ].push( ( await listGone() ) - closed );

			// The state before the change: the mover listed (its remaining tab takes the lead from
			// the closed one and pings, a moment after the close), and no request of the mover's
			// page on its way (a heartbeat the server finishes after the logout writes its entry
			// back: docs/limitations.md).
			await watcher.openDashboard();
			await watcher.page.waitForFunction( ( who ) => !! document.querySelector( `#wpp_whos_online li[data-user-id="${ who }"]` ), id, { polling: 50, timeout: 20000 } ).catch( async ( error ) => {
				// What the mover's remaining tab did, to tell a tab that never took the lead from an
				// entry that went missing on the server.
				const tab = await mover.page.evaluate( () => ( { role: window.wppPresence.role, lastRefresh: window.wppPresence.lastRefresh } ) ).catch( () => null );
				throw new Error( `${ error.message }: the mover is not listed (its remaining tab: ${ JSON.stringify( tab ) })` );
			} );
			// From here the mover's page sends no heartbeat and no poll (the watcher's fresh ping
			// makes its next poll ask one), and the one on its way ends before the logout.
			const quiet = /\/(admin-ajax|live)\.php/;
			await mover.page.route( quiet, ( route ) => route.abort() );
			await mover.page.waitForFunction( () => ! window.jQuery || window.jQuery.active === 0, null, { polling: 20, timeout: 20000 } );
			await nudge( watcher );
			const gone = await arm( watcher, ( who ) => ! document.querySelector( `#wpp_whos_online li[data-user-id="${ who }"]` ), id );
			const loggedOut = Date.now();
			await mover.logOut();
			await mover.page.unroute( quiet );
			times.leave.push( ( await gone() ) - loggedOut );
			process.stderr.write( `[latency] ${ STORE }, round ${ round }: ${ KINDS.map( ( k ) => `${ k.key } ${ Math.round( times[ k.key ][ round - 1 ] ) } ms` ).join( ', ' ) }\n` );
		}
	} finally {
		await Promise.all( [ watcher, mover, lister ].map( ( b ) => b.logOut().catch( () => {} ).then( () => b.close() ) ) );
	}
	const results = {};
	KINDS.forEach( ( kind ) => {
		const xs = times[ kind.key ].map( Math.round );
		results[ kind.key ] = { p50: percentile( xs, 50 ), p95: percentile( xs, 95 ), max: Math.max( ...xs ), samples: xs };
		process.stdout.write( `${ STORE } ${ kind.change.padEnd( 40 ) } ${ kind.where.padEnd( 28 ) } p50 ${ results[ kind.key ].p50 } ms, p95 ${ results[ kind.key ].p95 } ms, max ${ results[ kind.key ].max } ms\n` );
	} );
	const existing = fs.existsSync( OUT ) ? JSON.parse( fs.readFileSync( OUT, 'utf8' ) ) : { results: {} };
	existing.kinds = KINDS;
	existing.results[ STORE ] = results;
	fs.writeFileSync( OUT, JSON.stringify( existing, null, 2 ) + '\n' );
} )().catch( ( error ) => {
	process.stderr.write( `[latency] FAILED: ${ error.stack || error }\n` );
	process.exit( 1 );
} );
