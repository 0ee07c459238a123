/**
 * Synced patterns: above a synced pattern block (`core/block`) in the block editor, a warning
 * while someone else is editing the pattern itself — "Editor Two is editing this pattern." —
 * from `wp.presence.usePresenceUsers( 'postType/wp_block:{id}' )`. The feature plugin's notice,
 * under its filter namespace; the feature switch `synced-patterns` turns it off.
 *
 * @param {Object} wp `window.wp`.
 * @since 0.3.0
 */
( function ( wp ) {
	'use strict';

	if ( ! wp || ! wp.hooks || ! wp.element || ! wp.presence ) {
		return;
	}

	const el = wp.element.createElement;
	const __ = wp.i18n.__;
	const _n = wp.i18n._n;
	const sprintf = wp.i18n.sprintf;

	/**
	 * The warning, or nothing while nobody else edits the pattern.
	 *
	 * @param {Object} props
	 * @param {number} props.patternId The pattern (a `wp_block` post).
	 * @return {Object|null} The notice element.
	 */
	function PatternEditors( props ) {
		const presence = wp.presence.usePresenceUsers(
			'postType/wp_block:' + props.patternId
		);
		const users = presence.users;
		if ( ! users.length ) {
			return null;
		}
		const others = users.length - 1;
		const text = others
			? sprintf(
					/* translators: 1: display name, 2: number of other people. */
					_n(
						'%1$s and %2$d other person are editing this pattern.',
						'%1$s and %2$d other people are editing this pattern.',
						others,
						'presence'
					),
					users[ 0 ].displayName,
					others
				)
			: sprintf(
					/* translators: %s: display name. */
					__( '%s is editing this pattern.', 'presence' ),
					users[ 0 ].displayName
				);
		return el(
			wp.components.Notice,
			{
				status: 'warning',
				isDismissible: false,
				className: 'wpp-synced-pattern-notice',
			},
			text
		);
	}

	const withPatternEditors = wp.compose.createHigherOrderComponent( function (
		BlockEdit
	) {
		return function ( props ) {
			const ref = props.attributes && props.attributes.ref;
			if ( props.name !== 'core/block' || ! ref ) {
				return el( BlockEdit, props );
			}
			return el(
				wp.element.Fragment,
				null,
				el( PatternEditors, { patternId: Number( ref ) } ),
				el( BlockEdit, props )
			);
		};
	}, 'withPresencePatternEditors' );

	wp.hooks.addFilter(
		'editor.BlockEdit',
		'presence-api/synced-pattern-editors',
		withPatternEditors
	);
} )( window.wp );
