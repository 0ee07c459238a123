//! How store errors reach PHP: invalid arguments throw `ValueError`/`TypeError` naming the
//! argument PHP-style; operational failures (segment full, lock timeout, file unusable, Redis
//! unavailable) are an `E_WARNING` and a falsy return, so a heartbeat never dies of them. A Redis
//! outage warns once per request, however many calls it fails.

use std::borrow::Cow;
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

    /// The one mapping of store errors into PHP: an argument error is a `ValueError` naming the
    /// argument; anything else a warning (a backend unavailable: once per request).
    fn to_php(&self, err: StoreError) -> Outcome {
        match err {
            StoreError::InvalidArgument { argument, message } => Outcome::Throw(self.value_error(argument, message)),
            StoreError::Unavailable { .. } if UNAVAILABLE_WARNED.swap(true, Ordering::Relaxed) => Outcome::Quiet,
            other => Outcome::Warn(other.to_string()),
        }
    }

    /// A failed store call: an argument error throws; anything else warns and the call answers
    /// `fallback`, so a heartbeat never dies of it.
    pub fn fail<T>(&self, err: StoreError, fallback: T) -> Result<T, PhpException> {
        match self.to_php(err) {
            Outcome::Throw(e) => Err(e),
            Outcome::Warn(message) => {
                warning(&message);
                Ok(fallback)
            }
            Outcome::Quiet => Ok(fallback),
        }
    }

    /// An argument checked into a store input type (see `crate::store::Room` and the others).
    pub fn checked<T>(&self, r: crate::store::Result<T>) -> Result<T, PhpException> {
        r.map_err(|err| self.exception(err))
    }

    /// The exception for an argument the store refused. (Only argument errors reach here; any
    /// other error is thrown with its message rather than lost.)
    pub fn exception(&self, err: StoreError) -> PhpException {
        match self.to_php(err) {
            Outcome::Throw(e) => e,
            Outcome::Warn(message) => PhpException::from_message(message),
            Outcome::Quiet => PhpException::from_message(String::new()),
        }
    }
}

/// What a store error becomes in PHP.
enum Outcome {
    Throw(PhpException),
    Warn(String),
    Quiet,
}

/// Text for the engine's C strings: a NUL byte (which a server's answer may hold) would cut the
/// text short, or make ext-php-rs drop a warning or panic; it becomes U+FFFD.
pub fn c_text(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// An `E_WARNING` from the running presence_* function (php_error_docref prefixes its name).
pub fn warning(message: &str) {
    php_error(&ErrorType::Warning, &c_text(message));
}

/// Whether this request already warned that the backend is unavailable.
static UNAVAILABLE_WARNED: AtomicBool = AtomicBool::new(false);

/// A new request may warn again (called at request start-up).
pub fn new_request() {
    UNAVAILABLE_WARNED.store(false, Ordering::Relaxed);
}
