//! Open enums (string or integer, with `Unknown`), tagged unions (`Unknown { tag, content }`) and
//! `oneof` values (untagged, with `Other`).

use super::{Emitter, doc_attrs, escape_md};
use crate::model::*;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

impl Emitter<'_> {
    /// An open enum: known values as variants, anything else kept in `Unknown`.
    pub(super) fn enum_type(&self, id: TypeId) -> TokenStream {
        let rt = self.runtime_path();
        let td = &self.cat.types[id];
        let TypeKind::Enum { base, values } = &td.kind else { return quote!() };
        let name = format_ident!("{}", td.name);
        let (ser_gate, de_gate) = self.serde_impl_gates(id);
        let doc = doc_attrs(&format!(
            "{}\n\nAn open enum: a value this SDK does not know yet decodes to `Unknown` and encodes back unchanged.",
            self.type_doc(id)
        ));
        let variants = values.iter().map(|v| {
            let vn = format_ident!("{}", v.rust);
            let vdoc = doc_attrs(&match &v.doc {
                Some(d) => format!("`{}`: {}", v.wire, escape_md(d.trim())),
                None => format!("`{}`.", v.wire),
            });
            quote!(#vdoc #vn,)
        });
        if *base == Scalar::String {
            let as_str = values.iter().map(|v| {
                let vn = format_ident!("{}", v.rust);
                let w = &v.wire;
                quote!(#name::#vn => #w,)
            });
            let from = values.iter().map(|v| {
                let vn = format_ident!("{}", v.rust);
                let w = &v.wire;
                quote!(#w => #name::#vn,)
            });
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, Eq, Hash)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value this version of the SDK does not know, kept verbatim.
                    Unknown(String),
                }
                impl #name {
                    /// The wire value.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#as_str)*
                            #name::Unknown(other) => other,
                        }
                    }
                }
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #(#from)*
                            other => #name::Unknown(other.to_owned()),
                        }
                    }
                }
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
                #ser_gate
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
                #de_gate
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        #rt::codec::deserialize_str_enum(deserializer)
                    }
                }
            }
        } else {
            let bt = Self::scalar(*base);
            let value_arms = values.iter().map(|v| {
                let vn = format_ident!("{}", v.rust);
                let w: TokenStream = int_literal(&v.wire, *base);
                quote!(#name::#vn => #w,)
            });
            let from_arms = values.iter().map(|v| {
                let vn = format_ident!("{}", v.rust);
                let w: TokenStream = int_literal(&v.wire, *base);
                quote!(#w => #name::#vn,)
            });
            quote! {
                #doc
                #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value this version of the SDK does not know, kept verbatim.
                    Unknown(#bt),
                }
                impl #name {
                    /// The wire value.
                    pub fn value(self) -> #bt {
                        match self {
                            #(#value_arms)*
                            #name::Unknown(other) => other,
                        }
                    }
                }
                impl From<#bt> for #name {
                    fn from(value: #bt) -> Self {
                        match value {
                            #(#from_arms)*
                            other => #name::Unknown(other),
                        }
                    }
                }
                #ser_gate
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serde::Serialize::serialize(&self.value(), serializer)
                    }
                }
                #de_gate
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        <#bt as serde::Deserialize>::deserialize(deserializer).map(#name::from)
                    }
                }
            }
        }
    }

    /// A tagged union: one variant per known tag, anything else kept in `Unknown { tag, content }`.
    pub(super) fn union_type(&self, id: TypeId) -> TokenStream {
        let rt = self.runtime_path();
        let td = &self.cat.types[id];
        let TypeKind::Union { tag, content, variants } = &td.kind else { return quote!() };
        let name = format_ident!("{}", td.name);
        let (ser_gate, de_gate) = self.serde_impl_gates(id);
        let doc = doc_attrs(&format!(
            "{}\n\nTagged by `{tag}`, content in `{content}`. An unknown `{tag}` decodes to `Unknown`, an element without a \
             usable `{tag}` (none, `null`, not a string) to `Untagged`; both encode back unchanged.",
            self.type_doc(id)
        ));
        let defs = variants.iter().map(|v| {
            let vn = format_ident!("{}", v.rust);
            let ty = self.type_path(v.ty, td.owner);
            let vdoc = doc_attrs(&match &v.doc {
                Some(d) => format!("`{}`: {}", v.tag, escape_md(d.trim())),
                None => format!("`{}`.", v.tag),
            });
            quote!(#vdoc #vn(#ty),)
        });
        let tag_arms = variants.iter().map(|v| {
            let vn = format_ident!("{}", v.rust);
            let t = &v.tag;
            quote!(#name::#vn(_) => #t,)
        });
        let ser_arms = variants.iter().map(|v| {
            let vn = format_ident!("{}", v.rust);
            quote!(#name::#vn(c) => map.serialize_entry(#content, c)?,)
        });
        let direct_arms = variants.iter().map(|v| {
            let vn = format_ident!("{}", v.rust);
            let t = &v.tag;
            quote!(#t => #name::#vn(map.next_value()?),)
        });
        let value_arms = variants.iter().map(|v| {
            let vn = format_ident!("{}", v.rust);
            let t = &v.tag;
            quote!(#t => #name::#vn(serde::Deserialize::deserialize(content)?),)
        });
        quote! {
            #doc
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #(#defs)*
                /// A variant this version of the SDK does not know: its tag and content, verbatim.
                Unknown {
                    /// The tag value.
                    tag: String,
                    /// The content, as free-form JSON.
                    content: serde_json::Value,
                },
                /// An element without a usable tag (none, `null`, or not a string): the whole element,
                /// verbatim, as free-form JSON.
                Untagged(serde_json::Value),
            }
            impl #name {
                /// The tag value on the wire.
                pub fn tag(&self) -> &str {
                    match self {
                        #(#tag_arms)*
                        #name::Unknown { tag, .. } => tag,
                        #name::Untagged(_) => "",
                    }
                }
            }
            #ser_gate
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap;
                    if let #name::Untagged(element) = self {
                        return element.serialize(serializer);
                    }
                    let mut map = serializer.serialize_map(Some(2))?;
                    map.serialize_entry(#tag, self.tag())?;
                    match self {
                        #(#ser_arms)*
                        #name::Unknown { content, .. } => map.serialize_entry(#content, content)?,
                        #name::Untagged(_) => {}
                    }
                    map.end()
                }
            }
            #de_gate
            impl #rt::codec::TaggedUnion for #name {
                const TAG: &'static str = #tag;
                const CONTENT: &'static str = #content;
                fn content_from_map<'de, A: serde::de::MapAccess<'de>>(tag: String, map: &mut A) -> Result<Self, A::Error> {
                    Ok(match tag.as_str() {
                        #(#direct_arms)*
                        _ => #name::Unknown { content: map.next_value()?, tag },
                    })
                }
                fn content_from_value(tag: String, content: serde_json::Value) -> Result<Self, serde_json::Error> {
                    Ok(match tag.as_str() {
                        #(#value_arms)*
                        _ => #name::Unknown { tag, content },
                    })
                }
                fn untagged(element: serde_json::Value) -> Self {
                    #name::Untagged(element)
                }
            }
            #de_gate
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    #rt::codec::deserialize_union(deserializer)
                }
            }
        }
    }

    /// A value of one of several JSON kinds, tried in order; anything else kept in `Other`.
    pub(super) fn oneof_type(&self, id: TypeId) -> TokenStream {
        let td = &self.cat.types[id];
        let TypeKind::OneOf(alts) = &td.kind else { return quote!() };
        let name = format_ident!("{}", td.name);
        let serde_derives = self.serde_derives(id);
        let doc = doc_attrs(&format!(
            "{}\n\nOne of several JSON kinds, tried in order; any other value decodes to `Other` and encodes back unchanged.",
            self.type_doc(id)
        ));
        let defs = alts.iter().map(|(vn, t)| {
            let v = format_ident!("{}", vn);
            let ty = self.rust_ty(t, td.owner);
            let d = format!("A value of type `{}`.", self.cat.spelling(t));
            quote!(#[doc = #d] #v(#ty),)
        });
        quote! {
            #doc
            #[derive(Clone, Debug, PartialEq)]
            #serde_derives
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#defs)*
                /// Any other JSON value, kept verbatim.
                Other(serde_json::Value),
            }
        }
    }
}

fn int_literal(wire: &str, base: Scalar) -> TokenStream {
    match base {
        Scalar::U32 | Scalar::U64 => wire.parse::<u64>().map(Literal::u64_unsuffixed).map(|l| quote!(#l)).unwrap_or_default(),
        _ => wire.parse::<i64>().map(Literal::i64_unsuffixed).map(|l| quote!(#l)).unwrap_or_default(),
    }
}
