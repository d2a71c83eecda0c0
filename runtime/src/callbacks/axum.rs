//! The axum integration (feature `axum`): a route that answers the IM server's callbacks.
//!
//! ```ignore
//! use tim_rest::callbacks::{Answer, Callbacks, Event, Incoming};
//! let callbacks = Callbacks::new(1400000000).token("console-token");
//! let app = tim_rest::callbacks::axum::router("/im/callback", callbacks, |incoming: Incoming<Event>| async move {
//!     match incoming.event {
//!         Event::C2cBeforeSendMsg(e) if contains_banned_word(&e) => C2cBeforeSendMsgReply::reject().into(),
//!         _ => Answer::ok(),
//!     }
//! });
//! axum::serve(listener, app).await?;
//! ```
//! (`integration/examples/callbacks_axum.rs` runs this.)

use super::{Answer, Callbacks, EventSet, Incoming};
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;

/// A router with one `POST path` route that verifies each callback, runs `handler` on it within the
/// deadline, and answers the IM server.
pub fn router<E, H, F>(path: &str, callbacks: Callbacks<E>, handler: H) -> axum::Router
where
    E: EventSet,
    H: Fn(Incoming<E>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Answer> + Send + 'static,
{
    let callbacks = Arc::new(callbacks);
    axum::Router::new().route(
        path,
        axum::routing::post(move |RawQuery(query): RawQuery, body: Bytes| {
            let callbacks = callbacks.clone();
            let handler = handler.clone();
            async move {
                let r = callbacks.handle(query.as_deref().unwrap_or(""), &body, handler).await;
                let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let response: Response = (status, [(header::CONTENT_TYPE, "application/json")], r.body).into_response();
                response
            }
        }),
    )
}
