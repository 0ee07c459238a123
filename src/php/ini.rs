//! The extension's php.ini settings: declared at module start-up from the core's list (names and
//! defaults are written there once), and read as text once per process on first use (in a
//! php-fpm worker, after its pool settings apply — not in the master). The core resolves the
//! text into a config and says what was wrong with it.

use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs};

use crate::store::{Config, SETTINGS};

/// Declares one setting; system-wide only: a script must not point the store at another file,
/// resize it or move it to another server.
const fn entry(i: usize) -> IniEntryDef {
    IniEntryDef::new(SETTINGS[i].name, SETTINGS[i].default, IniEntryPermission::System)
}

// One entry per setting of the core, and the end mark.
const _: () = assert!(SETTINGS.len() == 7);

pub static INI_ENTRIES: IniEntryDefs<8> =
    IniEntryDefs::new([entry(0), entry(1), entry(2), entry(3), entry(4), entry(5), entry(6), IniEntryDef::end()]);

/// The settings in force for this process, and the warnings their values call for.
pub fn config() -> (Config, Vec<String>) {
    let ini = ExecutorGlobals::get().ini_values();
    Config::resolve(|name| ini.get(name).cloned().flatten().unwrap_or_default())
}
