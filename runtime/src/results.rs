//! Per-item outcomes inside a successful reply.
//!
//! Many commands answer `OK` for the call as a whole while some items failed: `account_delete` reports a
//! `ResultCode` per account, `batchsendmsg` an `ErrorList`, relationship commands a `Fail_Account` list,
//! group member commands a `Result` per member. Every response type implements [`ItemResults`], so a
//! caller can check all of them the same way:
//!
//! ```
//! use tim_rest_runtime::ItemResults;
//! fn report(resp: &impl ItemResults) {
//!     for f in resp.failures() {
//!         eprintln!("{} {:?} failed: {:?} {:?}", f.list, f.id, f.code, f.info);
//!     }
//! }
//! ```

/// One item's outcome (built by generated code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemResult<'a> {
    /// The wire name of the list the item came from (e.g. `ResultItem`, `ErrorList`).
    pub list: &'static str,
    /// What the item is about (an account, a group...), when the item names it.
    pub id: Option<&'a str>,
    /// The item's code, when the item has one.
    pub code: Option<i64>,
    /// The item's message, when the item has one.
    pub info: Option<&'a str>,
    /// Whether the item succeeded.
    pub ok: bool,
}

/// Access to the per-item outcomes of a response (empty for commands without any).
pub trait ItemResults {
    /// Every per-item outcome, successes included, in reply order.
    fn item_results(&self) -> Vec<ItemResult<'_>> {
        Vec::new()
    }

    /// Only the failed items.
    fn failures(&self) -> Vec<ItemResult<'_>> {
        self.item_results().into_iter().filter(|r| !r.ok).collect()
    }

    /// Whether no item failed.
    fn all_ok(&self) -> bool {
        self.item_results().iter().all(|r| r.ok)
    }
}

/// Integer widths a per-item code may have on the wire.
pub trait Code: Copy {
    /// As `i64` (values above `i64::MAX` saturate).
    fn as_i64(self) -> i64;
}

impl Code for i32 {
    fn as_i64(self) -> i64 {
        i64::from(self)
    }
}
impl Code for u32 {
    fn as_i64(self) -> i64 {
        i64::from(self)
    }
}
impl Code for i64 {
    fn as_i64(self) -> i64 {
        self
    }
}
impl Code for u64 {
    fn as_i64(self) -> i64 {
        i64::try_from(self).unwrap_or(i64::MAX)
    }
}

/// Used by generated code.
#[doc(hidden)]
pub fn code_i64<T: Code>(v: T) -> i64 {
    v.as_i64()
}
