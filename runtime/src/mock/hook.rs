//! The handler hook: what a stateful emulator plugs into the server. The server checks the protocol
//! (path, query, signature, body, limits, rates) and scripted replies first; then it asks the handler,
//! and falls back to the command's example reply when the handler has no answer.

use super::Reply;
use crate::registry::{CommandInfo, Message};
use crate::transport::BoxFuture;
use bytes::Bytes;
use std::sync::Arc;

/// One call that passed the protocol checks, as the handler sees it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Call {
    /// The wire servicename.
    pub service: String,
    /// The wire command.
    pub command: String,
    /// The catalogue's record of the command.
    pub info: &'static CommandInfo,
    /// The body decoded into the command's request type.
    pub request: Arc<dyn Message>,
    /// The raw body.
    pub body: Bytes,
}

impl Call {
    /// The request as its concrete type `T` (the generated request type of the command).
    pub fn request<T: 'static>(&self) -> Option<&T> {
        self.request.as_any().downcast_ref::<T>()
    }

    /// `servicename/command`.
    pub fn path(&self) -> &'static str {
        self.info.path
    }
}

/// Answers calls in place of the example replies: a stateful emulator implements it and is installed
/// with [`super::MockServer::set_handler`]. `None` lets the server answer with the example reply.
pub trait Handler: Send + Sync + 'static {
    /// The reply to `call`, or `None` for the server's default (the command's example reply).
    fn handle(&self, call: Call) -> BoxFuture<'static, Option<Reply>>;
}

impl<F> Handler for F
where
    F: Fn(Call) -> BoxFuture<'static, Option<Reply>> + Send + Sync + 'static,
{
    fn handle(&self, call: Call) -> BoxFuture<'static, Option<Reply>> {
        self(call)
    }
}

/// A shared handler.
pub(super) type SharedHandler = Arc<dyn Handler>;
