<?php
/**
 * Child process of BackendTest: prints wpp_backend_install_key() as another PHP process of the same
 * install computes it.
 *
 * @package Presence
 */

// phpcs:disable
require __DIR__ . '/load-wordpress-with-plugin.php';
echo wpp_backend_install_key();
