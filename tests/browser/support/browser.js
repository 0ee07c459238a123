/**
 * One user's browser for the end-to-end tests: Debian's Chromium with a fresh profile
 * (launchPersistentContext on a new temp dir), driven by playwright-core, plus the steps the
 * tests take in WordPress. Records the php-fpm worker PID of every admin-ajax answer
 * (X-Presence-Worker-Pid, sent by the harness's test-mode mu-plugin).
 */
'use strict';

const fs = require( 'node:fs' );
const os = require( 'node:os' );
const path = require( 'node:path' );
const { chromium } = require( 'playwright-core' );

const CHROMIUM = process.env.PRESENCE_CHROMIUM || '/usr/lib/chromium/chromium';
const ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];
const TICK_TIMEOUT_MS = 20000;
const SCREENSHOTS = path.join( __dirname, '..', 'screenshots' );

class Browser {
	/**
	 * @param {string} base      Site URL without trailing slash.
	 * @param {Object} context   Playwright persistent context.
	 * @param {Object} page      Its page.
	 * @param {string} dir       Profile directory (removed on close).
	 */
	constructor( base, context, page, dir ) {
		this.base = base;
		this.context = context;
		this.page = page;
		this.dir = dir;
		this.workerPids = new Set();
		this.errors = [];
		page.on( 'response', ( response ) => {
			const pid = response.headers()[ 'x-presence-worker-pid' ];
			if ( pid && response.url().includes( 'admin-ajax.php' ) ) {
				this.workerPids.add( pid );
			}
		} );
		page.on( 'pageerror', ( error ) => this.errors.push( String( error ) ) );
	}

	static async launch( base ) {
		const dir = fs.mkdtempSync( path.join( os.tmpdir(), 'wpp-e2e-' ) );
		const context = await chromium.launchPersistentContext( dir, {
			executablePath: CHROMIUM,
			headless: true,
			args: ARGS,
			viewport: { width: 1280, height: 860 },
		} );
		const page = context.pages()[ 0 ] || ( await context.newPage() );
		page.setDefaultTimeout( 30000 );
		return new Browser( base, context, page, dir );
	}

	async close() {
		try {
			await this.context.close();
		} finally {
			fs.rmSync( this.dir, { recursive: true, force: true } );
		}
	}

	/**
	 * Logs in through the login form. On a loaded machine Chromium now and then drops the form's
	 * submission (the server never sees the POST); the form is then filled and sent once more.
	 * Logged in is the dashboard's document arriving; its images and scripts may take longer
	 * there (four browsers logging in at once), and waitForPresence() waits for what counts.
	 */
	async logIn( login, password ) {
		for ( let attempt = 1; ; attempt++ ) {
			await this.page.goto( this.base + '/wp-login.php' );
			await this.page.fill( '#user_login', login );
			await this.page.fill( '#user_pass', password );
			try {
				await Promise.all( [
					this.page.waitForURL( /\/wp-admin\/?($|\?|index\.php)/, { timeout: 15000, waitUntil: 'domcontentloaded' } ),
					this.page.click( '#wp-submit' ),
				] );
				break;
			} catch ( error ) {
				if ( attempt >= 2 || ! /wp-login\.php/.test( this.page.url() ) ) {
					throw error;
				}
			}
		}
		await this.waitForPresence();
	}

	async logOut() {
		const href = await this.page.evaluate( () => {
			const link = document.querySelector( '#wp-admin-bar-logout a' );
			return link ? link.href : null;
		} );
		if ( ! href ) {
			throw new Error( 'no log-out link on the page' );
		}
		await this.page.goto( href );
		await this.page.waitForURL( /wp-login\.php/ );
	}

	async openDashboard() {
		await this.page.goto( this.base + '/wp-admin/' );
		await this.waitForPresence();
	}

	async waitForPresence() {
		await this.page.waitForFunction( () => window.wppPresence && window.wp && window.wp.heartbeat );
		// wp-a11y comes with the surfaces' script, which may load after the client's: wait for it
		// (a page without surfaces has none), or an early announcement is missed.
		await this.page.waitForFunction( () => window.wp.a11y && window.wp.a11y.speak, null, { timeout: 5000 } ).catch( () => {} );
		// Every announcement of the page, kept: a later one replaces the live region's text.
		await this.page.evaluate( () => {
			if ( window.wp.a11y && window.wp.a11y.speak && ! window.wppSpoken ) {
				const speak = window.wp.a11y.speak;
				window.wppSpoken = [];
				window.wp.a11y.speak = ( message, politeness ) => {
					window.wppSpoken.push( String( message ) );
					return speak( message, politeness );
				};
			}
		} );
	}

	async userId() {
		return this.page.evaluate( () => window.wppPresence.config.userId );
	}

	/**
	 * Forces a heartbeat and waits until its answer (with presence data) has been handled.
	 */
	async tick() {
		await this.page.evaluate( ( timeout ) => new Promise( ( resolve, reject ) => {
			const $ = window.jQuery;
			const timer = setTimeout( () => {
				$( document ).off( 'heartbeat-tick.wppE2E' );
				reject( new Error( 'no presence heartbeat answer within ' + timeout + ' ms' ) );
			}, timeout );
			$( document ).on( 'heartbeat-tick.wppE2E', ( event, data ) => {
				if ( data && data[ 'presence-online' ] ) {
					clearTimeout( timer );
					$( document ).off( 'heartbeat-tick.wppE2E' );
					resolve();
				}
			} );
			window.wp.heartbeat.connectNow();
		} ), TICK_TIMEOUT_MS );
	}

	/**
	 * Forces a heartbeat and returns what it sent and what answered it, paired by the request
	 * itself: a heartbeat already in flight (one the live lane asked for) answers first, and is
	 * not taken for this one. `sent` is the data object the presence keys were added to.
	 */
	async sendAndAnswer() {
		return this.page.evaluate( ( timeout ) => new Promise( ( resolve, reject ) => {
			const $ = window.jQuery;
			let sent = null;
			let xhr = null;
			const timer = setTimeout( () => finish( null, new Error( 'no answer to the forced heartbeat within ' + timeout + ' ms' ) ), timeout );
			function finish( value, error ) {
				clearTimeout( timer );
				$( document ).off( '.wppPair' );
				return error ? reject( error ) : resolve( value );
			}
			$( document ).on( 'heartbeat-send.wppPair', ( event, data ) => {
				sent = sent || data;
			} );
			$( document ).on( 'ajaxSend.wppPair', ( event, jqXHR, settings ) => {
				if ( sent && ! xhr && String( settings.data ).includes( 'action=heartbeat' ) ) {
					xhr = jqXHR;
				}
			} );
			$( document ).on( 'heartbeat-tick.wppPair', ( event, data, status, jqXHR ) => {
				if ( xhr && jqXHR === xhr ) {
					finish( { sent, answer: data } );
				}
			} );
			window.wp.heartbeat.connectNow();
		} ), TICK_TIMEOUT_MS );
	}

	/**
	 * Sends n heartbeats at once (what n open tabs would do) and returns each answer with the PID
	 * of the worker that gave it.
	 */
	async parallelHeartbeats( n ) {
		const answers = await this.page.evaluate( async ( count ) => {
			const settings = window.heartbeatSettings || {};
			const one = async () => {
				const body = new URLSearchParams( {
					action: 'heartbeat',
					_nonce: settings.nonce,
					screen_id: 'dashboard',
					interval: '60',
					has_focus: 'true',
					'data[presence-ping][screen]': 'dashboard',
					'data[presence-ping][title]': 'Dashboard',
				} );
				const response = await fetch( window.ajaxurl || '/wp-admin/admin-ajax.php', {
					method: 'POST',
					body,
					credentials: 'same-origin',
				} );
				return { pid: response.headers.get( 'x-presence-worker-pid' ), body: await response.json() };
			};
			return Promise.all( Array.from( { length: count }, one ) );
		}, n );
		answers.forEach( ( answer ) => answer.pid && this.workerPids.add( answer.pid ) );
		return answers;
	}

	/**
	 * Waits until the page has announced (wp.a11y.speak()) a message matching re.
	 */
	async announced( re ) {
		await this.page.waitForFunction(
			( source ) => {
				const region = document.getElementById( 'a11y-speak-polite' );
				return ( window.wppSpoken || [] ).some( ( message ) => new RegExp( source ).test( message ) ) ||
					( region && new RegExp( source ).test( region.textContent ) );
			},
			re.source,
			{ timeout: 5000 }
		);
	}

	async widgetShows( userId ) {
		return ( await this.page.locator( `#wpp_whos_online li[data-user-id="${ userId }"]` ).count() ) > 0;
	}

	async widgetText( userId ) {
		return this.page.locator( `#wpp_whos_online li[data-user-id="${ userId }"]` ).innerText();
	}

	async editorsShow( userId ) {
		return ( await this.page.locator( `.wpp-editors:not([hidden]) li[data-user-id="${ userId }"]` ).count() ) > 0;
	}

	/**
	 * The admin bar's presence node: its count text, and the user ids of its two groups.
	 */
	async adminBar() {
		return this.page.evaluate( () => {
			const node = document.getElementById( 'wp-admin-bar-wpp-online' );
			const ids = ( group ) => Array.from(
				document.querySelectorAll( `#wp-admin-bar-wpp-online-${ group } li.wpp-ab-user` )
			).map( ( li ) => Number( li.id.replace( /.*-user-/, '' ) ) );
			return node ? {
				count: node.querySelector( '.wpp-ab-count' ).textContent,
				here: ids( 'here' ),
				elsewhere: ids( 'elsewhere' ),
				text: node.querySelector( '.ab-sub-wrapper' ).innerText,
			} : null;
		} );
	}

	/**
	 * Opens the admin bar's presence menu (hover, as a mouse user would).
	 */
	async openAdminBarMenu() {
		await this.page.hover( '#wp-admin-bar-wpp-online > .ab-item' );
		await this.page.waitForSelector( '#wp-admin-bar-wpp-online .ab-sub-wrapper', { state: 'visible' } );
	}

	/**
	 * User ids shown in the "Editing now" cell of a room on the posts list.
	 */
	async postsListCell( room ) {
		return this.page.evaluate( ( wanted ) => {
			const cell = document.querySelector( `.wpp-editing[data-wpp-room="${ wanted }"]` );
			return cell ? Array.from( cell.querySelectorAll( '.wpp-avatars:not([hidden]) li[data-user-id]' ) ).map( ( li ) => Number( li.dataset.userId ) ) : null;
		}, room );
	}

	/**
	 * Changes the title in the block editor and saves the post (a REST save).
	 */
	async saveInBlockEditor( title ) {
		await this.page.evaluate( async ( newTitle ) => {
			const { dispatch, select } = window.wp.data;
			dispatch( 'core/editor' ).editPost( { title: newTitle } );
			await dispatch( 'core/editor' ).savePost();
			if ( select( 'core/editor' ).didPostSaveRequestFail() ) {
				throw new Error( 'the save failed' );
			}
		}, title );
	}

	/**
	 * Text of the stale-screen notice (admin notice, or the block editor's), '' when none.
	 */
	async staleNotice() {
		return this.page.evaluate( () => {
			const banner = document.getElementById( 'wpp-stale-screen' );
			if ( banner ) {
				return banner.textContent;
			}
			const notices = window.wp && window.wp.data && window.wp.data.select( 'core/notices' );
			const notice = notices && notices.getNotices().find( ( n ) => n.id === 'wpp-stale-screen' );
			return notice ? notice.content : '';
		} );
	}

	/**
	 * The edit link of the draft with this title, from the posts list.
	 */
	async demoPostEditUrl( title ) {
		await this.page.goto( this.base + '/wp-admin/edit.php?post_type=post&s=' + encodeURIComponent( title ) );
		const href = await this.page.evaluate( ( wanted ) => {
			const link = Array.from( document.querySelectorAll( 'a.row-title' ) ).find(
				( a ) => a.textContent.trim() === wanted
			);
			return link ? link.href : null;
		}, title );
		if ( ! href ) {
			throw new Error( `no post titled "${ title }" in the posts list` );
		}
		return href;
	}

	/**
	 * Opens a post in the editor (block or classic) and closes the block editor's welcome guide.
	 */
	async openEditor( url ) {
		await this.page.goto( url );
		await this.waitForPresence();
		await this.page.waitForFunction( () => window.wppPresence.config.isEditor );
		await this.page.evaluate( () => {
			const prefs = window.wp.data && window.wp.data.dispatch( 'core/preferences' );
			if ( prefs ) {
				prefs.set( 'core/edit-post', 'welcomeGuide', false );
				prefs.set( 'core', 'welcomeGuide', false );
			}
		} );
		const guide = this.page.locator( '.components-guide button[aria-label="Close"], .edit-post-welcome-guide button[aria-label="Close"]' );
		if ( await guide.count() ) {
			await guide.first().click().catch( () => {} );
		}
	}
}

module.exports = { Browser, SCREENSHOTS };
