//! Drift shapes: for every object and union type that is read, a static description the runtime's
//! drift corrector walks when a reply does not decode strictly.

use super::Emitter;
use crate::model::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl Emitter<'_> {
    /// The name of a type's drift description static.
    fn shape_ident(&self, id: TypeId) -> proc_macro2::Ident {
        format_ident!("SHAPE_{}", self.cat.types[id].name)
    }

    /// The path of a type's drift description static as seen from module `from`.
    fn shape_path(&self, id: TypeId, from: Owner) -> TokenStream {
        let td = &self.cat.types[id];
        let name = self.shape_ident(id);
        if td.owner == from {
            return quote!(#name);
        }
        let root = self.root_path();
        match td.owner {
            Owner::Shared => quote!(#root::types::#name),
            Owner::Service(s) => {
                let m = format_ident!("{}", self.cat.services[s].module);
                quote!(#root::#m::#name)
            }
            Owner::Callbacks(g) => {
                let m = format_ident!("{}", self.cat.callbacks[g].module);
                quote!(#root::callbacks::#m::#name)
            }
        }
    }

    /// How the drift corrector reads a value of type `ty`.
    fn shape_expr(&self, ty: &Ty, from: Owner) -> TokenStream {
        let rt = self.runtime_path();
        let scalar = |s: Scalar| match s {
            Scalar::String => quote!(#rt::drift::Shape::Str),
            Scalar::Bool => quote!(#rt::drift::Shape::Bool),
            // 0/1 read as an integer (no correction reported); `true`/`false` are corrected to 1/0 and
            // the flag's deserializer takes either.
            Scalar::Flag => quote!(#rt::drift::Shape::U32),
            Scalar::I32 => quote!(#rt::drift::Shape::I32),
            Scalar::U32 => quote!(#rt::drift::Shape::U32),
            Scalar::I64 => quote!(#rt::drift::Shape::I64),
            Scalar::U64 => quote!(#rt::drift::Shape::U64),
            Scalar::F64 => quote!(#rt::drift::Shape::F64),
            Scalar::Json => quote!(#rt::drift::Shape::Any),
        };
        match ty {
            Ty::Scalar(s) => scalar(*s),
            Ty::Array(t) => {
                let inner = self.shape_expr(t, from);
                quote!(#rt::drift::Shape::Array(&#inner))
            }
            Ty::Map(t) => {
                let inner = self.shape_expr(t, from);
                quote!(#rt::drift::Shape::Map(&#inner))
            }
            Ty::Ref(id) => match &self.cat.types[*id].kind {
                TypeKind::Object(_) => {
                    let p = self.shape_path(*id, from);
                    quote!(#rt::drift::Shape::Object(&#p))
                }
                TypeKind::Union { .. } => {
                    let p = self.shape_path(*id, from);
                    quote!(#rt::drift::Shape::Union(&#p))
                }
                TypeKind::Enum { base, .. } => scalar(*base),
                TypeKind::OneOf(_) => quote!(#rt::drift::Shape::Any),
            },
        }
    }

    /// Whether `id` is the reply of a partly documented command (it keeps the keys the catalogue does
    /// not model).
    pub(super) fn partly_documented(&self, id: TypeId) -> bool {
        matches!(self.cat.types[id].role, Role::Response(c) if self.cat.command(c).partial)
    }

    /// The integer type of field `index` of object type `id` if its generated deserializer is lenient
    /// (the runtime's `drift::lenient`): an integer field of a type that is read, among the first 64,
    /// of a type that is not partly documented.
    pub(super) fn lenient_int(&self, id: TypeId, index: usize) -> Option<&'static str> {
        let td = &self.cat.types[id];
        let TypeKind::Object(fields) = &td.kind else { return None };
        if !td.in_response || self.partly_documented(id) || index >= 64 {
            return None;
        }
        match fields.get(index)?.ty {
            Ty::Scalar(Scalar::U64) => Some("u64"),
            Ty::Scalar(Scalar::I64) => Some("i64"),
            Ty::Scalar(Scalar::U32) => Some("u32"),
            Ty::Scalar(Scalar::I32) => Some("i32"),
            _ => None,
        }
    }

    /// The `deserialize_with` path of field `index` of object type `id`, if it is lenient: the type's
    /// number times 64 plus the field's index names it to the runtime.
    pub(super) fn lenient_with(&self, id: TypeId, index: usize, optional: bool) -> Option<String> {
        let int = self.lenient_int(id, index)?;
        let f = if optional { "opt" } else { "req" };
        Some(format!("{}::drift::lenient::{f}::<{}, {int}, _>", self.runtime, id.0 * 64 + index))
    }

    /// The drift description of an object or union type that is read (from replies or callbacks), and
    /// the `Schema` impl that links an object type to it.
    pub fn shape_static(&self, id: TypeId) -> TokenStream {
        let rt = self.runtime_path();
        let td = &self.cat.types[id];
        if !td.in_response {
            return quote!();
        }
        let sname = self.shape_ident(id);
        let tname = format_ident!("{}", td.name);
        let name_str = &td.name;
        let doc = format!("How the drift corrector reads [`{}`].", td.name);
        match &td.kind {
            TypeKind::Object(fields) => {
                let fs = fields.iter().map(|f| {
                    let key = &f.wire;
                    let aliases = &f.aliases;
                    let shape = self.shape_expr(&f.ty, td.owner);
                    let required = !f.optional;
                    quote!(#rt::drift::FieldShape::new(#key, &[#(#aliases),*], #shape, #required))
                });
                let ctor = if self.partly_documented(id) { quote!(open) } else { quote!(new) };
                let mask = (0..fields.len()).filter(|i| self.lenient_int(id, *i).is_some()).fold(0u64, |m, i| m | 1 << i);
                let lenient = if mask == 0 {
                    quote!()
                } else {
                    let n = proc_macro2::Literal::u32_unsuffixed(u32::try_from(id.0).unwrap_or(u32::MAX));
                    let mask = proc_macro2::Literal::u64_unsuffixed(mask);
                    quote!(.lenient(#n, #mask))
                };
                quote! {
                    #[doc = #doc]
                    #[allow(non_upper_case_globals)]
                    #[doc(hidden)]
                    pub static #sname: #rt::drift::ObjectShape = #rt::drift::ObjectShape::#ctor(#name_str, &[#(#fs),*])#lenient;
                    impl #rt::drift::Schema for #tname {
                        fn shape() -> &'static #rt::drift::ObjectShape {
                            &#sname
                        }
                    }
                }
            }
            TypeKind::Union { tag, content, variants } => {
                let vs = variants.iter().map(|v| {
                    let t = &v.tag;
                    let p = self.shape_path(v.ty, td.owner);
                    quote!((#t, &#p))
                });
                quote! {
                    #[doc = #doc]
                    #[allow(non_upper_case_globals)]
                    #[doc(hidden)]
                    pub static #sname: #rt::drift::UnionShape = #rt::drift::UnionShape::new(#name_str, #tag, #content, &[#(#vs),*]);
                }
            }
            _ => quote!(),
        }
    }
}
