//! The error-code table (`errors.yaml`): codes ascending, names unique snake_case, classes known.

use super::Builder;
use crate::model::*;
use crate::names;
use crate::spec;
use std::collections::BTreeSet;

impl Builder {
    /// Reads the error table.
    pub(super) fn errors(&mut self, file: usize, f: &spec::ErrorsFile) {
        let mut seen_names = BTreeSet::new();
        let mut last: Option<i64> = None;
        for (code_text, e) in f.codes.iter() {
            let path = format!("codes.{code_text}");
            let Ok(code) = code_text.parse::<i64>() else {
                self.err(file, &path, format!("error code `{code_text}` is not an integer"));
                continue;
            };
            if let Some(prev) = last
                && code <= prev
            {
                self.err(file, &path, format!("error codes must be in ascending order: {code} after {prev}"));
            }
            last = Some(code);
            if !names::is_snake_ident(&e.name) {
                self.err(file, &path, format!("error name `{}` must be snake_case ASCII starting with a letter", e.name));
                continue;
            }
            if !seen_names.insert(e.name.clone()) {
                self.err(file, &path, format!("error name `{}` is used twice", e.name));
            }
            let Some(class) = ErrorClass::parse(&e.class) else {
                self.err(file, &path, format!("class `{}`: expected retry, transient, resign or permanent", e.class));
                continue;
            };
            self.errors.push(ErrorCode {
                code,
                constant: e.name.to_ascii_uppercase(),
                family: e.family.clone(),
                class,
                zh: e.zh.clone(),
                en: e.en.clone(),
            });
        }
    }
}
