//! The registry: one record per operation, built by one function over the operation model
//! ([`Operation`]): a `CommandInfo` per command (names, doc links, retry class, the rules, the codec)
//! and a `CallbackInfo` per callback (names, doc links, outcomes, the reply decoder), each with its
//! official examples (a static of the module's `examples.rs`); and `api/mod.rs`, which declares the
//! modules, lists the records and defines the crate's `Client`.

use super::call_rules::opt_str;
use super::{Emitter, doc_attrs, format_file, header};
use crate::model::*;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// An operation of the catalogue by id: a command or a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OpId {
    /// A command.
    Command(CommandId),
    /// A callback.
    Callback(CallbackId),
}

impl Emitter<'_> {
    /// What commands and callbacks share.
    pub(super) fn operation(&self, id: OpId) -> &Operation {
        match id {
            OpId::Command(c) => &self.cat.command(c).op,
            OpId::Callback(c) => &self.cat.callback(c).op,
        }
    }

    /// The name of the static holding an operation's official examples (`SEND_MSG`).
    fn examples_ident(&self, id: OpId) -> proc_macro2::Ident {
        format_ident!("{}", self.operation(id).fn_name.to_uppercase())
    }

    /// The official examples of an operation as a static of the module's `examples.rs`; nothing
    /// when it has none. The two bodies are `request`/`response` for a command, `event`/`reply` for
    /// a callback.
    pub(super) fn examples_static(&self, id: OpId) -> TokenStream {
        let op = self.operation(id);
        if op.examples.is_empty() {
            return quote!();
        }
        let rt = self.runtime_path();
        let (ty, [req_key, resp_key]) = match id {
            OpId::Command(_) => (quote!(#rt::registry::Example), ["request", "response"]),
            OpId::Callback(_) => (quote!(#rt::callbacks::CallbackExample), ["event", "reply"]),
        };
        let (req_key, resp_key) = (format_ident!("{req_key}"), format_ident!("{resp_key}"));
        let examples = op.examples.iter().map(|e| {
            let title = opt_str(e.title.as_deref());
            let request = opt_str(e.request.as_ref().map(|(t, _)| t.as_str()));
            let response = opt_str(e.response.as_ref().map(|(t, _)| t.as_str()));
            let legacy = e.legacy;
            quote!(#ty { title: #title, legacy: #legacy, #req_key: #request, #resp_key: #response })
        });
        let name = self.examples_ident(id);
        let doc = format!("The official examples of {}.", op.title.both());
        quote! {
            #[doc = #doc]
            pub(super) static #name: &[#ty] = &[#(#examples),*];
        }
    }

    /// The registry record of an operation: `OperationInfo` (titles, doc links) and the examples,
    /// then the fields of its kind.
    pub(super) fn registry_entry(&self, id: OpId) -> TokenStream {
        let rt = self.runtime_path();
        let op = self.operation(id);
        let (zh, en, doc) = (&op.title.zh, &op.title.en, &op.doc);
        let doc_en = opt_str(op.doc_en.as_deref());
        let examples = if op.examples.is_empty() {
            quote!(&[])
        } else {
            let name = self.examples_ident(id);
            quote!(super::examples::#name)
        };
        let (record, fields, codec) = match id {
            OpId::Command(c) => (quote!(#rt::registry::CommandInfo), self.command_fields(c), self.command_codec(c)),
            OpId::Callback(c) => (quote!(#rt::callbacks::CallbackInfo), self.callback_fields(c), self.callback_codec(c)),
        };
        // The decoders need the other serde direction: behind the codec feature.
        let codec = match self.codec_feature {
            Some(f) => quote!(#[cfg(feature = #f)] #codec,),
            None => quote!(#codec,),
        };
        quote! {
            #record {
                #fields
                op: #rt::registry::OperationInfo { title_zh: #zh, title_en: #en, doc: #doc, doc_en: #doc_en },
                examples: #examples,
                #codec
            }
        }
    }

    /// The registry part of a module (`registry.rs`): for a service, the impls that describe each
    /// command to the runtime and `COMMANDS`; for a callback group, `CALLBACKS`.
    pub(super) fn registry_part(&self, owner: Owner) -> TokenStream {
        let rt = self.runtime_path();
        match owner {
            Owner::Service(s) => {
                let impls = self.command_ids(s).map(|c| self.command_impls(c));
                let entries = self.command_ids(s).map(|c| self.registry_entry(OpId::Command(c)));
                quote! {
                    #(#impls)*

                    /// Registry entries of this service, in documentation order.
                    pub(crate) static COMMANDS: &[#rt::registry::CommandInfo] = &[#(#entries),*];
                }
            }
            Owner::Callbacks(g) => {
                let entries = self.callback_ids(g).map(|c| self.registry_entry(OpId::Callback(c)));
                quote! {
                    /// Registry entries of this group, in documentation order.
                    pub(crate) static CALLBACKS: &[#rt::callbacks::CallbackInfo] = &[#(#entries),*];
                }
            }
            Owner::Shared => quote!(),
        }
    }

    /// The fields of a command's record besides the shared ones and the codec.
    fn command_fields(&self, id: CommandId) -> TokenStream {
        let svc = &self.cat.services[id.service];
        let c = self.cat.command(id);
        let (service, command, module, function) = (&svc.wire, &c.wire, &svc.module, &c.fn_name);
        let req_name = &self.cat.types[c.request].name;
        let resp_name = &self.cat.types[c.response].name;
        let path = format!("{}/{}", svc.wire, c.wire);
        let keys: Vec<&String> = self.cat.fields(c.request).iter().map(|f| &f.wire).collect();
        let retry = self.retry_class(&c.retry);
        let rules = self.registry_rule_fields(id);
        quote! {
            service: #service,
            command: #command,
            module: #module,
            function: #function,
            request_type: #req_name,
            response_type: #resp_name,
            retry: #retry,
            path: #path,
            request_keys: &[#(#keys),*],
            #rules
        }
    }

    /// `codec: ..`: the request and response decoders of a command.
    fn command_codec(&self, id: CommandId) -> TokenStream {
        let rt = self.runtime_path();
        let c = self.cat.command(id);
        let req = self.type_path(c.request, Owner::Service(id.service));
        quote!(codec: &#rt::registry::Codec::<#req>::NEW)
    }

    /// The fields of a callback's record besides the shared ones and the reply decoder.
    fn callback_fields(&self, id: CallbackId) -> TokenStream {
        let rt = self.runtime_path();
        let c = self.cat.callback(id);
        let command = &c.command;
        let group = &self.cat.callbacks[id.group].module;
        let event_type = &self.cat.types[c.event].name;
        let reply_type = opt_str(c.reply.map(|r| self.cat.types[r].name.as_str()));
        let when = match c.when {
            When::Before => "before",
            When::After => "after",
        };
        let outcomes = c.outcomes.iter().map(|o| {
            let name = &o.name;
            let (lo, hi) = match o.code {
                OutcomeCode::Fixed(x) => (x, x),
                OutcomeCode::Range(a, b) => (a, b),
            };
            let (lo, hi) = (Literal::i64_unsuffixed(lo), Literal::i64_unsuffixed(hi));
            let d = o.doc.trim();
            quote!(#rt::callbacks::OutcomeInfo { name: #name, code: #lo, code_max: #hi, doc: #d })
        });
        quote! {
            command: #command,
            group: #group,
            event_type: #event_type,
            reply_type: #reply_type,
            when: #when,
            outcomes: &[#(#outcomes),*],
        }
    }

    /// `decode_reply: ..`: the decoder of a callback's reply (an acknowledgement when it has none).
    fn callback_codec(&self, id: CallbackId) -> TokenStream {
        let rt = self.runtime_path();
        let decode = match self.cat.callback(id).reply {
            Some(r) => {
                let p = self.type_path(r, Owner::Callbacks(id.group));
                quote!(#rt::callbacks::decode_reply_as::<#p>)
            }
            None => quote!(#rt::callbacks::decode_ack),
        };
        quote!(decode_reply: #decode)
    }

    /// `api/mod.rs`: module declarations behind features, the command lists, and the crate's `Client`
    /// (a wrapper of the runtime's core client with one accessor per service), the `registry` and
    /// (with the `mock` feature) `mock` modules tied to this catalogue.
    pub fn api_mod(&self) -> Result<String, String> {
        let gate = |feature: &str| {
            if self.features { quote!(#[cfg(feature = #feature)] #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]) } else { quote!() }
        };
        let rt = self.runtime_path();
        let mods = self.cat.services.iter().map(|s| {
            let m = format_ident!("{}", s.module);
            let cfg = gate(&s.module);
            // The module's own `//!` docs describe it (an outer doc here would print its summary twice).
            quote!(#cfg pub mod #m;)
        });
        let lists = self.cat.services.iter().map(|s| {
            let m = format_ident!("{}", s.module);
            let cfg = gate(&s.module);
            quote!(#cfg #m::COMMANDS)
        });
        let count = self.cat.services.iter().map(|s| s.commands.len()).sum::<usize>();
        let callbacks_mod = if self.cat.callbacks.is_empty() {
            quote!()
        } else {
            let cfg = gate("callbacks");
            quote!(#cfg pub mod callbacks;)
        };
        let table = self.rate_table();
        let count_lit = proc_macro2::Literal::usize_unsuffixed(count);
        let count_doc = format!("Commands in the whole catalogue, whatever features are enabled: {count}.");
        let mock_doc = format!("The local test server (feature `mock`) serving this catalogue; see `{}::mock`.", self.runtime);
        let r = self.runtime;
        let client_doc = doc_attrs(&format!(
            "A Tencent Cloud IM REST client: one accessor per servicename (`client.openim().send_msg(..)`), \
             the generic calls of the runtime's core client (any [`Endpoint`]({r}::Endpoint), untyped JSON, pages, \
             batches) and the UserSig generator. Cheap to clone: clones share one connection pool, one UserSig cache \
             and one pacing schedule.\n\n\
             The core client itself is [`Client::runtime`] (also `AsRef`), for code written against the runtime \
             crate alone."
        ));
        let mock_server_doc = doc_attrs(&format!(
            "A local Tencent IM REST server for tests, serving every command of this crate;\n\
             [`MockServer::client_builder`] builds a [`Client`]({}::Client) pointed at it.",
            self.root
        ));
        let from_env_doc = doc_attrs(&format!(
            "Builds a client from environment variables, every other setting at its default:\n\
             `TIM_SDKAPPID` (the application id), `TIM_ADMIN` (the App admin identifier) and\n\
             `TIM_SECRET_KEY` (the secret key) are required; `TIM_REGION` (`china`, `singapore`,\n\
             `silicon-valley`, ...; default `china`) and `TIM_BASE_URL` (a custom base URL, e.g. a\n\
             proxy) are optional. An empty variable counts as unset. For further settings start from\n\
             [`ClientBuilder::from_env`] instead.\n\n\
             # Errors\n\n\
             [`Error::Build`]({r}::Error::Build) naming the variable that is missing or invalid (the\n\
             secret key's value is never shown), or what [`ClientBuilder::build`] refuses.\n"
        ));
        let user_sig_doc = doc_attrs(&format!(
            "Generates a UserSig for one of the application's users (e.g. to hand to a client app at\n\
             login), valid for `lifetime`.\n\n\
             # Errors\n\n\
             [`Error::Build`]({r}::Error::Build) when the client was built with a fixed UserSig\n\
             instead of the secret key."
        ));
        let call_with_doc = doc_attrs(&format!(
            "[`Client::call`] with another retry policy for this call only (e.g.\n\
             [`RetryPolicy::none`]({r}::RetryPolicy::none))."
        ));
        // A blank doc line first: the example is a paragraph of its own.
        let from_env_example = doc_attrs(&format!(
            "\n```no_run\n# fn demo() -> Result<(), {k}::Error> {{\n\
             // TIM_SDKAPPID=1400000000 TIM_ADMIN=administrator TIM_SECRET_KEY=... TIM_REGION=singapore\n\
             let client = {k}::Client::from_env()?;\n# let _ = client;\n# Ok(()) }}\n```",
            k = self.crate_name
        ));
        let mock = self.if_features(quote! {
            #[doc = #mock_doc]
            #[cfg(feature = "mock")]
            #[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
            pub mod mock {
                pub use #rt::mock::*;
                #mock_server_doc
                pub type MockServer = #rt::mock::MockServer<super::Client>;
            }
        });
        let tokens = quote! {
            //! Generated API: one module per servicename, shared types, the error-code table, the command
            //! registry, and the [`Client`] with one accessor per service.
            pub mod error_codes;
            pub mod types;
            #(#mods)*
            #callbacks_mod

            #[doc = #count_doc]
            pub const CATALOGUE_COMMANDS: usize = #count_lit;

            /// Every documented rate rule of the catalogue (whatever features are enabled), in the order of the
            /// pacing schedules.
            pub static RATE_TABLE: &[#rt::pacing::SlotRule] = &[#(#table),*];

            /// The registry entries compiled in (per the enabled features), service by service in file order.
            pub static COMMAND_LISTS: &[&[#rt::registry::CommandInfo]] = &[#(#lists),*];

            /// Every command compiled in (per the enabled features), service by service in file order.
            pub fn commands() -> impl Iterator<Item = &'static #rt::registry::CommandInfo> {
                COMMAND_LISTS.iter().flat_map(|list| list.iter())
            }

            #client_doc
            #[derive(Clone)]
            pub struct Client(#rt::Client);

            impl Client {
                /// Starts building a client for application `sdkappid`, calling as the App admin
                /// `identifier` (the REST API accepts only App admin accounts).
                pub fn builder(sdkappid: u64, identifier: impl Into<String>) -> ClientBuilder {
                    #rt::ClientBuilder::new(sdkappid, identifier)
                }

                #from_env_doc
                #from_env_example
                pub fn from_env() -> Result<Client, #rt::Error> {
                    ClientBuilder::from_env()?.build()
                }

                /// The runtime's core client this client wraps: what code written against
                /// `tim-rest-runtime` alone takes.
                pub fn runtime(&self) -> &#rt::Client {
                    &self.0
                }

                /// The application id (SDKAppID).
                pub fn sdkappid(&self) -> u64 {
                    self.0.sdkappid()
                }

                /// The App admin identifier the client calls as.
                pub fn identifier(&self) -> &str {
                    self.0.identifier()
                }

                #user_sig_doc
                pub fn user_sig(
                    &self,
                    user_id: &str,
                    lifetime: std::time::Duration,
                ) -> Result<#rt::usersig::UserSig, #rt::Error> {
                    self.0.user_sig(user_id, lifetime)
                }

                /// Calls any catalogued command: what every generated call function does. The body is
                /// serialized once; failures are retried per the client's retry policy and the command's
                /// retry class.
                pub async fn call<E: #rt::Endpoint>(&self, request: &E) -> Result<E::Response, #rt::Error> {
                    self.0.call(request).await
                }

                #call_with_doc
                pub async fn call_with<E: #rt::Endpoint>(
                    &self,
                    request: &E,
                    policy: &#rt::RetryPolicy,
                ) -> Result<E::Response, #rt::Error> {
                    self.0.call_with(request, policy).await
                }

                /// [`Client::call`], also handing back the raw reply body, the envelope (with its
                /// `RequestId`) and the corrections the tolerant decoder made.
                pub async fn call_raw<E: #rt::Endpoint>(
                    &self,
                    request: &E,
                ) -> Result<#rt::Decoded<E::Response>, #rt::Error> {
                    self.0.call_raw(request).await
                }

                /// [`Client::call_raw`] with another retry policy for this call only.
                pub async fn call_raw_with<E: #rt::Endpoint>(
                    &self,
                    request: &E,
                    policy: &#rt::RetryPolicy,
                ) -> Result<#rt::Decoded<E::Response>, #rt::Error> {
                    self.0.call_raw_with(request, policy).await
                }

                /// Calls any command, catalogued or not, with a JSON body, and returns the reply's payload
                /// as JSON (the envelope keys taken out), with the same signing, envelope handling, errors
                /// and retries as the typed calls.
                pub async fn call_json(
                    &self,
                    service: &str,
                    command: &str,
                    body: &serde_json::Value,
                ) -> Result<serde_json::Value, #rt::Error> {
                    self.0.call_json(service, command, body).await
                }

                /// Sends a request of any size as requests of the documented size, with the client's batch
                /// options; the generated `<function>_batched` functions call this.
                pub async fn call_batched<E: #rt::Batched>(&self, request: &E) -> #rt::BatchOutcome<E> {
                    self.0.call_batched(request).await
                }

                /// [`Client::call_batched`] with other options for this call.
                pub async fn call_batched_with<E: #rt::Batched>(
                    &self,
                    request: &E,
                    options: &#rt::BatchOptions,
                ) -> #rt::BatchOutcome<E> {
                    self.0.call_batched_with(request, options).await
                }

                /// The pages of a paged command, starting with `first`; the generated `<function>_pages`
                /// functions call this.
                pub fn pages<E: #rt::Paged>(&self, first: E) -> #rt::Pages<E> {
                    self.0.pages(first)
                }

                /// The items of every page of a paged command, starting with `first`; the generated
                /// `<function>_items` functions call this.
                pub fn items<E: #rt::PagedItems>(&self, first: E) -> #rt::Items<E> {
                    self.0.items(first)
                }

                /// Waits for `request`'s turn under the client's pacing without sending it, for callers that
                /// send [`Client::prepare`]d requests with their own HTTP stack.
                pub async fn pace<E: #rt::Endpoint>(&self, request: &E) -> Result<(), #rt::Error> {
                    self.0.pace(request).await
                }

                /// The URL (with the UserSig: a secret) and body the client would send for `request`, for
                /// callers that send with their own HTTP stack.
                pub fn prepare<E: #rt::Endpoint>(&self, request: &E) -> Result<#rt::PreparedRequest, #rt::Error> {
                    self.0.prepare(request)
                }

                /// [`Client::pace`], then [`Client::prepare`].
                pub async fn prepare_paced<E: #rt::Endpoint>(
                    &self,
                    request: &E,
                ) -> Result<#rt::PreparedRequest, #rt::Error> {
                    self.0.prepare_paced(request).await
                }

                /// The options of [`Client::call_batched`].
                pub fn batch_options(&self) -> &#rt::BatchOptions {
                    self.0.batch_options()
                }

                /// The pacing configuration.
                pub fn pacing(&self) -> &#rt::Pacing {
                    self.0.pacing()
                }
            }

            /// Builds a [`Client`].
            pub type ClientBuilder = #rt::ClientBuilder<Client>;

            impl AsRef<#rt::Client> for Client {
                fn as_ref(&self) -> &#rt::Client {
                    &self.0
                }
            }

            impl From<#rt::Client> for Client {
                fn from(core: #rt::Client) -> Self {
                    Client(core)
                }
            }

            impl std::fmt::Debug for Client {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    std::fmt::Debug::fmt(&self.0, f)
                }
            }

            impl #rt::Api for Client {
                fn commands() -> &'static [&'static [#rt::registry::CommandInfo]] {
                    COMMAND_LISTS
                }
                fn error_codes() -> &'static [#rt::ErrorCodeInfo] {
                    error_codes::TABLE
                }
                fn rate_table() -> &'static [#rt::pacing::SlotRule] {
                    RATE_TABLE
                }
            }

            /// The registry of every catalogued command compiled in: names, doc links, retry class, the
            /// official examples and (feature `codec`) body decoders.
            pub mod registry {
                pub use #rt::registry::*;

                /// Every command compiled in (per the enabled features).
                pub fn commands() -> impl Iterator<Item = &'static CommandInfo> {
                    super::commands()
                }

                /// Finds a command by its wire names (case sensitive, like the URL).
                pub fn find(service: &str, command: &str) -> Option<&'static CommandInfo> {
                    <super::Client as #rt::Api>::find(service, command)
                }
            }

            #mock
        };
        Ok(format!("{}{}", header("spec/services"), format_file(tokens)?))
    }
}
