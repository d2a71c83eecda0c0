//! The registry: one `CommandInfo` entry per command (names, doc links, retry class, examples, the
//! codec), and `api/mod.rs`, which declares the modules, lists the entries and defines the crate's
//! `Client`.

use super::{Emitter, doc_attrs, format_file, header, retry_class};
use crate::model::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl Emitter<'_> {
    /// The registry entry of a command, in its service's `COMMANDS`.
    pub(super) fn command_info(&self, si: usize, svc: &Service, ci: usize, c: &Command, owner: Owner) -> TokenStream {
        let req = self.type_path(c.request, owner);
        let service = &svc.wire;
        let command = &c.wire;
        let module = &svc.module;
        let function = &c.fn_name;
        let req_name = &self.cat.types[c.request].name;
        let resp_name = &self.cat.types[c.response].name;
        let path = format!("{}/{}", svc.wire, c.wire);
        let keys: Vec<&String> = self.cat.fields(c.request).iter().map(|f| &f.wire).collect();
        let (op, examples) = operation_info(&c.op, quote!(crate::registry), quote!(crate::registry::Example), ["request", "response"]);
        let retry = retry_class(&c.retry);
        let rules = self.registry_rule_fields(si, ci, c);
        let codec = match self.codec_feature {
            Some(f) => quote!(#[cfg(feature = #f)] codec: &crate::registry::Codec::<#req>::NEW,),
            None => quote!(codec: &crate::registry::Codec::<#req>::NEW,),
        };
        quote! {
            crate::registry::CommandInfo {
                service: #service,
                command: #command,
                module: #module,
                function: #function,
                request_type: #req_name,
                response_type: #resp_name,
                #op
                retry: #retry,
                path: #path,
                request_keys: &[#(#keys),*],
                #examples
                #rules
                #codec
            }
        }
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
        let client_doc = "A Tencent Cloud IM REST client: one accessor per servicename (`client.openim().send_msg(..)`), \
             the generic calls of the runtime's core client (any [`Endpoint`](crate::Endpoint), untyped JSON, pages, \
             batches) and the UserSig generator. Cheap to clone: clones share one connection pool, one UserSig cache \
             and one pacing schedule.\n\n\
             The core client itself is [`Client::runtime`] (also `AsRef`), for code written against the runtime \
             crate alone.";
        let client_doc = doc_attrs(client_doc);
        let from_env_example = doc_attrs(&format!(
            "```no_run\n# fn demo() -> Result<(), {k}::Error> {{\n\
             // TIM_SDKAPPID=1400000000 TIM_ADMIN=administrator TIM_SECRET_KEY=... TIM_REGION=singapore\n\
             let client = {k}::Client::from_env()?;\n# let _ = client;\n# Ok(()) }}\n```",
            k = self.crate_name
        ));
        let mock = if self.features {
            quote! {
                #[doc = #mock_doc]
                #[cfg(feature = "mock")]
                #[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
                pub mod mock {
                    pub use #rt::mock::*;
                    /// A local Tencent IM REST server for tests, serving every command of this crate;
                    /// [`MockServer::client_builder`] builds a [`crate::Client`] pointed at it.
                    pub type MockServer = #rt::mock::MockServer<super::Client>;
                }
            }
        } else {
            quote!()
        };
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

                /// Builds a client from environment variables, every other setting at its default:
                /// `TIM_SDKAPPID` (the application id), `TIM_ADMIN` (the App admin identifier) and
                /// `TIM_SECRET_KEY` (the secret key) are required; `TIM_REGION` (`china`, `singapore`,
                /// `silicon-valley`, ...; default `china`) and `TIM_BASE_URL` (a custom base URL, e.g. a
                /// proxy) are optional. An empty variable counts as unset. For further settings start from
                /// [`ClientBuilder::from_env`] instead.
                ///
                /// # Errors
                ///
                /// [`Error::Build`](crate::Error::Build) naming the variable that is missing or invalid (the
                /// secret key's value is never shown), or what [`ClientBuilder::build`] refuses.
                ///
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

                /// Generates a UserSig for one of the application's users (e.g. to hand to a client app at
                /// login), valid for `lifetime`.
                ///
                /// # Errors
                ///
                /// [`Error::Build`](crate::Error::Build) when the client was built with a fixed UserSig
                /// instead of the secret key.
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

                /// [`Client::call`] with another retry policy for this call only (e.g.
                /// [`RetryPolicy::none`](crate::RetryPolicy::none)).
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

/// The part of a registry record commands and callbacks share: `op: OperationInfo { .. },` (titles
/// and doc links; `registry` is the path of the runtime's `registry` module as the generated file
/// sees it), and the official examples, `examples: &[..],`, each an `example` record whose two bodies
/// are named `keys` (`request`/`response` for commands, `event`/`reply` for callbacks).
pub(super) fn operation_info(op: &Operation, registry: TokenStream, example: TokenStream, keys: [&str; 2]) -> (TokenStream, TokenStream) {
    let opt = |s: Option<&String>| match s {
        Some(t) => quote!(Some(#t)),
        None => quote!(None),
    };
    let (zh, en, doc) = (&op.title.zh, &op.title.en, &op.doc);
    let doc_en = opt(op.doc_en.as_ref());
    let [req_key, resp_key] = keys.map(|k| format_ident!("{k}"));
    let examples = op.examples.iter().map(|e| {
        let title = opt(e.title.as_ref());
        let request = opt(e.request.as_ref().map(|(t, _)| t));
        let response = opt(e.response.as_ref().map(|(t, _)| t));
        let legacy = e.legacy;
        quote!(#example { title: #title, legacy: #legacy, #req_key: #request, #resp_key: #response })
    });
    (
        quote!(op: #registry::OperationInfo { title_zh: #zh, title_en: #en, doc: #doc, doc_en: #doc_en },),
        quote!(examples: &[#(#examples),*],),
    )
}
