//! The PHP binding: the only code that imports `ext_php_rs`. The module builder registers;
//! start-up declares the ini entries and interns result keys; it never touches the segment
//! (php-fpm's master runs it as root, before forking: workers attach on first use).
//!
//! `functions` (the `presence_*` functions; those answering a room after a write or removal, one
//! entry or rooms by prefix in `exchange`; the live lane's in `live`) take their arguments
//! through `args` (PHP's conversions) into the store's checked input types, reach the store through `process` (this
//! process's config and store), and answer through `convert` (states and entries), `stats` and
//! `errors` (store errors as exceptions or warnings); `ini` declares and reads the settings,
//! `info` writes `php --ri presence`.

mod args;
mod convert;
mod errors;
mod exchange;
mod functions;
mod info;
mod ini;
mod live;
mod process;
mod stats;
mod zend_array;

use ext_php_rs::prelude::*;
use ext_php_rs::zend::IniEntryDef;

pub extern "C" fn startup(_ty: i32, module_number: i32) -> i32 {
    IniEntryDef::register(ini::INI_ENTRIES.as_slice(), module_number);
    convert::intern_keys();
    0
}

/// Request start-up: only resets the once-per-request warning (no store work).
pub extern "C" fn request_startup(_ty: i32, _module_number: i32) -> i32 {
    errors::new_request();
    0
}

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let module = module.startup_function(startup).request_startup_function(request_startup);
    let module = functions::register(module.info_function(info::module_info));
    live::register(exchange::register(module))
}
