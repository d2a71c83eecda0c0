//! What is particular to callbacks: the docs of a group's module, the outcome constructors of the
//! "before" callbacks' replies, and `api/callbacks/mod.rs` (the `Event` enum over every command, its
//! `EventSet` impl, the registry). A group's module is laid out like a service's (`layout.rs`).

use super::{Emitter, doc_attrs, escape_md, format_file, header, inner_doc_attrs};
use crate::model::*;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

impl Emitter<'_> {
    /// The constructors of a "before" callback's reply type, one per documented outcome, the
    /// `ErrorInfo` setter, and the conversion into the runtime's `Answer`.
    pub(super) fn reply_constructors(&self, name: &proc_macro2::Ident, cb: &Callback, inits: &[TokenStream]) -> (TokenStream, TokenStream) {
        let rt = self.runtime_path();
        let ctors = cb.outcomes.iter().map(|o| {
            let n = format_ident!("{}", o.name);
            match o.code {
                OutcomeCode::Fixed(code) => {
                    let c = Literal::i64_unsuffixed(code);
                    let doc = doc_attrs(&format!("`ErrorCode` {code}: {}", escape_md(o.doc.trim())));
                    quote! {
                        #doc
                        pub fn #n() -> Self {
                            Self { error_code: #c, error_info: String::new(), #(#inits),* }
                        }
                    }
                }
                OutcomeCode::Range(lo, hi) => {
                    let doc = doc_attrs(&format!(
                        "`ErrorCode` `code`, from {lo} to {hi}: {}\n\nA code outside that range is sent as given; the IM server decides what it means.",
                        escape_md(o.doc.trim())
                    ));
                    quote! {
                        #doc
                        pub fn #n(code: i64) -> Self {
                            Self { error_code: code, error_info: String::new(), #(#inits),* }
                        }
                    }
                }
            }
        });
        let ctors = quote! {
            #(#ctors)*

            /// Sets `ErrorInfo` (some callbacks pass it on to the client together with a custom code).
            #[must_use]
            pub fn info(mut self, info: impl Into<String>) -> Self {
                self.error_info = info.into();
                self
            }
        };
        let answer = quote! {
            impl From<#name> for #rt::callbacks::Answer {
                fn from(reply: #name) -> Self {
                    #rt::callbacks::Answer::from_reply(&reply)
                }
            }
        };
        (ctors, answer)
    }

    /// The `//!` docs of a callback group's module.
    pub(super) fn group_doc(&self, id: GroupId) -> TokenStream {
        let g = &self.cat.callbacks[id];
        let commands: Vec<String> = g.callbacks.iter().map(|c| format!("`{}`", c.command)).collect();
        inner_doc_attrs(&format!(
            "{} ({}): callback group `{}`.\n\n{}Commands: {}.",
            g.title.en,
            g.title.zh,
            g.module,
            g.description.as_deref().map(|d| format!("{}\n\n", escape_md(d.trim()))).unwrap_or_default(),
            commands.join(", ")
        ))
    }

    /// `api/callbacks/mod.rs`: the group modules, the `Event` enum over every callback command and its
    /// `EventSet` impl (decoding by command, the documented default answer), the registry.
    pub fn callbacks_mod(&self) -> Result<String, String> {
        let rt = self.runtime_path();
        let root = self.root_path();
        let mods = self.cat.callbacks.iter().map(|g| {
            let m = format_ident!("{}", g.module);
            let d = format!("{} ({}): callback group `{}`.", g.title.en, g.title.zh, g.module);
            quote!(#[doc = #d] pub mod #m;)
        });
        let lists = self.cat.callbacks.iter().map(|g| {
            let m = format_ident!("{}", g.module);
            quote!(#m::CALLBACKS)
        });
        let all: Vec<(&CallbackGroup, &Callback)> =
            self.cat.callbacks.iter().flat_map(|g| g.callbacks.iter().map(move |c| (g, c))).collect();
        let count = all.len();
        let event_path = |g: &CallbackGroup, c: &Callback| {
            let m = format_ident!("{}", g.module);
            let t = format_ident!("{}", self.cat.types[c.event].name);
            quote!(#root::callbacks::#m::#t)
        };
        let variants = all.iter().map(|(g, c)| {
            let v = format_ident!("{}", c.pascal);
            let p = event_path(g, c);
            let d = doc_attrs(&format!("`{}`: {}.", c.command, c.title.both()));
            quote!(#d #v(Box<#p>),)
        });
        let command_arms = all.iter().map(|(_, c)| {
            let v = format_ident!("{}", c.pascal);
            let cmd = &c.command;
            quote!(Event::#v(_) => #cmd,)
        });
        let decode_arms = all.iter().map(|(g, c)| {
            let v = format_ident!("{}", c.pascal);
            let cmd = &c.command;
            let p = event_path(g, c);
            quote!(#cmd => Some(#rt::drift::decode_document::<#p>(body, false).map(|(e, c)| (Event::#v(Box::new(e)), c))),)
        });
        let strict_arms = all.iter().map(|(g, c)| {
            let v = format_ident!("{}", c.pascal);
            let cmd = &c.command;
            let p = event_path(g, c);
            quote!(#cmd => Some(#rt::drift::decode_document::<#p>(body, true).map(|(e, _)| Event::#v(Box::new(e)))),)
        });
        let json_arms = all.iter().map(|(_, c)| {
            let v = format_ident!("{}", c.pascal);
            quote!(Event::#v(e) => serde_json::to_value(e),)
        });
        // The documented default of "before" callbacks whose page names another outcome than code 0.
        let default_arms = all.iter().filter_map(|(_, c)| {
            let o = c.on_failure.and_then(|i| c.outcomes.get(i))?;
            match o.code {
                OutcomeCode::Fixed(0) => None,
                OutcomeCode::Fixed(code) => {
                    let cmd = &c.command;
                    let code = Literal::i64_unsuffixed(code);
                    Some(quote!(#cmd => #rt::callbacks::Answer::code(#code),))
                }
                OutcomeCode::Range(..) => None,
            }
        });
        let before_arms: Vec<&String> = all.iter().filter(|(_, c)| c.when == When::Before).map(|(_, c)| &c.command).collect();
        let codec_gate = match self.codec_feature {
            Some(f) => quote!(#[cfg(feature = #f)]),
            None => quote!(),
        };
        let count_lit = proc_macro2::Literal::usize_unsuffixed(count);
        let count_doc = format!("Callback commands in the whole catalogue: {count}.");
        let axum = self.if_features(quote! {
            /// The axum route (feature `axum`).
            #[cfg(feature = "axum")]
            pub use #rt::callbacks::axum;
        });
        let tokens = quote! {
            //! Callbacks (第三方回调) the IM server POSTs to the app: one module per callback group with
            //! the typed event of each command (and the reply of each "before" callback, built with
            //! constructors named after the documented outcomes), the [`Event`] enum over every command,
            //! and [`Callbacks`], which verifies, decodes and answers requests (see the runtime's
            //! `callbacks` module for the protocol).

            #(#mods)*

            pub use #rt::callbacks::{
                Answer, CallbackExample, CallbackInfo, CallbackQuery, CallbackResponse, DEFAULT_DEADLINE, DEFAULT_LATE_HANDLERS,
                DEFAULT_MAX_BODY, DEFAULT_WINDOW, EventSet, Incoming, LocalReplayGuard, OptPlatform, OutcomeInfo, Rejection, ReplayGuard,
                sign,
            };

            #axum

            /// The app's side of the callback protocol for this crate's events.
            pub type Callbacks = #rt::callbacks::Callbacks<Event>;

            #[doc = #count_doc]
            pub const CATALOGUE_CALLBACKS: usize = #count_lit;

            /// The registry entries, group by group in file order.
            pub static CALLBACK_LISTS: &[&[CallbackInfo]] = &[#(#lists),*];

            /// Every catalogued callback command.
            pub fn registry() -> impl Iterator<Item = &'static CallbackInfo> {
                CALLBACK_LISTS.iter().flat_map(|list| list.iter())
            }

            /// Finds a callback command (`CallbackCommand`, case sensitive).
            pub fn find(command: &str) -> Option<&'static CallbackInfo> {
                registry().find(|c| c.command == command)
            }

            /// One callback event, by command. A command this SDK does not know is `Unknown`, kept as
            /// JSON; a catalogued command whose body does not decode is `Undecodable`, kept raw.
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum Event {
                #(#variants)*
                /// A command the catalogue does not have.
                Unknown {
                    /// `CallbackCommand`.
                    command: String,
                    /// The body, as JSON (`null` when it is not JSON).
                    body: serde_json::Value,
                },
                /// A catalogued command whose body is not a JSON object.
                Undecodable {
                    /// `CallbackCommand`.
                    command: String,
                    /// The body, raw.
                    body: #rt::bytes::Bytes,
                    /// What the decoder said.
                    error: String,
                },
            }

            impl Event {
                /// The `CallbackCommand` of the event.
                pub fn command(&self) -> &str {
                    match self {
                        #(#command_arms)*
                        Event::Unknown { command, .. } | Event::Undecodable { command, .. } => command,
                    }
                }

                /// Decodes the body of `command` strictly (exact types, no unknown keys), as the
                /// catalogue's own tests do; `None` when the command is not catalogued.
                pub fn decode_strict(command: &str, body: &[u8]) -> Option<Result<Event, serde_json::Error>> {
                    match command {
                        #(#strict_arms)*
                        _ => None,
                    }
                }

                /// The event body as JSON (feature `codec`).
                #codec_gate
                pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
                    match self {
                        #(#json_arms)*
                        Event::Unknown { body, .. } => Ok(body.clone()),
                        Event::Undecodable { .. } => Ok(serde_json::Value::Null),
                    }
                }
            }

            impl EventSet for Event {
                fn decode(command: &str, body: &[u8]) -> Option<Result<(Self, Vec<#rt::drift::Correction>), serde_json::Error>> {
                    match command {
                        #(#decode_arms)*
                        _ => None,
                    }
                }

                fn unknown(command: String, body: serde_json::Value) -> Self {
                    Event::Unknown { command, body }
                }

                fn undecodable(command: String, body: #rt::bytes::Bytes, error: String) -> Self {
                    Event::Undecodable { command, body, error }
                }

                fn default_answer(command: &str) -> Answer {
                    match command {
                        #(#default_arms)*
                        _ => Answer::ok(),
                    }
                }

                fn decides(command: &str) -> bool {
                    matches!(command, #(#before_arms)|*)
                }
            }
        };
        Ok(format!("{}{}", header("spec/callbacks"), format_file(tokens)?))
    }
}
