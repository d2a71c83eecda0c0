//! `generated/tests/every_command.rs`: every command called through its generated function against
//! the local server.

use super::{Emitter, format_file, header};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl Emitter<'_> {
    /// `generated/tests/every_command.rs`: one test per service that calls every command through its
    /// generated call function against the local server, with the doc's example request, and checks
    /// what the server received and what the client decoded.
    pub fn call_tests(&self) -> Result<String, String> {
        let k = format_ident!("{}", self.crate_name);
        let tests = self.cat.services.iter().map(|svc| {
            let module = format_ident!("{}", svc.module);
            let feature = &svc.module;
            let test_name = format_ident!("every_{}_command", svc.module);
            let calls = svc.commands.iter().map(|c| {
                let f = format_ident!("{}", c.fn_name);
                let req_ty = format_ident!("{}", self.cat.types[c.request].name);
                let path = format!("/v4/{}/{}", svc.wire, c.wire);
                let req_fields = self.cat.fields(c.request);
                let body = match c.examples.iter().find_map(|e| e.request.as_ref()) {
                    Some((text, _)) => text.clone(),
                    None if req_fields.iter().all(|f| f.optional || f.auto.is_some()) => "{}".to_owned(),
                    None => {
                        let skip = format!("{}/{}: the doc has no request example and the request has required fields", svc.wire, c.wire);
                        return quote!(skipped.push(#skip););
                    }
                };
                let has_ok_example = c.examples.iter().filter_map(|e| e.response.as_ref()).any(|(_, v)| {
                    v.get("ErrorCode").and_then(serde_json::Value::as_i64).unwrap_or(0) == 0
                        && v.get("ActionStatus").and_then(serde_json::Value::as_str) != Some("FAIL")
                });
                let bare_ok_fits = self.cat.fields(c.response).iter().all(|f| f.optional || f.ty.is_collection());
                let check = if has_ok_example || bare_ok_fits {
                    quote!(reply.unwrap_or_else(|e| panic!("{}: {e}", #path));)
                } else {
                    quote!(assert!(matches!(reply, Err(#k::Error::Decode { .. })), "{}: a bare OK cannot fill the required fields: {reply:?}", #path);)
                };
                quote! {
                    {
                        let request: #module::#req_ty = serde_json::from_str(#body).expect("the example request decodes");
                        let reply = client.#module().#f(&request).await;
                        #check
                        let rec = server.requests().pop().expect("the server saw the call");
                        assert_eq!(rec.path, #path);
                        assert_eq!(rec.request::<#module::#req_ty>(), Some(&request), "{}: the server decoded what was sent", #path);
                        called += 1;
                    }
                }
            });
            let n = svc.commands.len();
            let calls: Vec<TokenStream> = calls.collect();
            let any_skipped = calls.iter().any(|c| c.to_string().contains("skipped . push"));
            let skipped_decl = if any_skipped { quote!(let mut skipped: Vec<&str> = Vec::new();) } else { quote!(let skipped: Vec<&str> = Vec::new();) };
            quote! {
                #[cfg(feature = #feature)]
                #[tokio::test]
                async fn #test_name() {
                    let server = MockServer::start(1400000000, "administrator", "key").await.expect("bind 127.0.0.1");
                    let client = server.client_builder().build().expect("client");
                    let mut called = 0usize;
                    #skipped_decl
                    #(#calls)*
                    assert_eq!(called + skipped.len(), #n, "skipped: {skipped:?}");
                }
            }
        });
        let tokens = quote! {
            //! Every catalogued command, called through its generated function against the local server
            //! with the doc's example request: the server must route it, verify the signature, decode the
            //! body into the same request, and the client must decode the example reply.
            #![cfg(feature = "mock")]

            #[rustfmt::skip]
            mod every_command {
                #![allow(unused_imports)]
                use #k::*;
                use #k::mock::MockServer;
                #(#tests)*
            }
        };
        Ok(format!("{}{}", header("spec/services"), format_file(tokens)?))
    }
}
