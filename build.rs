//! Build script: on macOS a PHP extension leaves the engine's symbols for PHP to provide at load
//! time; Linux does that for shared objects by default.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-undefined,dynamic_lookup");
    }
}
