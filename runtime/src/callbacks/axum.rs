//! The axum integration (feature `axum`): a route that answers the IM server's callbacks.
//!
//! The route verifies the query before it reads the body, and reads at most the body limit
//! ([`Callbacks::max_body`]): a larger body is refused with 413 without being read whole. The router
//! it returns merges into an application's own router, whatever its state type:
//!
//! ```ignore
//! use tim_rest::callbacks::{Answer, Callbacks, Event, Incoming};
//! let callbacks = Callbacks::new(1400000000).token("console-token");
//! let app: axum::Router<AppState> = axum::Router::new()
//!     .route("/health", axum::routing::get(|| async { "ok" }))
//!     .merge(tim_rest::callbacks::axum::router("/im/callback", callbacks, |incoming: Incoming<Event>| async move {
//!         match incoming.event {
//!             Event::C2cBeforeSendMsg(e) if contains_banned_word(&e) => C2cBeforeSendMsgReply::reject().into(),
//!             _ => Answer::ok(),
//!         }
//!     }))
//!     .with_state(state);
//! ```
//! (`integration/examples/callbacks_axum.rs` runs a complete service.)

use super::{Answer, CallbackResponse, Callbacks, EventSet, Incoming, Rejection};
use axum::body::Body;
use axum::extract::RawQuery;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;

/// A router with one `POST path` route that verifies each callback, runs `handler` on it within the
/// deadline, and answers the IM server. It has no state of its own, so it merges into a router of any
/// state `S`.
pub fn router<S, E, H, F>(path: &str, callbacks: Callbacks<E>, handler: H) -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    E: EventSet,
    H: Fn(Incoming<E>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Answer> + Send + 'static,
{
    let callbacks = Arc::new(callbacks);
    axum::Router::new().route(
        path,
        axum::routing::post(move |RawQuery(query): RawQuery, body: Body| {
            let callbacks = callbacks.clone();
            let handler = handler.clone();
            async move {
                let raw = query.unwrap_or_default();
                let r = match callbacks.check_query(&raw) {
                    Err(rejection) => {
                        let command = super::CallbackQuery::parse(&raw).map(|q| q.command).unwrap_or_default();
                        super::handler::refused(&command, &rejection)
                    }
                    Ok(q) => match axum::body::to_bytes(body, callbacks.body_limit()).await {
                        Ok(bytes) => callbacks.handle_checked(q, &bytes, handler).await,
                        Err(_) => super::handler::refused(&q.command, &Rejection::TooLarge { limit: callbacks.body_limit() }),
                    },
                };
                respond(r)
            }
        }),
    )
}

fn respond(r: CallbackResponse) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], r.body).into_response()
}
