//! How store errors reach PHP: invalid arguments throw `ValueError`/`TypeError` naming the
//! argument PHP-style; operational failures (segment full, lock timeout, file unusable, Redis
//! unavailable) are an `E_WARNING` and a falsy return, so a heartbeat never dies of them. A Redis
//! outage warns once per request, however many calls it fails.

use std::sync::atomic::{AtomicBool, Ordering};

use ext_php_rs::error::php_error;
use ext_php_rs::exception::PhpException;
use ext_php_rs::flags::ErrorType;
use ext_php_rs::zend::ce;

use crate::store::StoreError;

/// A function's name and its parameter names in order, for messages like PHP's own
/// (`presence_upsert(): Argument #1 ($room) must not be empty`).
pub struct Sig {
    pub name: &'static str,
    pub params: &'static [&'static str],
}

impl Sig {
    fn arg(&self, argument: &str) -> String {
        match self.params.iter().position(|p| *p == argument) {
            Some(i) => format!("{}(): Argument #{} (${argument})", self.name, i + 1),
            None => format!("{}(): ${argument}", self.name),
        }
    }

    pub fn value_error(&self, argument: &str, message: impl std::fmt::Display) -> PhpException {
        PhpException::new(format!("{} {message}", self.arg(argument)), 0, ce::value_error())
    }

    pub fn type_error(&self, argument: &str, message: impl std::fmt::Display) -> PhpException {
        PhpException::new(format!("{} {message}", self.arg(argument)), 0, ce::type_error())
    }

    /// An argument error becomes an exception; anything else a warning, answered by `fallback`.
    pub fn fail<T>(&self, err: StoreError, fallback: T) -> Result<T, PhpException> {
        match err {
            StoreError::InvalidArgument { argument, message } => Err(self.value_error(argument, message)),
            StoreError::Unavailable { .. } if UNAVAILABLE_WARNED.swap(true, Ordering::Relaxed) => Ok(fallback),
            other => {
                // php_error_docref prefixes the function name itself.
                php_error(&ErrorType::Warning, &other.to_string());
                Ok(fallback)
            }
        }
    }
}

/// Whether this request already warned that the backend is unavailable.
static UNAVAILABLE_WARNED: AtomicBool = AtomicBool::new(false);

/// A new request may warn again (called at request start-up).
pub fn new_request() {
    UNAVAILABLE_WARNED.store(false, Ordering::Relaxed);
}
