//! `api/error_codes.rs`: a constant per documented error code and the table of their meanings and
//! retry classes.

use super::{Emitter, escape_md, format_file, header};
use proc_macro2::Literal;
use quote::{format_ident, quote};

impl Emitter<'_> {
    /// `api/error_codes.rs`.
    pub fn error_codes(&self) -> Result<String, String> {
        let rt = self.runtime_path();
        let consts = self.cat.errors.iter().map(|e| {
            let n = format_ident!("{}", e.constant);
            let code = Literal::i64_unsuffixed(e.code);
            let d = format!("{}: {} ({})", e.code, escape_md(e.en.trim()), escape_md(e.zh.trim()));
            quote!(#[doc = #d] pub const #n: i64 = #code;)
        });
        let rows = self.cat.errors.iter().map(|e| {
            let code = Literal::i64_unsuffixed(e.code);
            let name = &e.constant;
            let family = &e.family;
            let class = format_ident!("{}", e.class.variant());
            let zh = &e.zh;
            let en = &e.en;
            quote!(#rt::ErrorCodeInfo { code: #code, name: #name, family: #family, class: #rt::ErrorClass::#class, zh: #zh, en: #en })
        });
        let tokens = quote! {
            //! The error-code table (`spec/errors.yaml`): named constants for matching, and each code's
            //! meaning and retry class.
            #(#consts)*

            /// Every documented code, in ascending order (binary-searchable).
            pub static TABLE: &[#rt::ErrorCodeInfo] = &[#(#rows),*];

            /// The documented meaning and class of `code`, if the table has it.
            pub fn lookup(code: i64) -> Option<&'static #rt::ErrorCodeInfo> {
                TABLE.binary_search_by_key(&code, |e| e.code).ok().map(|i| &TABLE[i])
            }
        };
        Ok(format!("{}{}", header("spec/errors.yaml"), format_file(tokens)?))
    }
}
