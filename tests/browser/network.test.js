/**
 * End to end on a multisite network (the site "e2ems"): two reporters on the Newsroom site and a
 * merchant on the Shop site, each in a browser of their own, are what the super admin sees in
 * Network Admin — the Who's online widget (busiest site first, who is on each), the Sites list's
 * Online column, and the Users list's Online view opened as a plain link, without JavaScript.
 * Saves a screenshot of each to tests/browser/screenshots/ (network-*.png, shown in
 * docs/plugin.md).
 *
 * Environment (bin/test sets it): PRESENCE_TEST_NETWORK_URL (the network's main site, e.g.
 * http://127.0.0.1:8100), PRESENCE_TEST_NETWORK_DOCROOT (its WordPress, for the fixtures); and
 * PRESENCE_CHROMIUM. Without a network URL the test is skipped (and bin/test lists the skip).
 */
'use strict';

const { test, before, after } = require( 'node:test' );
const assert = require( 'node:assert/strict' );
const { execFileSync } = require( 'node:child_process' );
const path = require( 'node:path' );
const { Browser, SCREENSHOTS } = require( './support/browser' );

const BASE = ( process.env.PRESENCE_TEST_NETWORK_URL || '' ).replace( /\/+$/, '' );
const DOCROOT = process.env.PRESENCE_TEST_NETWORK_DOCROOT || '';

let fixtures = null;
const browsers = [];

before( () => {
	if ( ! BASE ) {
		return;
	}
	assert.ok( DOCROOT, 'PRESENCE_TEST_NETWORK_DOCROOT must name the network’s WordPress' );
	const output = execFileSync( 'php', [ path.join( __dirname, 'support', 'network-fixtures.php' ), DOCROOT, new URL( BASE ).host ], { encoding: 'utf8' } );
	fixtures = JSON.parse( output.trim().split( '\n' ).pop() );
} );

after( async () => {
	await Promise.all( browsers.map( ( b ) => b.logOut().catch( () => {} ).then( () => b.close() ) ) );
} );

/**
 * A browser where `login` is logged in on the site at `base`, after a log-out that removed the
 * entries an earlier run left there.
 */
async function loggedIn( base, login, password ) {
	const browser = await Browser.launch( base );
	browsers.push( browser );
	await browser.logIn( login, password );
	await browser.logOut();
	await browser.logIn( login, password );
	return browser;
}

/**
 * The Network Admin page at `url` as the super admin's browser gets it over plain HTTP, with its
 * cookies and no JavaScript.
 */
async function plainGet( browser, url ) {
	const cookies = await browser.context.cookies( url );
	const response = await fetch( url, {
		headers: { Cookie: cookies.map( ( c ) => c.name + '=' + c.value ).join( '; ' ) },
		redirect: 'manual',
	} );
	assert.equal( response.status, 200, url );
	return response.text();
}

test( 'Network Admin shows who is online on which site', { skip: ! BASE && 'no network (PRESENCE_TEST_NETWORK_URL)' }, async ( t ) => {
	const [ one, two, merchant, admin ] = await Promise.all( [
		loggedIn( BASE + '/newsroom', 'reporter1', 'reporter1' ),
		loggedIn( BASE + '/newsroom', 'reporter2', 'reporter2' ),
		loggedIn( BASE + '/shop', 'merchant1', 'merchant1' ),
		loggedIn( BASE, 'admin', 'admin' ),
	] );
	await Promise.all( [ one.tick(), two.tick(), merchant.tick() ] );
	const { newsroom, shop } = fixtures.sites;

	await t.test( 'the widget lists the busiest site first, with its people', async () => {
		await admin.page.goto( BASE + '/wp-admin/network/' );
		const widget = admin.page.locator( '#wpp_network_whos_online' );
		await widget.waitFor();
		const sites = await widget.locator( '.wpp-network__site' ).evaluateAll( ( items ) =>
			items.map( ( item ) => ( {
				id: Number( item.getAttribute( 'data-blog-id' ) ),
				name: item.querySelector( '.wpp-network__site-name' ).textContent,
				count: item.querySelector( '.wpp-network__count' ).textContent,
				people: Array.from( item.querySelectorAll( '.wpp-network__name' ), ( n ) => n.textContent ),
			} ) )
		);
		assert.deepEqual( sites[ 0 ], { id: newsroom, name: 'Newsroom', count: '2 people', people: [ 'Reporter One', 'Reporter Two' ] } );
		const shopItem = sites.find( ( s ) => s.id === shop );
		assert.deepEqual( shopItem, { id: shop, name: 'Shop', count: '1 person', people: [ 'Merchant One' ] } );
		assert.match( await widget.locator( '.wpp-network__summary' ).textContent(), /^\d+ people online on the network$/ );
		await widget.screenshot( { path: SCREENSHOTS + '/network-dashboard.png' } );
	} );

	await t.test( 'the Sites list has an Online column', async () => {
		await admin.page.goto( BASE + '/wp-admin/network/sites.php' );
		const row = admin.page.locator( 'tr', { has: admin.page.locator( `a[href*="site-info.php?id=${ newsroom }"]` ) } );
		assert.match( await row.locator( 'td.column-wpp_online' ).textContent(), /2 people/ );
		const faces = await row.locator( 'td.column-wpp_online .wpp-avatars__item' ).evaluateAll( ( items ) => items.map( ( i ) => i.getAttribute( 'title' ) ) );
		assert.deepEqual( faces, [ 'Reporter One', 'Reporter Two' ] );
		await admin.page.locator( 'table.wp-list-table' ).screenshot( { path: SCREENSHOTS + '/network-sites.png' } );
	} );

	await t.test( 'the Users list’s Online view works from a plain link', async () => {
		const url = BASE + '/wp-admin/network/users.php?presence=online';
		const html = await plainGet( admin, url );
		assert.match( html, /class="current" aria-current="page">Online <span class="count">\(\d+\)<\/span>/ );
		for ( const login of [ 'reporter1', 'reporter2', 'merchant1' ] ) {
			assert.ok( html.includes( `user_id=${ fixtures.users[ login ] }` ), `${ login } is listed` );
		}
		assert.ok( ! html.includes( '>editor1<' ), 'someone offline is not' );

		await admin.page.goto( url );
		await admin.page.locator( '#wpbody-content .wrap' ).screenshot( { path: SCREENSHOTS + '/network-users.png' } );
	} );
} );
