/**
 * End to end, the surfaces: the admin bar's count and menu, Active posts, the posts list's
 * "Editing now" column, the stale-screen notice after another user saves (a block-editor save;
 * a settings page), and a closed tab gone from another user's view within 5 s. Saves a screenshot
 * of each surface to tests/browser/screenshots/.
 *
 * Its own users and post (support/fixtures.php: editor3, editor4, admin2, "Surfaces test post"),
 * so it never disturbs presence.test.js. Other tests' users may be online at the same time:
 * assertions name the users they expect, never a total.
 *
 * Environment: as presence.test.js, plus PRESENCE_TEST_DOCROOT (set by bin/test) to create the
 * fixtures with the PHP CLI.
 */
'use strict';

const { test, before, after } = require( 'node:test' );
const assert = require( 'node:assert/strict' );
const { execFileSync } = require( 'node:child_process' );
const path = require( 'node:path' );
const { Browser, SCREENSHOTS } = require( './support/browser' );

const BASE = (
	process.env.PRESENCE_E2E_URL ||
	process.env.PRESENCE_TEST_URL ||
	'http://127.0.0.1:8092'
).replace( /\/+$/, '' );
const DOCROOT = process.env.PRESENCE_TEST_DOCROOT || '';

let fixtures = null;
const browsers = [];

before( () => {
	assert.ok( DOCROOT, 'PRESENCE_TEST_DOCROOT must name the e2e site’s WordPress (bin/test sets it)' );
	const output = execFileSync( 'php', [ path.join( __dirname, 'support', 'fixtures.php' ), DOCROOT, new URL( BASE ).host ], { encoding: 'utf8' } );
	fixtures = JSON.parse( output.trim().split( '\n' ).pop() );
} );

after( async () => {
	await Promise.all( browsers.map( ( b ) => b.logOut().catch( () => {} ).then( () => b.close() ) ) );
} );

/**
 * A browser logged in as `login`, after a log-out that clears entries of an earlier run.
 */
async function loggedIn( login ) {
	const browser = await Browser.launch( BASE );
	browsers.push( browser );
	await browser.logIn( login, login );
	await browser.logOut();
	await browser.logIn( login, login );
	return browser;
}

/**
 * Polls fn (async) every 250 ms until it returns a truthy value or ms pass; returns the value.
 */
async function eventually( fn, ms, message ) {
	const end = Date.now() + ms;
	for ( ;; ) {
		const value = await fn();
		if ( value || Date.now() > end ) {
			assert.ok( value, message );
			return value;
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 250 ) );
	}
}

test( 'surfaces between two editors', async ( t ) => {
	const [ three, four ] = await Promise.all( [ loggedIn( 'editor3' ), loggedIn( 'editor4' ) ] );
	const post = fixtures.post;
	const room = `postType/post:${ post }`;
	const editUrl = `${ BASE }/wp-admin/post.php?post=${ post }&action=edit`;

	await three.openEditor( editUrl );
	await three.tick();

	await t.test( 'the admin bar counts the others and lists them where they are', async () => {
		await four.tick();
		const bar = await four.adminBar();
		assert.ok( bar.elsewhere.includes( fixtures.editor3 ), `editor3 is elsewhere: ${ JSON.stringify( bar ) }` );
		assert.ok( ! bar.here.includes( fixtures.editor4 ) && ! bar.elsewhere.includes( fixtures.editor4 ), 'not the viewer' );
		assert.match( bar.count, /^\d+ online$/ );
		assert.ok( Number( bar.count.split( ' ' )[ 0 ] ) >= 1 );
		await four.openAdminBarMenu();
		assert.match( ( await four.adminBar() ).text, /Editor Three\s*Editing “[^”]+”/ );
		await four.page.screenshot( { path: SCREENSHOTS + '/admin-bar.png', clip: { x: 700, y: 0, width: 580, height: 260 } } );
	} );

	await t.test( 'Active posts shows the post being edited, with its editor', async () => {
		const row = four.page.locator( `#wpp_active_posts li[data-post-id="${ post }"]` );
		await row.waitFor();
		assert.equal( await row.locator( `[data-user-id="${ fixtures.editor3 }"]` ).count(), 1 );
		assert.match( await row.innerText(), /1 person/ );
		await four.page.locator( '#wpp_active_posts' ).screenshot( { path: SCREENSHOTS + '/active-posts.png' } );
		await four.page.locator( '#wpp_whos_online' ).screenshot( { path: SCREENSHOTS + '/whos-online.png' } );
	} );

	await t.test( 'the posts list shows who is editing each post, and keeps it current', async () => {
		await four.page.goto( `${ BASE }/wp-admin/edit.php?post_type=post&post_status=draft` );
		await four.waitForPresence();
		assert.deepEqual( await four.postsListCell( room ), [ fixtures.editor3 ], 'rendered with the page' );
		await four.page.locator( 'table.wp-list-table' ).screenshot( { path: SCREENSHOTS + '/posts-list.png' } );

		// editor3 leaves the editor for the dashboard: the column empties on editor4's next tick,
		// and fills again, announced, when editor3 is back.
		await three.openDashboard();
		await four.tick();
		assert.deepEqual( await four.postsListCell( room ), [], 'updated by the heartbeat' );
		await three.openEditor( editUrl );
		await four.tick();
		assert.deepEqual( await four.postsListCell( room ), [ fixtures.editor3 ] );
		await four.announced( /Editor Three is editing “Surfaces test post”\./ );
	} );

	await t.test( 'a block-editor save warns the other editor who has the post open', async () => {
		await four.openEditor( editUrl );
		await three.tick();
		assert.equal( await four.staleNotice(), '', 'no notice before the save' );
		await three.saveInBlockEditor( `Surfaces test post ${ Date.now() }` );
		await four.tick();
		assert.match( await four.staleNotice(), /^Editor Three saved this page [^—]+ ago — reload to see the changes\.$/ );
		assert.equal( await three.staleNotice(), '', 'not the one who saved' );
		await four.page.screenshot( { path: SCREENSHOTS + '/stale-editor.png' } );
	} );

	await t.test( 'a closed tab is gone from the other editor’s view within 5 s', async () => {
		await four.tick();
		assert.ok( await four.editorsShow( fixtures.editor3 ), 'editor4 sees editor3 in the editor first' );
		const closed = Date.now();
		// A behaviour bound, not a speed: the tab's leave request removes the entry at once, where
		// without it the entry would stay until its TTL (150 s). 5 s is the polling (a forced tick
		// every 250 ms) plus room for a loaded CI machine, far below the TTL.
		await three.page.close();
		await eventually(
			async () => {
				await four.tick();
				const online = await four.page.evaluate( () => window.wppPresence.online.users.map( ( u ) => u.user_id ) );
				return ! ( await four.editorsShow( fixtures.editor3 ) ) && ! online.includes( fixtures.editor3 );
			},
			5000,
			'editor3 is still listed 5 s after closing the tab'
		);
		t.diagnostic( `gone after ${ Date.now() - closed } ms` );
		three.page = await three.context.newPage(); // For the log-out at the end.
		await three.page.goto( BASE + '/wp-admin/' );
	} );
} );

test( 'a settings page saved by another administrator, the users list and Tools → Presence', async ( t ) => {
	const [ admin, admin2 ] = await Promise.all( [ loggedIn( 'admin' ), loggedIn( 'admin2' ) ] );

	await t.test( 'the other administrator gets the notice on their next tick', async () => {
		await admin.page.goto( BASE + '/wp-admin/options-general.php' );
		await admin.waitForPresence();
		await admin2.page.goto( BASE + '/wp-admin/options-general.php' );
		await admin2.page.fill( '#blogdescription', `Saved at ${ Date.now() }` );
		await Promise.all( [ admin2.page.waitForURL( /settings-updated=true/ ), admin2.page.click( '#submit' ) ] );
		await admin2.waitForPresence();

		await admin.tick();
		assert.match( await admin.staleNotice(), /Admin Two saved this page [^—]+ ago — reload to see the changes\./ );

		// Later ticks ask only about newer saves: the notice stays, and the server neither sends it
		// again nor checks the screen again for it (for a term or a comment, a query each tick).
		const shown = await admin.page.evaluate( () => window.wppPresence.stale.saved_at );
		const next = await admin.sendAndAnswer();
		assert.equal( next.sent[ 'presence-screen' ].since, shown, 'the tick asks about saves after the one shown' );
		assert.equal( next.answer[ 'presence-stale' ] || null, null, 'the save shown is not sent again' );
		assert.match( await admin.staleNotice(), /Admin Two saved this page/ );
		await admin2.tick();
		assert.equal( await admin2.staleNotice(), '', 'the page served after the save is current' );
		await admin.page.screenshot( { path: SCREENSHOTS + '/stale-settings.png', clip: { x: 0, y: 0, width: 1280, height: 360 } } );
	} );

	await t.test( 'the users list has an Online view that works from a plain link', async () => {
		await admin.page.goto( BASE + '/wp-admin/users.php' );
		await admin.page.click( 'ul.subsubsub a[href*="presence=online"]' );
		await admin.page.waitForURL( /presence=online/ );
		const rows = await admin.page.locator( '#the-list tr' ).evaluateAll( ( trs ) => trs.map( ( tr ) => Number( tr.id.replace( 'user-', '' ) ) ) );
		assert.ok( rows.includes( fixtures.admin2 ), `admin2 is listed online: ${ rows }` );
		assert.match( await admin.page.locator( `#user-${ fixtures.admin2 } td.column-wpp_status` ).innerText(), /Active/ );
		await admin.page.screenshot( { path: SCREENSHOTS + '/users-list.png' } );
	} );

	await t.test( 'Tools → Presence shows the store and the rooms', async () => {
		await admin.page.goto( BASE + '/wp-admin/tools.php?page=wpp-presence&room=admin%2Fonline' );
		const text = await admin.page.locator( '.wpp-inspector' ).innerText();
		assert.match( text, /Backend\s+native/ );
		assert.match( text, /admin\/online/ );
		await admin.page.screenshot( { path: SCREENSHOTS + '/inspector.png', fullPage: true } );
	} );
} );
