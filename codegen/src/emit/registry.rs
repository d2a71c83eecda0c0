//! The registry: one `CommandInfo` entry per command (names, doc links, retry class, examples, the
//! codec), and `api/mod.rs`, which declares the modules, lists the entries and defines the crate's
//! `Client`.

use super::{Emitter, format_file, header, retry_class};
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
        let gate = |feature: &str| if self.features { quote!(#[cfg(feature = #feature)]) } else { quote!() };
        let rt = self.runtime_path();
        let mods = self.cat.services.iter().map(|s| {
            let m = format_ident!("{}", s.module);
            let cfg = gate(&s.module);
            let d = format!("{} ({}): servicename `{}`.", s.title.en, s.title.zh, s.wire);
            quote!(#cfg #[doc = #d] pub mod #m;)
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
            let cfg = if self.features { quote!(#[cfg(feature = "callbacks")]) } else { quote!() };
            quote!(#cfg pub mod callbacks;)
        };
        let table = self.rate_table();
        let count_doc = format!("Commands in the whole catalogue, whatever features are enabled: {count}.");
        let mock_doc = format!("The local test server (feature `mock`) serving this catalogue; see `{}::mock`.", self.runtime);
        let client_doc = format!(
            "A Tencent Cloud IM REST client: the runtime's core client (every method of `{}::Client` is available \
             through `Deref`) with one accessor per servicename (`client.openim().send_msg(..)`). Cheap to clone: \
             clones share one connection pool and one UserSig cache.",
            self.runtime
        );
        let mock = if self.features {
            quote! {
                #[doc = #mock_doc]
                #[cfg(feature = "mock")]
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
            pub const CATALOGUE_COMMANDS: usize = #count;

            /// Every documented rate rule of the catalogue (whatever features are enabled), in the order of the
            /// pacing schedules.
            pub static RATE_TABLE: &[#rt::pacing::SlotRule] = &[#(#table),*];

            /// The registry entries compiled in (per the enabled features), service by service in file order.
            pub static COMMAND_LISTS: &[&[#rt::registry::CommandInfo]] = &[#(#lists),*];

            /// Every command compiled in (per the enabled features), service by service in file order.
            pub fn commands() -> impl Iterator<Item = &'static #rt::registry::CommandInfo> {
                COMMAND_LISTS.iter().flat_map(|list| list.iter())
            }

            #[doc = #client_doc]
            #[derive(Clone)]
            pub struct Client(#rt::Client);

            impl Client {
                /// Starts building a client for application `sdkappid`, calling as the App admin
                /// `identifier` (the REST API accepts only App admin accounts).
                pub fn builder(sdkappid: u64, identifier: impl Into<String>) -> ClientBuilder {
                    #rt::ClientBuilder::new(sdkappid, identifier)
                }
            }

            /// Builds a [`Client`].
            pub type ClientBuilder = #rt::ClientBuilder<Client>;

            impl std::ops::Deref for Client {
                type Target = #rt::Client;
                fn deref(&self) -> &#rt::Client {
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
