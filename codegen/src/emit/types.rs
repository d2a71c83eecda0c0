//! Type definitions: the dispatch over kinds, the serde derives every kind uses, objects (struct,
//! `new(...)` from the model's parameters, setters, redacting `Debug`), and `api/types.rs`.

use super::{Emitter, doc_attrs, escape_md, format_file, header, ident};
use crate::model::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl Emitter<'_> {
    /// Any named or inline type with its serde impls (its drift description is [`Self::shape_static`]).
    pub fn type_def(&self, id: TypeId) -> TokenStream {
        match &self.cat.types[id].kind {
            TypeKind::Object(_) => self.object(id),
            TypeKind::Enum { .. } => self.enum_type(id),
            TypeKind::Union { .. } => self.union_type(id),
            TypeKind::OneOf(_) => self.oneof_type(id),
        }
    }

    /// `api/types.rs`: one file, each type followed by its drift description.
    pub fn shared_module(&self) -> Result<String, String> {
        let types = self.cat.shared.iter().map(|id| {
            let (def, shape) = (self.type_def(*id), self.shape_static(*id));
            quote!(#def #shape)
        });
        let tokens = quote! {
            //! Types shared by several services (message elements, offline push information, ...).
            #(#types)*
        };
        Ok(format!("{}{}", header("spec/types"), format_file(tokens)?))
    }

    pub(super) fn type_doc(&self, id: TypeId) -> String {
        let td = &self.cat.types[id];
        let mut s = match &td.doc {
            Some(d) => escape_md(d.trim()),
            None => format!("`{}`.", td.name),
        };
        if let Role::Request(id) | Role::Response(id) = td.role {
            let svc = &self.cat.services[id.service];
            let c = self.cat.command(id);
            s.push_str(&format!(
                "\n\nSee [`{}::{}`]({}::{}::{}::{}).",
                svc.handle, c.fn_name, self.root, svc.module, svc.handle, c.fn_name
            ));
        }
        if let Role::Event(id) | Role::Reply(id) = td.role {
            let cb = self.cat.callback(id);
            s.push_str(&format!("\n\n{}. Documentation: <{}>", cb.title.both(), cb.doc));
            if let Some(en) = &cb.doc_en {
                s.push_str(&format!(" (English: <{en}>)"));
            }
        }
        s
    }

    /// The serde derives of a type: the directions it is used in always, the other one behind the
    /// codec feature (the registry and the local server need both).
    pub(super) fn serde_derives(&self, id: TypeId) -> TokenStream {
        let Directions { ser_always: ser, de_always: de } = self.cat.types[id].serde_directions();
        let always: Vec<TokenStream> =
            [(ser, quote!(serde::Serialize)), (de, quote!(serde::Deserialize))].into_iter().filter(|(on, _)| *on).map(|(_, t)| t).collect();
        let gated: Vec<TokenStream> = [(!ser, quote!(serde::Serialize)), (!de, quote!(serde::Deserialize))]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, t)| t)
            .collect();
        match (self.codec_feature, gated.is_empty()) {
            (_, true) => quote!(#[derive(#(#always),*)]),
            (None, false) => quote!(#[derive(#(#always,)* #(#gated),*)]),
            (Some(f), false) => quote!(#[derive(#(#always),*)] #[cfg_attr(feature = #f, derive(#(#gated),*))]),
        }
    }

    /// `#[cfg(feature = "codec")]` on a hand-written serde impl of a direction the type does not need.
    /// Returns (Serialize gate, Deserialize gate).
    pub(super) fn serde_impl_gates(&self, id: TypeId) -> (TokenStream, TokenStream) {
        let d = self.cat.types[id].serde_directions();
        let gate = |needed: bool| match (needed, self.codec_feature) {
            (false, Some(f)) => quote!(#[cfg(feature = #f)]),
            _ => quote!(),
        };
        (gate(d.ser_always), gate(d.de_always))
    }

    /// Whether a value of this type has a `Default`.
    fn defaultable(&self, ty: &Ty, depth: usize) -> bool {
        match ty {
            Ty::Scalar(_) | Ty::Array(_) | Ty::Map(_) => true,
            Ty::Ref(id) => depth < 32 && self.object_defaultable(*id, depth + 1),
        }
    }

    fn object_defaultable(&self, id: TypeId, depth: usize) -> bool {
        match &self.cat.types[id].kind {
            TypeKind::Object(fields) => fields.iter().all(|f| f.auto.is_none() && (f.optional || self.defaultable(&f.ty, depth))),
            _ => false,
        }
    }

    /// The parameter type of a field in `new(..)` and its setter, and the expression that turns the
    /// parameter `n` into the field's value: strings take `impl Into<String>`, lists of strings any
    /// iterable of them (`["bob", "carol"]`, a `Vec<String>`), anything else its own type.
    fn param_conversion(&self, ty: &Ty, owner: Owner, n: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
        match ty {
            Ty::Scalar(Scalar::String) => (quote!(impl Into<String>), quote!(#n.into())),
            Ty::Array(t) if **t == Ty::Scalar(Scalar::String) => {
                (quote!(impl IntoIterator<Item = impl Into<String>>), quote!(#n.into_iter().map(Into::into).collect()))
            }
            _ => {
                let t = self.rust_ty(ty, owner);
                (t, quote!(#n))
            }
        }
    }

    /// Whether [`Self::param_conversion`] converts the parameter (else it is the field's value as is).
    fn param_converts(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Scalar(Scalar::String) => true,
            Ty::Array(t) => **t == Ty::Scalar(Scalar::String),
            _ => false,
        }
    }

    /// Documentation of a field, with its wire key.
    fn field_doc(f: &Field) -> String {
        let presence = if f.optional {
            "optional"
        } else if f.auto.is_some() {
            "filled in by the SDK"
        } else {
            "required"
        };
        let aliases = if f.aliases.is_empty() {
            String::new()
        } else {
            let keys: Vec<String> = f.aliases.iter().map(|a| format!("`{a}`")).collect();
            format!(" Also read from {} (the documentation names the key both ways); written as `{}`.", keys.join(", "), f.wire)
        };
        let aliases =
            if f.ty == Ty::Scalar(Scalar::Flag) { format!("{aliases} On the wire `true` is 1 and `false` is 0.") } else { aliases };
        match &f.doc {
            Some(d) => format!("`{}` ({presence}). {}{aliases}", f.wire, escape_md(d.trim())),
            None => format!("`{}` ({presence}).{aliases}", f.wire),
        }
    }

    /// One object type (struct, constructor, setters).
    fn object(&self, id: TypeId) -> TokenStream {
        let rt = self.runtime_path();
        let td = &self.cat.types[id];
        let TypeKind::Object(fields) = &td.kind else { return quote!() };
        let name = format_ident!("{}", td.name);
        let doc = doc_attrs(&self.type_doc(id));
        let request_only = td.in_request && !td.in_response;
        let lenient = !request_only;
        // A request type with required fields gets no `Default`: that would let a caller skip `new(..)`.
        let has_required = fields.iter().any(|f| !f.optional);
        // A callback reply is built with an outcome constructor, never `Default` (which would hide what
        // `ErrorCode` 0 decides).
        let reply_of = match td.role {
            Role::Reply(id) => Some(self.cat.callback(id)),
            _ => None,
        };
        let defaultable = self.object_defaultable(id, 0) && !(td.in_request && has_required) && reply_of.is_none();
        let sensitive = fields.iter().any(|f| f.sensitive);
        let mut derives = vec![quote!(Clone), quote!(PartialEq)];
        if !sensitive {
            derives.insert(1, quote!(Debug));
        }
        if defaultable {
            derives.push(quote!(Default));
        }
        let serde_derives = self.serde_derives(id);
        // Every type decodes strictly: a reply that does not fit exactly takes the drift-correcting path
        // (`crate::drift`), which reports what it changes.
        let is_request_root = matches!(td.role, Role::Request(..));
        // A partly documented reply keeps the keys the catalogue does not model (flattened into
        // `other`), so it cannot deny unknown keys.
        let partial = self.partly_documented(id);
        let deny = if partial { quote!() } else { quote!(#[serde(deny_unknown_fields)]) };
        // The serde helpers of the runtime's `codec` module, as serde attributes name them.
        let codec_fn = |name: &str| format!("{}::codec::{name}", self.runtime);
        let (flag_with, opt_flag, null_as_default) = (codec_fn("flag"), codec_fn("opt_flag"), codec_fn("null_as_default"));
        let field_defs = fields.iter().enumerate().map(|(index, f)| {
            let fname = ident(&f.rust);
            let wire = &f.wire;
            let ty = self.field_ty(f, td.owner);
            let fdoc = doc_attrs(&Self::field_doc(f));
            let aliases = f.aliases.iter().map(|a| quote!(, alias = #a));
            let flag = f.ty == Ty::Scalar(Scalar::Flag);
            let serde_attr = if flag && f.optional {
                // A 0/1 flag: `bool` in Rust, 0/1 on the wire (the runtime's `codec::flag`).
                quote!(#[serde(rename = #wire #(#aliases)*, default, skip_serializing_if = "Option::is_none", with = #opt_flag)])
            } else if flag {
                quote!(#[serde(rename = #wire #(#aliases)*, with = #flag_with)])
            } else if let Some(with) = self.lenient_with(id, index, f.optional) {
                // An integer of a type that is read: as strict as serde's own, but it can convert a
                // drifted value in the tolerant pass (the runtime's `drift::lenient`).
                if f.optional {
                    quote!(#[serde(rename = #wire #(#aliases)*, default, skip_serializing_if = "Option::is_none", deserialize_with = #with)])
                } else {
                    quote!(#[serde(rename = #wire #(#aliases)*, deserialize_with = #with)])
                }
            } else if f.optional {
                quote!(#[serde(rename = #wire #(#aliases)*, default, skip_serializing_if = "Option::is_none")])
            } else if lenient && f.ty.is_collection() {
                quote!(#[serde(rename = #wire #(#aliases)*, default, deserialize_with = #null_as_default)])
            } else {
                quote!(#[serde(rename = #wire #(#aliases)*)])
            };
            quote! {
                #fdoc
                #serde_attr
                pub #fname: #ty,
            }
        });
        // Constructor: the model's `new(...)` parameters; collections that start empty and `auto`
        // fields get setters instead.
        let required = self.cat.new_params(id);
        let params = required.iter().map(|f| {
            let n = ident(&f.rust);
            let (param, _) = self.param_conversion(&f.ty, td.owner, &n);
            quote!(#n: #param)
        });
        let envelope_defs = if reply_of.is_some() {
            quote! {
                /// `ErrorCode`: the outcome (see the constructors).
                #[serde(rename = "ErrorCode")]
                pub error_code: i64,
                /// `ErrorInfo`: a message; some callbacks pass it on to the client with a custom code.
                #[serde(rename = "ErrorInfo", default)]
                pub error_info: String,
            }
        } else {
            quote!()
        };
        let extra_def = if is_request_root {
            quote! {
                /// Wire fields the catalogue does not have yet (see `extra_field`); the module's `Endpoint`
                /// impl (`registry.rs`) hands them to the runtime.
                #[serde(skip)]
                pub(super) extra: serde_json::Map<String, serde_json::Value>,
            }
        } else {
            quote!()
        };
        let extra_def = if partial {
            quote! {
                /// Every other key of the reply. The official reply table could not be read whole, so the
                /// catalogue types only the fields above; the rest of the JSON object is kept here, as sent.
                #[serde(flatten)]
                pub other: serde_json::Map<String, serde_json::Value>,
            }
        } else {
            extra_def
        };
        let extra_init = if is_request_root {
            Some(quote!(extra: serde_json::Map::new()))
        } else if partial {
            Some(quote!(other: serde_json::Map::new()))
        } else {
            None
        };
        let extra_setter = if is_request_root {
            let doc = doc_attrs(&format!(
                "Adds a wire field the catalogue does not have yet (a field the server just added). It is\n\
                 sent after the known fields; a key that is already a field of this request is refused when\n\
                 the call is made ([`Error::Build`]({}::Error::Build)).",
                self.runtime
            ));
            quote! {
                #doc
                #[must_use]
                pub fn extra_field(mut self, key: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
                    self.extra.insert(key.into(), value.into());
                    self
                }
            }
        } else {
            quote!()
        };
        let inits = fields.iter().map(|f| {
            let n = ident(&f.rust);
            if f.optional {
                quote!(#n: None)
            } else if td.starts_empty(f) {
                quote!(#n: Default::default())
            } else if let Some(Auto::Random) = f.auto {
                if f.ty == Ty::Scalar(Scalar::U64) { quote!(#n: fastrand::u64(..)) } else { quote!(#n: fastrand::u32(..)) }
            } else if self.param_converts(&f.ty) {
                let (_, value) = self.param_conversion(&f.ty, td.owner, &n);
                quote!(#n: #value)
            } else {
                quote!(#n)
            }
        });
        let inits: Vec<TokenStream> = inits.chain(extra_init).collect();
        let many = if required.len() > 7 { quote!(#[allow(clippy::too_many_arguments)]) } else { quote!() };
        let no_default = if required.is_empty() && !defaultable { quote!(#[allow(clippy::new_without_default)]) } else { quote!() };
        let auto_note = if fields.iter().any(|f| f.auto.is_some()) {
            let names: Vec<String> = fields.iter().filter(|f| f.auto.is_some()).map(|f| format!("`{}`", f.wire)).collect();
            format!(
                "\n\n{} {} as {}; {} serialized once per call and {} the same across retries, \
                 which lets the server de-duplicate a repeated call.",
                names.join(", "),
                if names.len() == 1 { "starts" } else { "start" },
                if names.len() == 1 { "a fresh random number" } else { "fresh random numbers" },
                if names.len() == 1 { "it is" } else { "they are" },
                if names.len() == 1 { "stays" } else { "stay" }
            )
        } else {
            String::new()
        };
        let new_doc = doc_attrs(&format!("Creates the value from its required fields; optional fields start unset.{auto_note}"));
        let setters = fields.iter().filter(|f| f.optional || f.auto.is_some() || td.starts_empty(f)).map(|f| {
            let n = ident(&f.rust);
            let sdoc = doc_attrs(&format!("Sets {}", Self::field_doc(f)));
            let (param, value) = self.param_conversion(&f.ty, td.owner, &format_ident!("value"));
            let param = quote!(value: #param);
            let assign = if f.optional { quote!(Some(#value)) } else { value };
            quote! {
                #sdoc
                #[must_use]
                pub fn #n(mut self, #param) -> Self {
                    self.#n = #assign;
                    self
                }
            }
        });
        let (constructors, answer_impl) = match reply_of {
            None => (
                quote! {
                    #new_doc
                    #many
                    #no_default
                    pub fn new(#(#params),*) -> Self {
                        Self { #(#inits),* }
                    }
                },
                quote!(),
            ),
            Some(cb) => self.reply_constructors(&name, cb, &inits),
        };
        let debug_impl = if sensitive {
            let name_str = &td.name;
            let entries = fields.iter().map(|f| {
                let n = ident(&f.rust);
                let label = f.rust.trim_start_matches("r#");
                if f.sensitive { quote!(.field(#label, &#rt::codec::Redacted)) } else { quote!(.field(#label, &self.#n)) }
            });
            quote! {
                impl std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.debug_struct(#name_str) #(#entries)* .finish()
                    }
                }
            }
        } else {
            quote!()
        };
        quote! {
            #doc
            #[derive(#(#derives),*)]
            #serde_derives
            #[non_exhaustive]
            #deny
            pub struct #name {
                #envelope_defs
                #(#field_defs)*
                #extra_def
            }

            impl #name {
                #constructors
                #(#setters)*
                #extra_setter
            }

            #debug_impl
            #answer_impl
        }
    }
}
