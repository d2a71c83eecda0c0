//! Batched calls: any number of items, sent in requests of the documented size, with every item's
//! outcome.
//!
//! Many commands take a list with a documented maximum (`multiaccount_import` 100 accounts,
//! `batchsendmsg` 500 receivers, `add_group_member` 300 members...). For each such list the catalogue
//! records the maximum (`limits:` in `spec/`), and the generated request type implements [`Batched`]: it
//! splits itself into requests of at most that many items, every other field unchanged (a field the SDK
//! fills with a random number, such as `MsgRandom`, is drawn again for each request after the first).
//! `<function>_batched` on the service handle (or [`Client::call_batched`]) sends them and merges the
//! outcome:
//!
//! - every item of the request is reported once, in order, with its outcome ([`BatchItem`]): the
//!   per-item result of its reply ([`crate::ItemResults`]), or the error of its request when that
//!   request failed as a whole, or [`ItemOutcome::NotSent`] when an earlier request failed and
//!   [`BatchOptions::stop_on_failure`] held the rest back;
//! - every reply is kept ([`BatchOutcome::responses`]), for the data a read command returns;
//! - requests run with bounded concurrency ([`BatchOptions::concurrency`], default 4), each one paced,
//!   checked and retried like a single call.
//!
//! ```no_run
//! # async fn demo(client: tim_rest_runtime::Client, request: impl tim_rest_runtime::batch::Batched) {
//! // e.g. request = MultiAccountImportRequest::new().accounts(1000 account ids)
//! let outcome = client.call_batched(&request).await;
//! for item in outcome.failures() {
//!     eprintln!("{:?} #{} failed: {:?}", item.id, item.index, item.outcome);
//! }
//! # }
//! ```

use crate::{Client, Endpoint, Error, ItemResults};
use futures_util::stream::{self, StreamExt};
use std::sync::atomic::{AtomicBool, Ordering};

/// One item of a batched list: where it is in the caller's request and how replies name it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ItemRef {
    /// The wire key of the list (`Accounts`, `MemberList`...).
    pub list: &'static str,
    /// Its index in that list of the caller's request.
    pub index: usize,
    /// Its name in the reply's per-item results (the account, the member...), when items have one.
    pub id: Option<String>,
}

impl ItemRef {
    /// An item reference (used by generated code).
    pub fn new(list: &'static str, index: usize, id: Option<String>) -> Self {
        ItemRef { list, index, id }
    }
}

/// One request of a batch, with the items it carries.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchPart<E> {
    /// The request.
    pub request: E,
    /// Its items, in order.
    pub items: Vec<ItemRef>,
}

impl<E> BatchPart<E> {
    /// A part (used by generated code).
    pub fn new(request: E, items: Vec<ItemRef>) -> Self {
        BatchPart { request, items }
    }
}

/// A command whose request carries a list with a documented maximum (implemented by generated request
/// types).
pub trait Batched: Endpoint + Clone {
    /// The requests must go one after another, in list order (e.g. messages imported in time order).
    const ORDERED: bool = false;
    /// Splits the request into requests of at most the documented number of items per list. A request
    /// whose lists are all empty is one part with no items.
    fn split(&self) -> Vec<BatchPart<Self>>;
}

/// How a batched call runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchOptions {
    /// Requests in flight at once (default 4; at least 1). Pacing still spaces them.
    pub concurrency: usize,
    /// Once a request fails as a whole, send no further requests (default `true`): their items are
    /// reported as [`ItemOutcome::NotSent`]. Requests already in flight finish.
    pub stop_on_failure: bool,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions { concurrency: 4, stop_on_failure: true }
    }
}

impl BatchOptions {
    /// Sets [`BatchOptions::concurrency`].
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Sets [`BatchOptions::stop_on_failure`].
    #[must_use]
    pub fn stop_on_failure(mut self, yes: bool) -> Self {
        self.stop_on_failure = yes;
        self
    }
}

/// What became of one request of a batch.
#[derive(Debug)]
#[non_exhaustive]
pub enum PartResult<R> {
    /// Answered with success (items may still have failed: see [`crate::ItemResults`]).
    Done(R),
    /// Failed as a whole.
    Failed(Error),
    /// Not sent, because an earlier request failed.
    NotSent,
}

/// One request of a batch and what became of it.
#[derive(Debug)]
#[non_exhaustive]
pub struct PartOutcome<E: Endpoint> {
    /// The items the request carried.
    pub items: Vec<ItemRef>,
    /// Its outcome.
    pub result: PartResult<E::Response>,
}

/// What became of one item.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ItemOutcome<'a> {
    /// Its request succeeded and the reply reports no failure for it.
    Ok,
    /// The reply reports a failure for it.
    Failed {
        /// The item's code, when the reply gives one.
        code: Option<i64>,
        /// The item's message, when the reply gives one.
        info: Option<&'a str>,
    },
    /// Its request failed as a whole with this error.
    RequestFailed(&'a Error),
    /// Its request was not sent because an earlier one failed.
    NotSent,
}

impl ItemOutcome<'_> {
    /// Whether the item succeeded.
    pub fn is_ok(&self) -> bool {
        matches!(self, ItemOutcome::Ok)
    }
}

/// One item of a batch with its outcome.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct BatchItem<'a> {
    /// The wire key of the list.
    pub list: &'static str,
    /// Its index in that list of the caller's request.
    pub index: usize,
    /// Its name (account, member...), when items have one.
    pub id: Option<&'a str>,
    /// What became of it.
    pub outcome: ItemOutcome<'a>,
}

/// The merged outcome of a batched call.
#[derive(Debug)]
pub struct BatchOutcome<E: Endpoint> {
    parts: Vec<PartOutcome<E>>,
}

impl<E: Endpoint> BatchOutcome<E> {
    /// Every request with its outcome, in order.
    pub fn parts(&self) -> &[PartOutcome<E>] {
        &self.parts
    }

    /// The replies of the requests that succeeded, in order.
    pub fn responses(&self) -> impl Iterator<Item = &E::Response> {
        self.parts.iter().filter_map(|p| match &p.result {
            PartResult::Done(r) => Some(r),
            _ => None,
        })
    }

    /// The errors of the requests that failed as a whole, in order.
    pub fn errors(&self) -> impl Iterator<Item = &Error> {
        self.parts.iter().filter_map(|p| match &p.result {
            PartResult::Failed(e) => Some(e),
            _ => None,
        })
    }

    /// Every item of the request with its outcome, in request order.
    pub fn items(&self) -> Vec<BatchItem<'_>> {
        let mut out = Vec::new();
        for part in &self.parts {
            match &part.result {
                PartResult::Done(reply) => {
                    let mut results: Vec<Option<crate::ItemResult<'_>>> = reply.item_results().into_iter().map(Some).collect();
                    // Items without a name are matched by position when the reply has one result per item.
                    let positional = results.len() == part.items.len();
                    for (n, item) in part.items.iter().enumerate() {
                        let found = match item.id.as_deref() {
                            Some(id) => results.iter_mut().find(|r| r.as_ref().is_some_and(|r| r.id == Some(id))).and_then(Option::take),
                            None if positional => results.get_mut(n).and_then(Option::take),
                            None => None,
                        };
                        let outcome = match found {
                            Some(r) if !r.ok => ItemOutcome::Failed { code: r.code, info: r.info },
                            _ => ItemOutcome::Ok,
                        };
                        out.push(BatchItem { list: item.list, index: item.index, id: item.id.as_deref(), outcome });
                    }
                }
                PartResult::Failed(e) => out.extend(part.items.iter().map(|item| BatchItem {
                    list: item.list,
                    index: item.index,
                    id: item.id.as_deref(),
                    outcome: ItemOutcome::RequestFailed(e),
                })),
                PartResult::NotSent => out.extend(part.items.iter().map(|item| BatchItem {
                    list: item.list,
                    index: item.index,
                    id: item.id.as_deref(),
                    outcome: ItemOutcome::NotSent,
                })),
            }
        }
        out
    }

    /// The items that did not succeed, in request order.
    pub fn failures(&self) -> Vec<BatchItem<'_>> {
        self.items().into_iter().filter(|i| !i.outcome.is_ok()).collect()
    }

    /// Whether every request succeeded and no item failed.
    pub fn is_ok(&self) -> bool {
        self.parts.iter().all(|p| matches!(&p.result, PartResult::Done(r) if r.all_ok()))
    }

    /// The replies, or the first error of a request that failed as a whole (items that failed inside a
    /// successful reply do not make this an error: check [`BatchOutcome::failures`]).
    pub fn into_responses(self) -> Result<Vec<E::Response>, Error> {
        let mut out = Vec::with_capacity(self.parts.len());
        for p in self.parts {
            match p.result {
                PartResult::Done(r) => out.push(r),
                PartResult::Failed(e) => return Err(e),
                PartResult::NotSent => {}
            }
        }
        Ok(out)
    }
}

impl Client {
    /// Sends a request of any size in requests of the documented size, with the client's batch options
    /// (see [`crate::ClientBuilder::batch_options`]); the generated `<function>_batched` calls this.
    pub async fn call_batched<E: Batched>(&self, request: &E) -> BatchOutcome<E> {
        let options = self.batch_options().clone();
        self.call_batched_with(request, &options).await
    }

    /// [`Client::call_batched`] with other options for this call.
    pub async fn call_batched_with<E: Batched>(&self, request: &E, options: &BatchOptions) -> BatchOutcome<E> {
        let stop = AtomicBool::new(false);
        let stop = &stop;
        let stop_on_failure = options.stop_on_failure;
        let parts = request.split();
        let total = parts.len();
        let outcomes = stream::iter(parts.into_iter().enumerate().map(|(n, part)| async move {
            if stop_on_failure && stop.load(Ordering::Acquire) {
                return PartOutcome { items: part.items, result: PartResult::NotSent };
            }
            let result = match self.call(&part.request).await {
                Ok(reply) => PartResult::Done(reply),
                Err(e) => {
                    tracing::debug!(endpoint = E::PATH, part = n + 1, of = total, error = %e, "a request of a batch failed");
                    stop.store(true, Ordering::Release);
                    PartResult::Failed(e)
                }
            };
            PartOutcome { items: part.items, result }
        }))
        .buffered(if E::ORDERED { 1 } else { options.concurrency.max(1) })
        .collect::<Vec<_>>()
        .await;
        BatchOutcome { parts: outcomes }
    }
}
