//! Documented limits on requests, checked before anything is sent.
//!
//! The catalogue records, per command, what a request may hold (`limits:` in `spec/`): the most items
//! of a list, the most bytes of a string, an integer range. Generated request types check them in
//! [`crate::Endpoint::check_limits`]; the client calls it before sending and refuses a request that
//! breaks a limit with [`crate::Error::Build`] naming the field, the limit and the documentation page,
//! so the call never reaches the server (which would answer an error code, or worse, cut the list).
//! [`crate::ClientBuilder::check_limits`] turns the checks off, for an app whose limits were raised.

use std::fmt;

/// What a limit bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// At most this many items in a list (or entries in a map).
    MaxItems(u64),
    /// At most this many bytes (UTF-8) in a string.
    MaxBytes(u64),
    /// An integer within this range (bounds included).
    Range {
        /// The smallest value allowed.
        min: Option<i64>,
        /// The largest value allowed.
        max: Option<i64>,
    },
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::MaxItems(n) => write!(f, "at most {n} items"),
            Limit::MaxBytes(n) => write!(f, "at most {n} bytes"),
            Limit::Range { min: Some(a), max: Some(b) } => write!(f, "between {a} and {b}"),
            Limit::Range { min: Some(a), max: None } => write!(f, "at least {a}"),
            Limit::Range { min: None, max: Some(b) } => write!(f, "at most {b}"),
            Limit::Range { min: None, max: None } => write!(f, "any value"),
        }
    }
}

/// One documented limit of a command, as the registry lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LimitInfo {
    /// The field, as a path of wire keys (`AccountList.UserID`).
    pub field: &'static str,
    /// The bound.
    pub limit: Limit,
    /// The error code the server answers when the limit is broken, when documented.
    pub code: Option<i64>,
    /// The official page the limit comes from.
    pub source: &'static str,
}

impl LimitInfo {
    /// A limit (used by generated code).
    pub const fn new(field: &'static str, limit: Limit, code: Option<i64>, source: &'static str) -> Self {
        LimitInfo { field, limit, code, source }
    }
}

/// A request that breaks a documented limit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LimitViolation {
    /// `servicename/command`.
    pub endpoint: &'static str,
    /// The field, with list indexes (`AccountList[3].UserID`).
    pub field: String,
    /// The documented bound.
    pub limit: Limit,
    /// What the request has: a count of items or bytes, or the value.
    pub actual: i128,
    /// The error code the server answers for it, when documented.
    pub code: Option<i64>,
    /// The official page that documents the limit.
    pub source: &'static str,
}

impl fmt::Display for LimitViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let has = match self.limit {
            Limit::MaxItems(_) => format!("has {} items", self.actual),
            Limit::MaxBytes(_) => format!("has {} bytes", self.actual),
            Limit::Range { .. } => format!("is {}", self.actual),
        };
        write!(f, "{}: `{}` {has}; the documented limit is {} ({})", self.endpoint, self.field, self.limit, self.source)
    }
}

impl std::error::Error for LimitViolation {}

/// Checks a count of items (used by generated code).
#[doc(hidden)]
#[inline]
pub fn items(
    endpoint: &'static str,
    count: usize,
    max: u64,
    code: Option<i64>,
    source: &'static str,
    field: impl FnOnce() -> String,
) -> Result<(), Box<LimitViolation>> {
    if count as u64 <= max {
        return Ok(());
    }
    Err(Box::new(LimitViolation { endpoint, field: field(), limit: Limit::MaxItems(max), actual: count as i128, code, source }))
}

/// Checks the byte length of a string (used by generated code).
#[doc(hidden)]
#[inline]
pub fn bytes(
    endpoint: &'static str,
    text: &str,
    max: u64,
    code: Option<i64>,
    source: &'static str,
    field: impl FnOnce() -> String,
) -> Result<(), Box<LimitViolation>> {
    if text.len() as u64 <= max {
        return Ok(());
    }
    Err(Box::new(LimitViolation { endpoint, field: field(), limit: Limit::MaxBytes(max), actual: text.len() as i128, code, source }))
}

/// Checks an integer range (used by generated code).
#[doc(hidden)]
#[inline]
pub fn range(
    endpoint: &'static str,
    value: impl Into<i128>,
    min: Option<i64>,
    max: Option<i64>,
    code: Option<i64>,
    source: &'static str,
    field: impl FnOnce() -> String,
) -> Result<(), Box<LimitViolation>> {
    let v: i128 = value.into();
    if min.is_none_or(|m| v >= i128::from(m)) && max.is_none_or(|m| v <= i128::from(m)) {
        return Ok(());
    }
    Err(Box::new(LimitViolation { endpoint, field: field(), limit: Limit::Range { min, max }, actual: v, code, source }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_violation_names_the_field_the_limit_and_the_page() {
        let e =
            items("im_open_login_svc/multiaccount_import", 250, 100, None, "https://cloud.tencent.com/document/product/269/4919", || {
                "Accounts".into()
            })
            .expect_err("over the limit");
        let text = e.to_string();
        assert!(text.contains("`Accounts` has 250 items"), "{text}");
        assert!(text.contains("at most 100 items"), "{text}");
        assert!(text.contains("269/4919"), "{text}");
        assert!(items("x/y", 100, 100, None, "", || unreachable!()).is_ok());
    }

    #[test]
    fn bytes_and_ranges() {
        assert!(bytes("x/y", "é", 1, None, "", String::new).is_err(), "é is two bytes");
        assert!(bytes("x/y", "ab", 2, None, "", String::new).is_ok());
        assert!(range("x/y", 0u32, Some(1), Some(100), None, "", String::new).is_err());
        assert!(range("x/y", u64::MAX, None, Some(100), None, "", String::new).is_err());
        assert!(range("x/y", 100i64, Some(1), Some(100), None, "", String::new).is_ok());
    }
}
