//! What commands and callbacks share, compared once: titles, doc links, description and the official
//! examples.

use super::{Differ, Loc};
use crate::diff::{Rule, Verdict};
use crate::model::{Example, Operation};

/// What identifies an example's text: title, note, legacy flag and the two bodies.
type ExampleKey<'a> = (Option<&'a str>, Option<&'a str>, bool, Option<&'a str>, Option<&'a str>);

fn example_key(e: &Example) -> ExampleKey<'_> {
    (
        e.title.as_deref(),
        e.note.as_deref(),
        e.legacy,
        e.request.as_ref().map(|(t, _)| t.as_str()),
        e.response.as_ref().map(|(t, _)| t.as_str()),
    )
}

impl Differ<'_> {
    /// The docs and examples of one command or callback.
    pub(super) fn operation(&mut self, o: &Operation, n: &Operation, loc: &Loc) {
        self.doc_change(loc, "title.en", Some(&o.title.en), Some(&n.title.en));
        self.doc_change(loc, "title.zh", Some(&o.title.zh), Some(&n.title.zh));
        self.doc_change(loc, "doc", Some(&o.doc), Some(&n.doc));
        self.doc_change(loc, "doc_en", o.doc_en.as_deref(), n.doc_en.as_deref());
        self.doc_change(loc, "description", o.description.as_deref(), n.description.as_deref());
        let oe: Vec<ExampleKey<'_>> = o.examples.iter().map(example_key).collect();
        let ne: Vec<ExampleKey<'_>> = n.examples.iter().map(example_key).collect();
        if oe != ne {
            let changed: Vec<String> = (0..oe.len().min(ne.len())).filter(|i| oe[*i] != ne[*i]).map(|i| format!("#{}", i + 1)).collect();
            let mut parts = Vec::new();
            if oe.len() != ne.len() {
                parts.push(format!("{} example(s) → {}", oe.len(), ne.len()));
            }
            if !changed.is_empty() {
                parts.push(format!("changed: {}", changed.join(", ")));
            }
            self.push(Rule::ExampleChanged, loc, Verdict::Compatible, Verdict::Compatible, parts.join("; "));
        }
    }
}
