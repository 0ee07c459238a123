<?php
/**
 * The switches a site's administrator sets: recording (the Presence checkbox of Settings ›
 * General) and the features (Settings › Presence, one checkbox per WPP_SWITCHES_FEATURES); what
 * they accept, and whether uninstall deletes them. The network's own switches are in
 * network-settings.php.
 *
 * Stored in the Presence API feature plugin's own options, so a site switching from it keeps its
 * choices: `wp_presence_recording` ('1'/'0'), site option `wp_presence_network_recording`
 * ('1'/'0'), `wp_presence_features` and site option `wp_presence_network_features` (feature =>
 * 1/0; a missing feature is on). api/switches.php reads them.
 *
 * While the feature plugin is active it serves these screens itself (same options), so Presence
 * adds none of them then: two checkboxes of one option would fight on every save.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Slug of Settings › Presence (and of its network page): the feature plugin's, so links to its
 * settings page keep working.
 *
 * @since 0.3.0
 */
const WPP_SETTINGS_PAGE = 'presence-api';

/**
 * Each feature's label and what switching it on does, for the settings pages.
 *
 * @since 0.3.0
 *
 * @return array<string,array{label:string,description:string}>
 */
function wpp_settings_feature_labels(): array {
	return array(
		'post-locks'       => array(
			'label'       => __( 'Post locks', 'presence' ),
			'description' => __( 'Keep the lock of a post being edited in the presence store instead of post meta, so refreshing it never clears the site’s cached post queries.', 'presence' ),
		),
		'admin-bar'        => array(
			'label'       => __( 'Admin bar', 'presence' ),
			'description' => __( 'Show who else is online in the admin bar.', 'presence' ),
		),
		'post-list'        => array(
			'label'       => __( 'Posts list', 'presence' ),
			'description' => __( 'Show who is editing each post in the lists of posts and pages.', 'presence' ),
		),
		'synced-patterns'  => array(
			'label'       => __( 'Synced patterns', 'presence' ),
			'description' => __( 'Warn in the block editor when someone else is editing a synced pattern the post uses.', 'presence' ),
		),
		'wpp-whos-online'  => array(
			'label'       => __( 'Who’s online', 'presence' ),
			'description' => __( 'The dashboard widget listing who is online and where.', 'presence' ),
		),
		'wpp-active-posts' => array(
			'label'       => __( 'Active posts', 'presence' ),
			'description' => __( 'The dashboard widget listing the posts being edited now.', 'presence' ),
		),
		'wpp-users-list'   => array(
			'label'       => __( 'Users list', 'presence' ),
			'description' => __( 'The Online view and the Status column of the Users list, and the link to them on the Plugins screen.', 'presence' ),
		),
	);
}

/**
 * Reads an on/off value as given to a switch.
 *
 * @since 0.3.0
 *
 * @param mixed $value true/false, 1/0, '1'/'0', 'on'/'off', '' (a checkbox left empty).
 * @return bool|null Null for anything else.
 */
function wpp_settings_parse_switch( $value ): ?bool {
	if ( is_bool( $value ) ) {
		return $value;
	}
	if ( is_int( $value ) && ( 0 === $value || 1 === $value ) ) {
		return 1 === $value;
	}
	if ( is_string( $value ) ) {
		$value = strtolower( trim( $value ) );
		if ( in_array( $value, array( '1', 'on' ), true ) ) {
			return true;
		}
		if ( in_array( $value, array( '0', 'off', '' ), true ) ) {
			return false;
		}
	}
	return null;
}

/**
 * A recording option as stored, read as the switches read it (wpp_switches_option_on()).
 *
 * @since 0.3.0
 *
 * @param mixed $stored The option's value (get_option() with the default '1').
 * @return string '1' or '0'.
 */
function wpp_settings_recording_value( $stored ): string {
	return wpp_switches_option_on( $stored ) ? '1' : '0';
}

/**
 * Sanitizes `wp_presence_recording` (also on update_option()): '1' or '0'. A value that is
 * neither on nor off keeps what is stored.
 *
 * @since 0.3.0
 *
 * @param mixed $value The new value.
 * @return string
 */
function wpp_settings_sanitize_recording( $value ): string {
	$on = wpp_settings_parse_switch( $value );
	if ( null === $on ) {
		wpp_settings_error( 'wp_presence_recording', __( 'Presence recording must be on or off; it was left as it was.', 'presence' ) );
		return wpp_settings_recording_value( get_option( 'wp_presence_recording', '1' ) );
	}
	return $on ? '1' : '0';
}

/**
 * Every feature's choice, from new input over what is stored: input keys replace the stored
 * choice of their feature, features the input leaves out keep it (on when none is stored).
 *
 * @since 0.3.0
 *
 * @param mixed $input  Feature => on/off value (see wpp_settings_parse_switch()).
 * @param mixed $stored What the option holds now.
 * @return array<string,int>|WP_Error Feature => 1/0 for every feature; WP_Error (400) for input
 *                                    that is not an array, names an unknown feature or gives a
 *                                    value that is neither on nor off.
 */
function wpp_settings_clean_features( $input, $stored ) {
	if ( ! is_array( $input ) ) {
		return new WP_Error( 'wpp_invalid_features', __( 'The features must be given as feature => on or off.', 'presence' ), array( 'status' => 400 ) );
	}
	$unknown = array_diff( array_map( 'strval', array_keys( $input ) ), WPP_SWITCHES_FEATURES );
	if ( $unknown ) {
		return new WP_Error(
			'wpp_unknown_feature',
			/* translators: %s: feature names. */
			sprintf( __( 'Unknown feature: %s.', 'presence' ), implode( ', ', $unknown ) ),
			array( 'status' => 400 )
		);
	}
	$clean = array();
	foreach ( WPP_SWITCHES_FEATURES as $feature ) {
		if ( ! array_key_exists( $feature, $input ) ) {
			$clean[ $feature ] = wpp_switches_choice( $stored, $feature ) ? 1 : 0;
			continue;
		}
		$on = wpp_settings_parse_switch( $input[ $feature ] );
		if ( null === $on ) {
			return new WP_Error(
				'wpp_invalid_feature_value',
				/* translators: %s: feature name. */
				sprintf( __( 'The feature %s must be on or off.', 'presence' ), $feature ),
				array( 'status' => 400 )
			);
		}
		$clean[ $feature ] = $on ? 1 : 0;
	}
	return $clean;
}

/**
 * Sanitizes `wp_presence_features` (also on update_option()). Input that
 * wpp_settings_clean_features() refuses keeps what is stored, with the reason shown.
 *
 * @since 0.3.0
 *
 * @param mixed $value The new value.
 * @return array<string,int>
 */
function wpp_settings_sanitize_features( $value ): array {
	$stored = get_option( 'wp_presence_features' );
	$clean  = wpp_settings_clean_features( $value, $stored );
	if ( is_wp_error( $clean ) ) {
		wpp_settings_error( 'wp_presence_features', $clean->get_error_message() );
		return wpp_settings_clean_features( array(), $stored );
	}
	return $clean;
}

/**
 * Shows a settings error on the next settings screen (outside wp-admin there is none to show).
 *
 * @since 0.3.0
 *
 * @param string $setting Option name.
 * @param string $message Text.
 */
function wpp_settings_error( string $setting, string $message ): void {
	if ( function_exists( 'add_settings_error' ) ) {
		add_settings_error( $setting, 'wpp_invalid_value', $message );
	}
}

/**
 * Registers the options, the Presence checkbox of Settings › General and the feature fields of
 * Settings › Presence. Hooked to `admin_init`.
 *
 * @since 0.3.0
 */
function wpp_settings_register(): void {
	if ( wpp_feature_plugin_active() ) {
		return;
	}
	register_setting(
		'general',
		'wp_presence_recording',
		array(
			'type'              => 'string',
			'description'       => __( 'Whether presence is recorded on this site: 1 or 0.', 'presence' ),
			'sanitize_callback' => 'wpp_settings_sanitize_recording',
			'show_in_rest'      => false,
		)
	);
	add_settings_field(
		'wp_presence_recording',
		__( 'Presence', 'presence' ),
		'wpp_settings_render_recording',
		'general',
		'default',
		array( 'label_for' => 'wp_presence_recording' )
	);

	register_setting(
		WPP_SETTINGS_PAGE,
		'wp_presence_features',
		array(
			'type'              => 'object',
			'description'       => __( 'Presence features: feature => 1 (on) or 0 (off).', 'presence' ),
			'sanitize_callback' => 'wpp_settings_sanitize_features',
			'show_in_rest'      => false,
		)
	);
	add_settings_section( 'wpp_features', __( 'Features', 'presence' ), 'wpp_settings_render_features_intro', WPP_SETTINGS_PAGE );
	foreach ( wpp_settings_feature_labels() as $feature => $text ) {
		add_settings_field(
			'wp_presence_features_' . $feature,
			$text['label'],
			'wpp_settings_render_feature',
			WPP_SETTINGS_PAGE,
			'wpp_features',
			array(
				'label_for' => 'wp_presence_features_' . $feature,
				'feature'   => $feature,
			)
		);
	}
}

/**
 * Adds Settings › Presence. Hooked to `admin_menu`.
 *
 * @since 0.3.0
 */
function wpp_settings_add_page(): void {
	if ( wpp_feature_plugin_active() ) {
		return;
	}
	add_options_page( __( 'Presence', 'presence' ), __( 'Presence', 'presence' ), 'manage_options', WPP_SETTINGS_PAGE, 'wpp_settings_render_page' );
}

/**
 * Prints the Presence checkbox of Settings › General.
 *
 * @since 0.3.0
 */
function wpp_settings_render_recording(): void {
	$on = '1' === wpp_settings_recording_value( get_option( 'wp_presence_recording', '1' ) );
	echo '<input type="hidden" name="wp_presence_recording" value="0" />';
	printf(
		'<label><input type="checkbox" id="wp_presence_recording" name="wp_presence_recording" value="1"%1$s /> %2$s</label>',
		checked( $on, true, false ),
		esc_html__( 'Record who is working where in the admin', 'presence' )
	);
	echo '<p class="description">' . esc_html__( 'Presence entries expire on their own, so switching this off empties every presence screen within a few minutes.', 'presence' ) . '</p>';
	$note = wpp_settings_recording_note( $on );
	if ( '' !== $note ) {
		echo '<p class="description">' . esc_html( $note ) . '</p>';
	}
}

/**
 * Why recording is not what the site's checkbox says, or ''.
 *
 * @since 0.3.0
 *
 * @param bool $stored_on The site's stored choice.
 * @return string
 */
function wpp_settings_recording_note( bool $stored_on ): string {
	$enabled = wpp_switches_recording_enabled();
	if ( $enabled === $stored_on ) {
		return '';
	}
	if ( $stored_on && is_multisite() && '0' === wpp_settings_recording_value( get_site_option( 'wp_presence_network_recording', '1' ) ) ) {
		return __( 'Recording is switched off for every site on this network.', 'presence' );
	}
	return $enabled
		? __( 'Code on this site (the wp_presence_recording_enabled filter) records presence anyway.', 'presence' )
		: __( 'Code on this site (a wp_presence_recording_enabled filter) has switched recording off.', 'presence' );
}

/**
 * Prints the introduction of the Features section.
 *
 * @since 0.3.0
 */
function wpp_settings_render_features_intro(): void {
	echo '<p>' . esc_html__( 'Each feature can be switched off on its own. A change applies from the next page load. With recording off (Settings › General), the features that show who is online have nothing to show.', 'presence' ) . '</p>';
}

/**
 * Prints one feature's checkbox of Settings › Presence. A feature the network switched off is
 * shown as off and cannot be changed here; the site's own choice is kept for when the network
 * switches it on again.
 *
 * @since 0.3.0
 *
 * @param array $args `feature`.
 */
function wpp_settings_render_feature( $args ): void {
	$feature = (string) ( $args['feature'] ?? '' );
	$labels  = wpp_settings_feature_labels();
	if ( ! isset( $labels[ $feature ] ) ) {
		return;
	}
	$id          = 'wp_presence_features_' . $feature;
	$description = $labels[ $feature ]['description'];
	if ( is_multisite() && ! wpp_switches_choice( get_site_option( 'wp_presence_network_features' ), $feature ) ) {
		printf(
			'<label><input type="checkbox" id="%1$s" disabled="disabled" /> %2$s</label><p class="description">%3$s</p>',
			esc_attr( $id ),
			esc_html( $description ),
			esc_html__( 'Switched off for every site on this network.', 'presence' )
		);
		return;
	}
	$on   = wpp_switches_choice( get_option( 'wp_presence_features' ), $feature );
	$name = 'wp_presence_features[' . $feature . ']';
	printf(
		'<input type="hidden" name="%1$s" value="0" /><label><input type="checkbox" id="%2$s" name="%1$s" value="1"%3$s /> %4$s</label>',
		esc_attr( $name ),
		esc_attr( $id ),
		checked( $on, true, false ),
		esc_html( $description )
	);
	if ( wpp_switches_feature_enabled( $feature ) !== $on ) {
		echo '<p class="description">' . esc_html__( 'Code on this site (a wp_presence_feature_enabled filter) decides this feature, whatever is chosen here.', 'presence' ) . '</p>';
	}
}

/**
 * Prints Settings › Presence.
 *
 * @since 0.3.0
 */
function wpp_settings_render_page(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html__( 'Presence', 'presence' ) . '</h1>';
	echo '<p>' . esc_html(
		wpp_switches_recording_enabled()
			? __( 'Presence is recorded on this site.', 'presence' )
			: __( 'Presence is not recorded on this site: nothing new is written, and what is shown expires within a few minutes.', 'presence' )
	) . ' <a href="' . esc_url( admin_url( 'options-general.php#wp_presence_recording' ) ) . '">' . esc_html__( 'Recording is set in Settings › General.', 'presence' ) . '</a></p>';
	echo '<form action="' . esc_url( admin_url( 'options.php' ) ) . '" method="post">';
	settings_fields( WPP_SETTINGS_PAGE );
	do_settings_sections( WPP_SETTINGS_PAGE );
	submit_button();
	echo '</form></div>';
}

/**
 * Whether the Presence API feature plugin is installed on this site (active or not), by its main
 * file's name among the installed plugins.
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wpp_settings_feature_plugin_installed(): bool {
	if ( ! function_exists( 'get_plugins' ) ) {
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
	}
	foreach ( array_keys( get_plugins() ) as $file ) {
		if ( WPP_FEATURE_PLUGIN_FILE === basename( (string) $file ) ) {
			return true;
		}
	}
	return false;
}

/**
 * Uninstall, on the current site: deletes the recording and feature options, unless the feature
 * plugin is still installed (they are its options too, and its choices).
 *
 * @since 0.3.0
 *
 * @param bool $keep Whether the feature plugin is installed (wpp_settings_feature_plugin_installed()).
 */
function wpp_settings_uninstall_site( bool $keep ): void {
	if ( ! $keep ) {
		delete_option( 'wp_presence_recording' );
		delete_option( 'wp_presence_features' );
	}
}
