//! Argument types with PHP's own conversion rules for internal functions in coercive mode
//! (a numeric string or an integral float for an `int`, an int for a `string`), and PHP-worded
//! `TypeError`s for what cannot be converted: `presence_user(): Argument #1 ($user_id) must be of
//! type int, string given`. ext-php-rs's default conversion refuses every other type with a
//! generic message, and WordPress hands over ids as numeric strings (`$post->post_author`).
//!
//! Each type converts from any value and remembers what was given; the function body raises the
//! error, because only it knows the argument's position. A converted value is refused when the
//! calling code declared `strict_types=1`, as PHP refuses it. A Stringable object for a `string`
//! is converted with its `__toString()` in coercive mode and refused in strict mode, naming its
//! class, as PHP does. (An explicit `null` for a
//! non-nullable parameter is refused by ext-php-rs itself, with its own message naming the
//! argument.)

use std::borrow::Cow;

use ext_php_rs::convert::{FromZendObject, FromZval, StubLiteral};
use ext_php_rs::exception::{PhpException, PhpResult};
use ext_php_rs::ffi::ZEND_ACC_STRICT_TYPES;
use ext_php_rs::flags::DataType;
use ext_php_rs::types::{ZendHashTable, Zval};
use ext_php_rs::zend::ExecutorGlobals;

use super::errors::Sig;
use crate::store::{ClientId, ClientPrefix, CountPrefix, Prefix, Room};

/// Whether the PHP code that called the running function declared `strict_types=1`: PHP's own
/// `ZEND_ARG_USES_STRICT_TYPES()`, the flags of the caller's function. Read only when an argument
/// needed converting.
fn caller_uses_strict_types() -> bool {
    let globals = ExecutorGlobals::get();
    let frame = globals.current_execute_data;
    // SAFETY: while an internal function runs, EG(current_execute_data) is its call frame, valid
    // for the duration of the call (`as_ref` checks it for null).
    let Some(frame) = (unsafe { frame.as_ref() }) else { return false };
    // SAFETY: the engine's frame of the caller, valid for the duration of the call (or null).
    let Some(caller) = (unsafe { frame.prev_execute_data.as_ref() }) else { return false };
    // SAFETY: the caller's function, valid for the duration of the call (or null).
    let Some(func) = (unsafe { caller.func.as_ref() }) else { return false };
    // SAFETY: `common` is the member of the zend_function union that every kind of function
    // starts with.
    let flags = unsafe { func.common.fn_flags };
    flags & ZEND_ACC_STRICT_TYPES != 0
}

/// PHP's name of a value's type, as in its TypeError messages (an object's class name).
pub fn type_name(z: &Zval) -> Cow<'static, str> {
    if let Some(obj) = z.object() {
        let name = obj.get_class_name().unwrap_or_else(|_| "object".into());
        // An anonymous class's name continues after a NUL byte; PHP's messages stop there.
        return Cow::Owned(name.split('\0').next().unwrap_or_default().to_owned());
    }
    Cow::Borrowed(scalar_type_name(z))
}

fn scalar_type_name(z: &Zval) -> &'static str {
    if z.is_null() {
        "null"
    } else if z.is_bool() {
        "bool"
    } else if z.is_long() {
        "int"
    } else if z.is_double() {
        "float"
    } else if z.is_string() {
        "string"
    } else if z.is_array() {
        "array"
    } else if z.is_object() {
        "object"
    } else {
        "resource"
    }
}

/// A `string` parameter, as bytes (invalid UTF-8 gets our `ValueError`, not a type error).
pub enum StrArg<'a> {
    Ok(Cow<'a, [u8]>),
    /// Converted from a value of another type (named), as coercive mode allows.
    Coerced(Cow<'a, [u8]>, &'static str),
    Given(Cow<'static, str>),
    /// A Stringable object whose `__toString()` threw (the exception is pending).
    Threw,
}

impl<'a> FromZval<'a> for StrArg<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval(z: &'a Zval) -> Option<Self> {
        if z.is_null() {
            return None; // `Option<StrArg>` reads it as null; a required argument is refused
        }
        Some(if let Some(s) = z.zend_str() {
            StrArg::Ok(Cow::Borrowed(s.as_bytes()))
        } else if let Some(i) = z.long() {
            StrArg::Coerced(Cow::Owned(i.to_string().into_bytes()), "int")
        } else if let Some(f) = z.double().filter(|f| f.is_finite()) {
            let text = if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") };
            StrArg::Coerced(Cow::Owned(text.into_bytes()), "float")
        } else if let Some(b) = z.bool() {
            StrArg::Coerced(Cow::Borrowed(if b { b"1" } else { b"" }), "bool")
        } else if let Some(obj) = z.object().filter(|_| !caller_uses_strict_types()) {
            // Coercive mode converts a Stringable object with __toString(), as PHP's own
            // functions do; strict mode refuses every object (PHP does not call __toString()).
            match String::from_zend_object(obj) {
                Ok(text) => StrArg::Ok(Cow::Owned(text.into_bytes())),
                Err(ext_php_rs::error::Error::ExceptionPending { .. }) => StrArg::Threw,
                Err(_) => StrArg::Given(type_name(z)),
            }
        } else {
            StrArg::Given(type_name(z))
        })
    }
}

/// The default of an optional string parameter (`''`).
impl<'a> From<&'a str> for StrArg<'a> {
    fn from(s: &'a str) -> Self {
        StrArg::Ok(Cow::Borrowed(s.as_bytes()))
    }
}

impl StubLiteral for StrArg<'_> {
    fn stub_literal(&self) -> String {
        match self {
            StrArg::Ok(b) | StrArg::Coerced(b, _) => {
                format!("'{}'", String::from_utf8_lossy(b).replace('\\', "\\\\").replace('\'', "\\'"))
            }
            StrArg::Given(_) | StrArg::Threw => "''".into(),
        }
    }
}

impl StrArg<'_> {
    /// The bytes as given (any bytes: a token, a session), or PHP's TypeError.
    pub fn bytes(&self, sig: &Sig, argument: &'static str) -> PhpResult<&[u8]> {
        match self {
            StrArg::Ok(b) => Ok(b),
            StrArg::Coerced(b, given) => {
                if caller_uses_strict_types() {
                    return Err(sig.type_error(argument, format!("must be of type string, {given} given")));
                }
                Ok(b)
            }
            StrArg::Given(t) => Err(sig.type_error(argument, format!("must be of type string, {t} given"))),
            StrArg::Threw => Err(sig.type_error(argument, "could not be converted to string")),
        }
    }

    /// The text: valid UTF-8, else our ValueError.
    pub fn utf8(&self, sig: &Sig, argument: &'static str) -> PhpResult<&str> {
        std::str::from_utf8(self.bytes(sig, argument)?).map_err(|_| sig.value_error(argument, "must be valid UTF-8"))
    }

    /// `$room`: valid UTF-8, then the store's checks.
    pub fn room(&self, sig: &Sig) -> PhpResult<Room<'_>> {
        sig.checked(Room::new(self.utf8(sig, "room")?))
    }

    /// `$client_id`: valid UTF-8, then the store's checks.
    pub fn client_id(&self, sig: &Sig) -> PhpResult<ClientId<'_>> {
        sig.checked(ClientId::new(self.utf8(sig, "client_id")?))
    }

    /// A prefix parameter named `argument`: valid UTF-8, then the store's checks.
    pub fn prefix(&self, sig: &Sig, argument: &'static str) -> PhpResult<Prefix<'_>> {
        sig.checked(Prefix::new(argument, self.utf8(sig, argument)?))
    }

    /// `$client_prefix`: valid UTF-8, then the store's checks.
    pub fn client_prefix(&self, sig: &Sig) -> PhpResult<ClientPrefix<'_>> {
        sig.checked(ClientPrefix::new("client_prefix", self.utf8(sig, "client_prefix")?))
    }

    /// `$count_prefix`: valid UTF-8, then the store's checks.
    pub fn count_prefix(&self, sig: &Sig) -> PhpResult<CountPrefix<'_>> {
        sig.checked(CountPrefix::new(self.utf8(sig, "count_prefix")?))
    }
}

/// An `int` parameter.
pub enum IntArg {
    Ok(i64),
    /// Converted from a value of another type (named), as coercive mode allows.
    Coerced(i64, &'static str),
    Given(Cow<'static, str>),
}

/// PHP's numeric-string rule: optional surrounding whitespace around an integer or a float
/// literal; a float must be integral to become an int here.
fn int_from_numeric_string(s: &[u8]) -> Option<i64> {
    let t =
        std::str::from_utf8(s).ok()?.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
    if let Ok(i) = t.parse::<i64>() {
        return Some(i);
    }
    let f = t.parse::<f64>().ok().filter(|_| t.bytes().any(|b| b.is_ascii_digit()))?;
    integral(f)
}

fn integral(f: f64) -> Option<i64> {
    (f.is_finite() && f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
}

impl<'a> FromZval<'a> for IntArg {
    const TYPE: DataType = DataType::Long;

    fn from_zval(z: &'a Zval) -> Option<Self> {
        if z.is_null() {
            return None; // `Option<IntArg>` reads it as null; a required argument is refused
        }
        Some(if let Some(i) = z.long() {
            IntArg::Ok(i)
        } else if let Some(f) = z.double() {
            integral(f).map_or(IntArg::Given(Cow::Borrowed("float")), |i| IntArg::Coerced(i, "float"))
        } else if let Some(s) = z.zend_str() {
            int_from_numeric_string(s.as_bytes())
                .map_or(IntArg::Given(Cow::Borrowed("string")), |i| IntArg::Coerced(i, "string"))
        } else if let Some(b) = z.bool() {
            IntArg::Coerced(i64::from(b), "bool")
        } else {
            IntArg::Given(type_name(z))
        })
    }
}

/// The default of an optional int parameter (`0`).
impl From<i32> for IntArg {
    fn from(v: i32) -> Self {
        IntArg::Ok(i64::from(v))
    }
}

impl StubLiteral for IntArg {
    fn stub_literal(&self) -> String {
        match self {
            IntArg::Ok(i) | IntArg::Coerced(i, _) => i.to_string(),
            IntArg::Given(_) => "0".into(),
        }
    }
}

impl IntArg {
    /// The value, or PHP's TypeError; `expected` is the declared type (`int`, `?int`).
    pub fn get(&self, sig: &Sig, argument: &'static str, expected: &str) -> PhpResult<i64> {
        match self {
            IntArg::Ok(i) => Ok(*i),
            IntArg::Coerced(i, given) => {
                if caller_uses_strict_types() {
                    Err(sig.type_error(argument, format!("must be of type {expected}, {given} given")))
                } else {
                    Ok(*i)
                }
            }
            IntArg::Given(t) => Err(sig.type_error(argument, format!("must be of type {expected}, {t} given"))),
        }
    }
}

/// Reads an optional `?int` parameter.
pub fn opt_int(v: &Option<IntArg>, sig: &Sig, argument: &'static str) -> PhpResult<Option<i64>> {
    v.as_ref().map(|v| v.get(sig, argument, "?int")).transpose()
}

/// An optional `?int` parameter checked into a store input type by `check` (`Ttl::new` …).
pub fn opt_checked<T>(
    v: &Option<IntArg>,
    sig: &Sig,
    argument: &'static str,
    check: impl FnOnce(i64) -> crate::store::Result<T>,
) -> PhpResult<Option<T>> {
    opt_int(v, sig, argument)?.map(|n| sig.checked(check(n))).transpose()
}

/// An `array` parameter (no conversion exists for arrays).
pub enum ArrayArg<'a> {
    Ok(&'a ZendHashTable),
    Given(Cow<'static, str>),
}

impl<'a> FromZval<'a> for ArrayArg<'a> {
    const TYPE: DataType = DataType::Array;

    fn from_zval(z: &'a Zval) -> Option<Self> {
        if z.is_null() {
            return None; // `Option<ArrayArg>` reads it as null
        }
        Some(match z.array() {
            Some(ht) => ArrayArg::Ok(ht),
            None => ArrayArg::Given(type_name(z)),
        })
    }
}

/// Reads an optional `?array` parameter.
pub fn opt_array<'a>(
    v: &Option<ArrayArg<'a>>,
    sig: &Sig,
    argument: &'static str,
) -> Result<Option<&'a ZendHashTable>, PhpException> {
    match v {
        None => Ok(None),
        Some(ArrayArg::Ok(ht)) => Ok(Some(ht)),
        Some(ArrayArg::Given(t)) => Err(sig.type_error(argument, format!("must be of type ?array, {t} given"))),
    }
}

/// A `float` parameter. An int is a float in either mode, as PHP widens it.
pub enum FloatArg {
    Ok(f64),
    /// Converted from a value of another type (named), as coercive mode allows.
    Coerced(f64, &'static str),
    Given(Cow<'static, str>),
}

impl<'a> FromZval<'a> for FloatArg {
    const TYPE: DataType = DataType::Double;

    fn from_zval(z: &'a Zval) -> Option<Self> {
        if z.is_null() {
            return None; // `Option<FloatArg>` reads it as null
        }
        Some(if let Some(f) = z.double() {
            FloatArg::Ok(f)
        } else if let Some(i) = z.long() {
            FloatArg::Ok(i as f64)
        } else if let Some(s) = z.zend_str() {
            float_from_numeric_string(s.as_bytes())
                .map_or(FloatArg::Given(Cow::Borrowed("string")), |f| FloatArg::Coerced(f, "string"))
        } else if let Some(b) = z.bool() {
            FloatArg::Coerced(f64::from(u8::from(b)), "bool")
        } else {
            FloatArg::Given(type_name(z))
        })
    }
}

/// PHP's numeric-string rule for a float: optional surrounding whitespace around a number.
fn float_from_numeric_string(s: &[u8]) -> Option<f64> {
    let t =
        std::str::from_utf8(s).ok()?.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
    t.parse::<f64>().ok().filter(|_| t.bytes().any(|b| b.is_ascii_digit()))
}

impl FloatArg {
    /// The value, or PHP's TypeError; `expected` is the declared type (`float`, `?float`).
    pub fn get(&self, sig: &Sig, argument: &'static str, expected: &str) -> PhpResult<f64> {
        match self {
            FloatArg::Ok(f) => Ok(*f),
            FloatArg::Coerced(f, given) => {
                if caller_uses_strict_types() {
                    Err(sig.type_error(argument, format!("must be of type {expected}, {given} given")))
                } else {
                    Ok(*f)
                }
            }
            FloatArg::Given(t) => Err(sig.type_error(argument, format!("must be of type {expected}, {t} given"))),
        }
    }
}

/// A `bool` parameter.
pub enum BoolArg {
    Ok(bool),
    /// Converted from a value of another type (named), as coercive mode allows.
    Coerced(bool, &'static str),
    Given(Cow<'static, str>),
}

impl<'a> FromZval<'a> for BoolArg {
    const TYPE: DataType = DataType::Bool;

    fn from_zval(z: &'a Zval) -> Option<Self> {
        if z.is_null() {
            return None; // a required argument is refused
        }
        Some(if let Some(b) = z.bool() {
            BoolArg::Ok(b)
        } else if let Some(i) = z.long() {
            BoolArg::Coerced(i != 0, "int")
        } else if let Some(f) = z.double() {
            BoolArg::Coerced(f != 0.0, "float")
        } else if let Some(s) = z.zend_str() {
            BoolArg::Coerced(!matches!(s.as_bytes(), b"" | b"0"), "string")
        } else {
            BoolArg::Given(type_name(z))
        })
    }
}

/// The default of an optional bool parameter.
impl From<bool> for BoolArg {
    fn from(v: bool) -> Self {
        BoolArg::Ok(v)
    }
}

impl StubLiteral for BoolArg {
    fn stub_literal(&self) -> String {
        match self {
            BoolArg::Ok(b) | BoolArg::Coerced(b, _) => b.to_string(),
            BoolArg::Given(_) => "false".into(),
        }
    }
}

impl BoolArg {
    /// The value, or PHP's TypeError.
    pub fn get(&self, sig: &Sig, argument: &'static str) -> PhpResult<bool> {
        match self {
            BoolArg::Ok(b) => Ok(*b),
            BoolArg::Coerced(b, given) => {
                if caller_uses_strict_types() {
                    Err(sig.type_error(argument, format!("must be of type bool, {given} given")))
                } else {
                    Ok(*b)
                }
            }
            BoolArg::Given(t) => Err(sig.type_error(argument, format!("must be of type bool, {t} given"))),
        }
    }
}
