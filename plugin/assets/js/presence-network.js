/**
 * Presence in Network Admin (plugin/includes/surfaces/network-*.php): the widget and the Sites
 * list's Online cells are printed by PHP with each person's initials; this shows their avatar
 * images instead once they have loaded.
 *
 * @param {Object} presence The client's state, `window.wppPresence` (presence-client.js).
 * @since 0.2.0
 */
( function ( presence ) {
	'use strict';

	if ( ! presence || ! presence.ui ) {
		return;
	}

	presence.ui.ready( function () {
		Array.prototype.forEach.call(
			document.querySelectorAll( '[data-wpp-network]' ),
			presence.ui.upgradeAvatars
		);
	} );
} )( window.wppPresence );
