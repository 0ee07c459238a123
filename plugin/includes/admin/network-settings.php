<?php
/**
 * The network's switches, for whoever may manage the network's options: the recording checkbox
 * of Network Admin › Settings (site option `wp_presence_network_recording`) and Network Admin ›
 * Settings › Presence (site option `wp_presence_network_features`). Either switch off wins over
 * every site's own (api/switches.php). What the features accept is settings.php's.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Action of the network feature page's form (`network_admin_edit_{action}`) and of its nonce.
 *
 * @since 0.3.0
 */
const WPP_NETWORK_SETTINGS_ACTION = 'wpp_network_features';

/**
 * Adds Network Admin › Settings › Presence. Hooked to `network_admin_menu`.
 *
 * @since 0.3.0
 */
function wpp_network_settings_add_page(): void {
	if ( wpp_feature_plugin_active() ) {
		return;
	}
	add_submenu_page( 'settings.php', __( 'Presence', 'presence' ), __( 'Presence', 'presence' ), 'manage_network_options', WPP_SETTINGS_PAGE, 'wpp_network_settings_render_page' );
}

/**
 * Prints the Presence section of Network Admin › Settings: the network's recording checkbox.
 * Hooked to `wpmu_options`.
 *
 * @since 0.3.0
 */
function wpp_network_settings_render_recording(): void {
	if ( wpp_feature_plugin_active() ) {
		return;
	}
	$on = '1' === wpp_settings_recording_value( get_site_option( 'wp_presence_network_recording', '1' ) );
	echo '<h2>' . esc_html__( 'Presence', 'presence' ) . '</h2><table class="form-table" role="presentation"><tr><th scope="row">';
	echo '<label for="wp_presence_network_recording">' . esc_html__( 'Recording', 'presence' ) . '</label></th><td>';
	echo '<input type="hidden" name="wp_presence_network_recording" value="0" />';
	printf(
		'<label><input type="checkbox" id="wp_presence_network_recording" name="wp_presence_network_recording" value="1"%1$s /> %2$s</label>',
		checked( $on, true, false ),
		esc_html__( 'Record presence on the sites of this network', 'presence' )
	);
	echo '<p class="description">' . esc_html__( 'Switching this off stops recording on every site, whatever a site has chosen. Each site’s features are set in Settings › Presence of this network and of the site.', 'presence' ) . '</p>';
	echo '</td></tr></table>';
}

/**
 * Saves the network's recording checkbox with the rest of Network Admin › Settings (WordPress
 * has checked the form's nonce). Hooked to `update_wpmu_options`.
 *
 * @since 0.3.0
 */
function wpp_network_settings_save_recording(): void {
	// phpcs:ignore WordPress.Security.NonceVerification.Missing -- network/settings.php checked it before this action.
	if ( wpp_feature_plugin_active() || ! current_user_can( 'manage_network_options' ) || ! isset( $_POST['wp_presence_network_recording'] ) ) {
		return;
	}
	// phpcs:ignore WordPress.Security.NonceVerification.Missing, WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- as above; parsed to on/off.
	$on = wpp_settings_parse_switch( wp_unslash( $_POST['wp_presence_network_recording'] ) );
	if ( null !== $on ) {
		update_site_option( 'wp_presence_network_recording', $on ? '1' : '0' );
	}
}

/**
 * Prints Network Admin › Settings › Presence: the features for every site of the network.
 *
 * @since 0.3.0
 */
function wpp_network_settings_render_page(): void {
	if ( ! current_user_can( 'manage_network_options' ) ) {
		return;
	}
	$stored = get_site_option( 'wp_presence_network_features' );
	echo '<div class="wrap"><h1>' . esc_html__( 'Presence', 'presence' ) . '</h1>';
	// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only chooses a notice.
	if ( isset( $_GET['updated'] ) ) {
		echo '<div class="notice notice-success is-dismissible"><p>' . esc_html__( 'Settings saved.', 'presence' ) . '</p></div>';
	}
	echo '<p>' . esc_html__( 'Switching a feature off here switches it off on every site, whatever a site has chosen. Recording is set in Network Admin › Settings.', 'presence' ) . '</p>';
	echo '<form action="' . esc_url( network_admin_url( 'edit.php?action=' . WPP_NETWORK_SETTINGS_ACTION ) ) . '" method="post">';
	wp_nonce_field( WPP_NETWORK_SETTINGS_ACTION );
	echo '<table class="form-table" role="presentation">';
	foreach ( wpp_settings_feature_labels() as $feature => $text ) {
		$id   = 'wp_presence_network_features_' . $feature;
		$name = 'wp_presence_network_features[' . $feature . ']';
		printf(
			'<tr><th scope="row"><label for="%1$s">%2$s</label></th><td><input type="hidden" name="%3$s" value="0" /><label><input type="checkbox" id="%1$s" name="%3$s" value="1"%4$s /> %5$s</label></td></tr>',
			esc_attr( $id ),
			esc_html( $text['label'] ),
			esc_attr( $name ),
			checked( wpp_switches_choice( $stored, $feature ), true, false ),
			esc_html( $text['description'] )
		);
	}
	echo '</table>';
	submit_button();
	echo '</form></div>';
}

/**
 * Saves the network feature page's form, then goes back to it. Hooked to
 * `network_admin_edit_wpp_network_features`.
 *
 * @since 0.3.0
 */
function wpp_network_settings_save(): void {
	// phpcs:ignore WordPress.Security.NonceVerification.Missing -- wpp_network_settings_save_request() checks it.
	$saved = wpp_network_settings_save_request( wp_unslash( $_POST ) );
	if ( is_wp_error( $saved ) ) {
		wp_die( esc_html( $saved->get_error_message() ), '', array( 'response' => (int) ( $saved->get_error_data()['status'] ?? 400 ) ) );
	}
	wp_safe_redirect( add_query_arg( 'updated', 'true', network_admin_url( 'settings.php?page=' . WPP_SETTINGS_PAGE ) ) );
	exit;
}

/**
 * Stores the network's features from the feature page's form, for the current user.
 *
 * @since 0.3.0
 *
 * @param array $form The posted form, unslashed: `_wpnonce` and `wp_presence_network_features`.
 * @return true|WP_Error WP_Error 403 for a bad nonce or a user without `manage_network_options`,
 *                       400 for input wpp_settings_clean_features() refuses; nothing is stored then.
 */
function wpp_network_settings_save_request( array $form ) {
	if ( ! wp_verify_nonce( (string) ( is_string( $form['_wpnonce'] ?? null ) ? $form['_wpnonce'] : '' ), WPP_NETWORK_SETTINGS_ACTION ) ) {
		return new WP_Error( 'wpp_bad_nonce', __( 'The link you followed has expired. Please try again.', 'presence' ), array( 'status' => 403 ) );
	}
	if ( ! is_multisite() || ! current_user_can( 'manage_network_options' ) ) {
		return new WP_Error( 'wpp_forbidden', __( 'Sorry, you are not allowed to manage options for this network.', 'presence' ), array( 'status' => 403 ) );
	}
	$stored = get_site_option( 'wp_presence_network_features' );
	$clean  = wpp_settings_clean_features( $form['wp_presence_network_features'] ?? array(), $stored );
	if ( is_wp_error( $clean ) ) {
		return $clean;
	}
	update_site_option( 'wp_presence_network_features', $clean );
	return true;
}

/**
 * Uninstall, once per network: deletes the network's recording and feature options, unless the
 * feature plugin is still installed.
 *
 * @since 0.3.0
 *
 * @param bool $keep Whether the feature plugin is installed.
 */
function wpp_network_settings_uninstall( bool $keep ): void {
	if ( ! $keep ) {
		delete_site_option( 'wp_presence_network_recording' );
		delete_site_option( 'wp_presence_network_features' );
	}
}
