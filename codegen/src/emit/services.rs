//! What is particular to a service's module: its docs, its calls (the handle with one call function
//! per command, with their docs and examples) and the impls that describe each command to the
//! runtime (`Endpoint`, `ReplyPayload`, `ItemResults`; the rules' impls come from `call_rules.rs`).

use super::{Emitter, doc_attrs, escape_md, ident, inner_doc_attrs};
use crate::model::*;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

impl Emitter<'_> {
    /// The `//!` docs of a service's module.
    pub(super) fn service_doc(&self, id: ServiceId) -> TokenStream {
        let svc = &self.cat.services[id];
        let summary = svc.summary.as_deref().unwrap_or(&svc.title.en).trim().trim_end_matches('.');
        inner_doc_attrs(&format!(
            "{}.\n\n{} ({}): servicename `{}`.\n\n{}Call functions are on [`{}`], reached with [`Client::{}`]({}::Client::{}).",
            escape_md(summary),
            svc.title.en,
            svc.title.zh,
            svc.wire,
            svc.description.as_deref().map(|d| format!("{}\n\n", escape_md(d.trim()))).unwrap_or_default(),
            svc.handle,
            svc.module,
            self.root,
            svc.module
        ))
    }

    /// The calls of a service (`calls.rs`): its handle, the handle's accessor on the crate's `Client`
    /// and one call function per command (with the `_pages`, `_items` and `_batched` ones of its rules).
    pub(super) fn service_calls(&self, id: ServiceId) -> TokenStream {
        let svc = &self.cat.services[id];
        let (rt, root) = (self.runtime_path(), self.root_path());
        let handle = format_ident!("{}", svc.handle);
        let module = format_ident!("{}", svc.module);
        let fns = svc.commands.iter().map(|c| {
            let f = format_ident!("{}", c.fn_name);
            let req = format_ident!("{}", self.cat.types[c.request].name);
            let resp = format_ident!("{}", self.cat.types[c.response].name);
            let doc = doc_attrs(&self.command_doc(svc, c));
            let example = self.command_example(svc, c);
            let rule_fns = self.rule_call_fns(c);
            quote! {
                #doc
                #example
                pub fn #f<'r>(
                    &self,
                    request: &'r #req,
                ) -> impl std::future::Future<Output = Result<#resp, #rt::Error>> + Send + use<'a, 'r> {
                    self.client.runtime().call(request)
                }
                #rule_fns
            }
        });
        let handle_doc = format!(
            "The `{}` commands ({}), reached with [`Client::{}`]({}::Client::{}).\n\n\
             Each call function returns a `Send` future that borrows the client and the request, not this handle: \
             it can be stored, joined with others or spawned.",
            svc.wire, svc.title.en, svc.module, self.root, svc.module
        );
        let handle_doc = doc_attrs(&handle_doc);
        let accessor_doc = format!("The `{}` commands: {} ({}).", svc.wire, svc.title.en, svc.title.zh);
        quote! {
            #handle_doc
            #[derive(Clone, Copy, Debug)]
            pub struct #handle<'a> {
                client: &'a #root::Client,
            }

            impl #root::Client {
                #[doc = #accessor_doc]
                pub fn #module(&self) -> #handle<'_> {
                    #handle { client: self }
                }
            }

            impl<'a> #handle<'a> {
                #(#fns)*
            }
        }
    }

    fn command_doc(&self, svc: &Service, c: &Command) -> String {
        let mut s = format!("{}\n\n`POST /v4/{}/{}`", c.title.both(), svc.wire, c.wire);
        if let Some(d) = &c.description {
            s.push_str(&format!("\n\n{}", escape_md(d.trim())));
        }
        s.push_str(&format!("\n\nDocumentation: <{}>", c.doc));
        if let Some(en) = &c.doc_en {
            s.push_str(&format!(" (English: <{en}>)"));
        }
        s.push_str(&format!(
            "\n\nRetry class: `{}`. {}",
            c.retry.spelling(),
            match &c.retry {
                Retry::Safe => "Repeating the call has no further effect, so transient failures are retried.",
                Retry::Dedupe(_) => "The server de-duplicates repeats with the same values of these fields, so transient failures are retried with the same body.",
                Retry::Never => "Retried only when the failure shows the call did not take effect.",
            }
        ));
        if !c.results.is_empty() {
            s.push_str(&format!(
                "\n\nA successful reply can still carry per-item failures: see [`ItemResults`]({}::ItemResults) on the response.",
                self.runtime
            ));
        }
        if let Some(p) = &c.paging {
            s.push_str(&format!("\n\nPaged: {}. `{f}_pages` and `{f}_items` read every page.", self.paging_summary(c, p), f = c.fn_name));
        }
        if !c.limits.is_empty() {
            let limits: Vec<String> = c.limits.iter().map(|l| format!("`{}` {}", l.wire, limit_words(l.rule))).collect();
            s.push_str(&format!("\n\nLimits, checked before sending: {}.", limits.join("; ")));
            if !c.batch.is_empty() {
                s.push_str(&format!(" `{}_batched` takes any number of items.", c.fn_name));
            }
        }
        if !c.rates.is_empty() {
            let req = self.cat.fields(c.request);
            let rates: Vec<String> = c
                .rates
                .iter()
                .map(|r| {
                    let unit = match r.counts {
                        Some(i) => format!("items of `{}`", req[i].wire),
                        None => "calls".to_owned(),
                    };
                    let scope = r.scope.map(|i| format!(" per `{}`", req[i].wire)).unwrap_or_default();
                    format!("{} {unit} per {}{scope}", r.limit, r.per.spelling())
                })
                .collect();
            s.push_str(&format!("\n\nDocumented rate (the client paces calls to it): {}.", rates.join(", ")));
        }
        s
    }

    /// The doc example of a call function (a `no_run` doctest): the request built from the first
    /// official request example through `new(..)` and setters when every value is a plain literal,
    /// else decoded from the example's JSON (which needs `Deserialize` on the request: behind the codec
    /// feature, so the example is only in the docs when that feature is on); a command without an
    /// example request takes the request as a parameter.
    fn command_example(&self, svc: &Service, c: &Command) -> TokenStream {
        let k = self.crate_name;
        let module = format!("{}::{}", self.root.replacen("crate", k, 1), svc.module);
        let req = &self.cat.types[c.request].name;
        let call = format!("let reply = client.{}().{}(&request).await?;\n# let _ = reply;\n# Ok(())\n# }}\n```", svc.module, c.fn_name);
        let head = |params: &str| {
            format!("# Example\n\n```no_run\n# async fn demo(client: &{k}::Client{params}) -> Result<(), Box<dyn std::error::Error>> {{\n")
        };
        let Some((text, value)) = c.examples.iter().find_map(|e| e.request.as_ref()) else {
            return doc_attrs(&format!("{}{call}", head(&format!(", request: {module}::{req}"))));
        };
        if let Some((uses, build)) = self.example_construction(c.request, value) {
            return doc_attrs(&format!("{}{uses}let request = {build};\n{call}", head("")));
        }
        let mut hashes = String::from("#");
        while text.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        let body =
            format!("{}let request: {module}::{req} = serde_json::from_str(r{hashes}\"\n{}\n\"{hashes})?;\n{call}", head(""), text.trim());
        match self.codec_feature {
            None => doc_attrs(&body),
            Some(feature) => {
                let lines: Vec<String> =
                    body.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {}", l.trim_end()) }).collect();
                let text = lines.join("\n");
                quote!(#[cfg_attr(feature = #feature, doc = #text)])
            }
        }
    }

    /// `Type::new(..)` with setters, as Rust source, from an example value; `None` unless every field the
    /// example sets is a plain literal (a string, a number, a bool, a non-empty list of strings).
    /// With the `use` lines of the types it names.
    fn example_construction(&self, id: TypeId, value: &serde_json::Value) -> Option<(String, String)> {
        let mut uses = std::collections::BTreeMap::new();
        let build = self.example_construction_at(id, value, 0, &mut uses)?;
        let mut by_path: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
        for (name, path) in &uses {
            by_path.entry(path.as_str()).or_default().push(name.as_str());
        }
        let lines: Vec<String> = by_path
            .iter()
            .map(|(path, names)| match names.as_slice() {
                [one] => format!("use {path}::{one};\n"),
                many => format!("use {path}::{{{}}};\n", many.join(", ")),
            })
            .collect();
        Some((lines.concat(), build))
    }

    /// `uses` maps each type named to its module path; two types of one name give up (`None`).
    fn example_construction_at(
        &self,
        id: TypeId,
        value: &serde_json::Value,
        depth: usize,
        uses: &mut std::collections::BTreeMap<String, String>,
    ) -> Option<String> {
        let td = &self.cat.types[id];
        let TypeKind::Object(fields) = &td.kind else { return None };
        let obj = value.as_object()?;
        if !obj.keys().all(|k| fields.iter().any(|f| f.wire == *k || f.aliases.contains(k))) {
            return None;
        }
        let (mut args, mut setters) = (Vec::new(), String::new());
        for f in fields {
            let v = obj.get(&f.wire).or_else(|| f.aliases.iter().find_map(|a| obj.get(a)));
            if f.auto.is_some() {
                continue;
            }
            if td.is_new_param(f) {
                args.push(self.example_literal(&f.ty, v?, depth, uses)?);
            } else if let Some(v) = v.filter(|v| !v.is_null()) {
                // One setter a line at the top level.
                let sep = if depth == 0 { "\n    ." } else { "." };
                setters.push_str(&format!("{sep}{}({})", f.rust, self.example_literal(&f.ty, v, depth, uses)?));
            }
        }
        let path = self.example_module(td.owner)?;
        if uses.insert(td.name.clone(), path.clone()).is_some_and(|p| p != path) {
            return None;
        }
        Some(format!("{}::new({}){setters}", td.name, args.join(", ")))
    }

    /// A plain Rust expression for an example value of a field: strings, numbers that fit, bools,
    /// non-empty lists (of strings: an array, which `new(..)` and setters take; else `vec![..]`), and
    /// objects of the catalogue built the same way; `None` for anything else (enums, maps, JSON).
    fn example_literal(
        &self,
        ty: &Ty,
        v: &serde_json::Value,
        depth: usize,
        uses: &mut std::collections::BTreeMap<String, String>,
    ) -> Option<String> {
        match ty {
            Ty::Scalar(Scalar::String) => v.as_str().map(|s| format!("{s:?}")),
            Ty::Scalar(Scalar::Bool) => v.as_bool().map(|b| b.to_string()),
            Ty::Scalar(Scalar::Flag) => v.as_u64().filter(|n| *n <= 1).map(|n| (n == 1).to_string()),
            Ty::Scalar(Scalar::I32) => v.as_i64().filter(|n| i32::try_from(*n).is_ok()).map(|n| n.to_string()),
            Ty::Scalar(Scalar::U32) => v.as_u64().filter(|n| u32::try_from(*n).is_ok()).map(|n| n.to_string()),
            Ty::Scalar(Scalar::I64) => v.as_i64().map(|n| n.to_string()),
            Ty::Scalar(Scalar::U64) => v.as_u64().map(|n| n.to_string()),
            Ty::Scalar(Scalar::F64) => v.as_f64().filter(|x| x.is_finite()).map(|x| format!("{x:?}")),
            Ty::Array(t) => {
                let items: Option<Vec<String>> = v.as_array()?.iter().map(|i| self.example_literal(t, i, depth, uses)).collect();
                let items = items.filter(|i| !i.is_empty())?;
                if **t == Ty::Scalar(Scalar::String) {
                    Some(format!("[{}]", items.join(", ")))
                } else {
                    Some(format!("vec![{}]", items.join(", ")))
                }
            }
            Ty::Ref(id) if depth < 3 => self.example_construction_at(*id, v, depth + 1, uses),
            _ => None,
        }
    }

    /// The module of a type as doc examples name it (`tim_rest::openim`).
    fn example_module(&self, owner: Owner) -> Option<String> {
        let root = self.root.replacen("crate", self.crate_name, 1);
        match owner {
            Owner::Shared => Some(format!("{root}::types")),
            Owner::Service(s) => Some(format!("{root}::{}", self.cat.services[s].module)),
            Owner::Callbacks(_) => None,
        }
    }

    /// The impls that describe a command to the runtime: `Endpoint` (with the rules), `ReplyPayload`,
    /// `ItemResults`, and `Paged`/`PagedItems`/`Batched` when its rules say so.
    pub(super) fn command_impls(&self, id: CommandId) -> TokenStream {
        let (svc, c) = (&self.cat.services[id.service], self.cat.command(id));
        let rt = self.runtime_path();
        let req = format_ident!("{}", self.cat.types[c.request].name);
        let resp = format_ident!("{}", self.cat.types[c.response].name);
        let service = &svc.wire;
        let command = &c.wire;
        let path = format!("{}/{}", svc.wire, c.wire);
        let retry = self.retry_class(&c.retry);
        let resp_fields = self.cat.fields(c.response);
        let keys: Vec<&String> = self.cat.fields(c.request).iter().map(|f| &f.wire).collect();
        let lists = c.results.iter().map(|r| {
            let lf = &resp_fields[r.list];
            let ln = ident(&lf.rust);
            let lname = &lf.wire;
            let iter = if lf.optional { quote!(self.#ln.iter().flatten()) } else { quote!(self.#ln.iter()) };
            match r.item {
                None => quote! {
                    for item in #iter {
                        out.push(#rt::ItemResult { list: #lname, id: Some(item.as_str()), code: None, info: None, ok: false });
                    }
                },
                Some(item_ty) => {
                    let item_fields = self.cat.fields(item_ty);
                    let opt_str = |i: Option<usize>| match i {
                        None => quote!(None),
                        Some(i) => {
                            let f = &item_fields[i];
                            let n = ident(&f.rust);
                            if f.optional { quote!(item.#n.as_deref()) } else { quote!(Some(item.#n.as_str())) }
                        }
                    };
                    let id = opt_str(r.id);
                    let info = opt_str(r.info);
                    let code = match r.code {
                        None => quote!(None),
                        Some(i) => {
                            let f = &item_fields[i];
                            let n = ident(&f.rust);
                            let conv = match &f.ty {
                                Ty::Ref(e) if self.is_copy_enum(*e) => quote!(#rt::results::code_i64(v.value())),
                                _ => quote!(#rt::results::code_i64(v)),
                            };
                            if f.optional { quote!(item.#n.map(|v| #conv)) } else { quote!({ let v = item.#n; Some(#conv) }) }
                        }
                    };
                    let ok_codes: Vec<Literal> = r.ok.iter().map(|c| Literal::i64_unsuffixed(*c)).collect();
                    let ok = if r.code.is_some() { quote!(code.is_some_and(|c| [#(#ok_codes),*].contains(&c))) } else { quote!(false) };
                    quote! {
                        for item in #iter {
                            let code: Option<i64> = #code;
                            out.push(#rt::ItemResult { list: #lname, id: #id, code, info: #info, ok: #ok });
                        }
                    }
                }
            }
        });
        let results_impl = if c.results.is_empty() {
            quote!(impl #rt::ItemResults for #resp {})
        } else {
            quote! {
                impl #rt::ItemResults for #resp {
                    fn item_results(&self) -> Vec<#rt::ItemResult<'_>> {
                        let mut out = Vec::new();
                        #(#lists)*
                        out
                    }
                }
            }
        };
        let root = self.root_path();
        let rule_items = self.endpoint_rule_items(id);
        let paged = self.paged_impls(c);
        let batched = self.batched_impl(c);
        quote! {
            impl #rt::ReplyPayload for #resp {
                fn error_codes() -> &'static [#rt::ErrorCodeInfo] {
                    #root::error_codes::TABLE
                }
            }

            impl #rt::Endpoint for #req {
                type Response = #resp;
                const SERVICE: &'static str = #service;
                const COMMAND: &'static str = #command;
                const PATH: &'static str = #path;
                const RETRY: #rt::RetryClass = #retry;
                const REQUEST_KEYS: &'static [&'static str] = &[#(#keys),*];
                fn extra_fields(&self) -> &serde_json::Map<String, serde_json::Value> {
                    &self.extra
                }
                #rule_items
            }
            #results_impl
            #paged
            #batched
        }
    }

    pub(super) fn is_copy_enum(&self, id: TypeId) -> bool {
        matches!(&self.cat.types[id].kind, TypeKind::Enum { base, .. } if base.is_integer())
    }
}

/// A limit in words: "at most 100 items".
pub(super) fn limit_words(rule: LimitRule) -> String {
    match rule {
        LimitRule::MaxItems(n) => format!("at most {n} items"),
        LimitRule::MaxBytes(n) => format!("at most {n} bytes"),
        LimitRule::Range { min: Some(a), max: Some(b) } => format!("{a} to {b}"),
        LimitRule::Range { min: Some(a), max: None } => format!("at least {a}"),
        LimitRule::Range { min: None, max: Some(b) } => format!("at most {b}"),
        LimitRule::Range { min: None, max: None } => "any value".to_owned(),
    }
}
