//! Reading a whole list, page by page, as a stream.
//!
//! Commands that return a list in pages each have their own cursor scheme (`Offset`/`Limit`, a string or
//! numeric `Next`, `StartIndex` with `NextStartIndex` and `CompleteFlag`, a message sequence walked back
//! with `IsFinished`...). The catalogue records each one (`paging:` in `spec/`), and the generated
//! request types implement [`Paged`]: from one reply they build the next request, or say the list is
//! done. On top of it:
//!
//! - [`Pages`]: a stream of replies, one per page (`<function>_pages` on the service handle);
//! - [`Items`]: a stream of the items of every page (`<function>_items`).
//!
//! Both are lazy (a page is fetched only when the caller asks for more than it has read), go through
//! the same retries, pacing and errors as a single call, and are `'static` (they hold a clone of the
//! client), so they can be moved into a task. A page that fails ends the stream with that error, after
//! every item already read. A reply after which the next request would be the same as the last ends the
//! stream with [`Error::Paging`] instead of looping.
//!
//! Both implement [`futures_core::Stream`]; without a stream library, use their `next()` method:
//!
//! ```no_run
//! use tim_rest_runtime::{Client, Error, paging::PagedItems};
//!
//! // e.g. with `tim-rest`: client.group_open_http_svc().get_group_member_info_items(request)
//! async fn read_all<E: PagedItems>(client: &Client, first: E) -> Result<Vec<E::Item>, Error> {
//!     let mut items = client.items(first);
//!     let mut out = Vec::new();
//!     while let Some(item) = items.next().await {
//!         out.push(item?); // a failed page ends the stream with its error
//!     }
//!     Ok(out)
//! }
//! ```

use crate::{Client, Endpoint, Error};
use futures_core::Stream;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A command that returns a list page by page (implemented by generated request types).
pub trait Paged: Endpoint + Clone + PartialEq {
    /// The request for the page after `reply`, or `None` when `reply` is the last page.
    fn next_page(&self, reply: &Self::Response) -> Option<Self>;
}

/// A paged command whose pages hold one list of items.
pub trait PagedItems: Paged {
    /// One item of a page.
    type Item: Send + 'static;
    /// Takes the items out of a page.
    fn take_items(reply: &mut Self::Response) -> Vec<Self::Item>;
}

type PageFuture<E> = Pin<Box<dyn Future<Output = (E, Result<<E as Endpoint>::Response, Error>)> + Send>>;

enum State<E: Paged> {
    Start(E),
    Fetching(PageFuture<E>),
    Failed(Error),
    Done,
}

/// A stream of the pages of a paged command (see the [module docs](self)).
pub struct Pages<E: Paged> {
    client: Client,
    state: State<E>,
    pages: usize,
}

impl<E: Paged> std::fmt::Debug for Pages<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Start(_) => "not started",
            State::Fetching(_) => "fetching",
            State::Failed(_) => "failed",
            State::Done => "done",
        };
        f.debug_struct("Pages").field("endpoint", &E::PATH).field("pages_read", &self.pages).field("state", &state).finish()
    }
}

impl<E: Paged> Pages<E> {
    pub(crate) fn new(client: Client, first: E) -> Self {
        Pages { client, state: State::Start(first), pages: 0 }
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<E::Response, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads every page; the first error ends it.
    pub async fn try_collect(mut self) -> Result<Vec<E::Response>, Error> {
        let mut out = Vec::new();
        while let Some(page) = self.next().await {
            out.push(page?);
        }
        Ok(out)
    }

    /// Pages read so far.
    pub fn pages_read(&self) -> usize {
        self.pages
    }
}

impl<E: Paged> Unpin for Pages<E> {}

impl<E: Paged> Stream for Pages<E> {
    type Item = Result<E::Response, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Failed(e) => return Poll::Ready(Some(Err(e))),
                State::Start(request) => {
                    let client = this.client.clone();
                    this.state = State::Fetching(Box::pin(async move {
                        let result = client.call(&request).await;
                        (request, result)
                    }));
                }
                State::Fetching(mut fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Fetching(fut);
                        return Poll::Pending;
                    }
                    Poll::Ready((_, Err(e))) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready((request, Ok(reply))) => {
                        this.pages += 1;
                        this.state = match request.next_page(&reply) {
                            None => State::Done,
                            Some(next) if next == request => State::Failed(Error::Paging {
                                endpoint: E::PATH,
                                reason: format!(
                                    "after page {} the reply's cursor would repeat the same request; the server may have \
                                     changed how it signals the last page",
                                    this.pages
                                ),
                            }),
                            Some(next) => State::Start(next),
                        };
                        return Poll::Ready(Some(Ok(reply)));
                    }
                },
            }
        }
    }
}

/// A stream of the items of every page of a paged command (see the [module docs](self)).
pub struct Items<E: PagedItems> {
    pages: Pages<E>,
    buffer: VecDeque<E::Item>,
}

impl<E: PagedItems> std::fmt::Debug for Items<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").field("pages", &self.pages).field("buffered", &self.buffer.len()).finish()
    }
}

impl<E: PagedItems> Items<E> {
    /// The next item, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<E::Item, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads every item; the first error ends it (use [`Items::next`] to keep what came before).
    pub async fn try_collect(mut self) -> Result<Vec<E::Item>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }

    /// Pages read so far.
    pub fn pages_read(&self) -> usize {
        self.pages.pages
    }
}

impl<E: PagedItems> Unpin for Items<E> {}

impl<E: PagedItems> Stream for Items<E> {
    type Item = Result<E::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(mut page))) => this.buffer.extend(E::take_items(&mut page)),
            }
        }
    }
}

impl Client {
    /// The pages of a paged command, starting with `first` (the generated `<function>_pages` calls this).
    pub fn pages<E: Paged>(&self, first: E) -> Pages<E> {
        Pages::new(self.clone(), first)
    }

    /// The items of every page of a paged command, starting with `first` (the generated
    /// `<function>_items` calls this).
    pub fn items<E: PagedItems>(&self, first: E) -> Items<E> {
        Items { pages: Pages::new(self.clone(), first), buffer: VecDeque::new() }
    }
}
