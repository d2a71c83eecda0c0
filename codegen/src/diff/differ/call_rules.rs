//! The rules around a command: its paging rule, its limits (and the lists its batched call splits) and
//! its documented rates, each compared by what the SDK does with it.

use super::{Differ, Loc};
use crate::diff::{Rule, Verdict};
use crate::model::*;
use std::collections::BTreeMap;

/// A paging rule spelled with wire keys, and its items list.
fn paging_desc(cat: &Catalogue, c: &Command, p: &Paging) -> (String, Option<String>) {
    let req = cat.fields(c.request);
    let resp = cat.fields(c.response);
    let items = p.items.map(|i| resp[i].wire.clone());
    let item_type = p.items.map(|i| format!("{:?}", resp[i].ty));
    const WORDS: PagingWords = PagingWords {
        add_items: |f, unless| format!("{f} += items{}", unless.map(|u| format!(" unless {u}")).unwrap_or_default()),
        from: |f, s| format!("{f} = {s}"),
        min_of: |f, item, minus| format!("{f} = min({item}) - {minus}"),
        no_items: "no items",
        field_is: |f, value, negated| format!("{f} {} {value}", if negated { "!=" } else { "==" }),
        next_is: |f, value| format!("next {f} == {value}"),
        reached: |by, total| format!("{by} >= {total}"),
    };
    let (next, end) = cat.paging_words(c, p, &WORDS);
    let size = p.size.map(|i| req[i].wire.clone()).unwrap_or_else(|| "-".into());
    (
        format!("items {}, size {size}, next [{}], end [{}]", items.as_deref().unwrap_or("-"), next.join(", "), end.join(" | ")),
        items.map(|i| format!("{i}: {}", item_type.unwrap_or_default())),
    )
}

/// A limit's bound: (at least, at most).
type Bound = (Option<i64>, Option<i64>);

/// The limits of a command by (field path, kind): the bound.
fn limits(c: &Command) -> BTreeMap<(String, &'static str), Bound> {
    c.limits
        .iter()
        .map(|l| {
            let (kind, bound) = match l.rule {
                LimitRule::MaxItems(n) => ("max_items", (None, i64::try_from(n).ok())),
                LimitRule::MaxBytes(n) => ("max_bytes", (None, i64::try_from(n).ok())),
                LimitRule::Range { min, max } => ("range", (min, max)),
            };
            ((l.wire.clone(), kind), bound)
        })
        .collect()
}

fn bound_text(b: (Option<i64>, Option<i64>)) -> String {
    match b {
        (None, Some(x)) => x.to_string(),
        (Some(a), Some(b)) => format!("{a}..={b}"),
        (Some(a), None) => format!(">= {a}"),
        (None, None) => "any".into(),
    }
}

/// The rates of a command by (counted list, scope): (limit, period in seconds, code).
fn rates(cat: &Catalogue, c: &Command) -> BTreeMap<(String, String), (u64, u64, i64)> {
    let req = cat.fields(c.request);
    c.rates
        .iter()
        .map(|r| {
            let counts = r.counts.map(|i| req[i].wire.clone()).unwrap_or_else(|| "calls".into());
            let scope = r.scope.map(|i| req[i].wire.clone()).unwrap_or_default();
            ((counts, scope), (r.limit, r.per.seconds(), r.code))
        })
        .collect()
}

impl Differ<'_> {
    /// Paging, limits, batch lists and rates of a command that exists on both sides.
    pub(super) fn call_rules(&mut self, oc: &Command, nc: &Command, loc: &Loc) {
        let (old, new) = (self.old, self.new);
        if oc.partial != nc.partial {
            let (rust, detail) = if nc.partial {
                (Verdict::Compatible, "the reply is now partly typed: every other key is kept in `other`")
            } else {
                (Verdict::Breaking, "the reply is now typed whole: the `other` map is gone")
            };
            self.push(Rule::ReplyPartialChanged, &loc.join(" ", "reply"), Verdict::Compatible, rust, detail.to_owned());
        }
        let ploc = loc.join(" ", "paging");
        match (&oc.paging, &nc.paging) {
            (None, Some(p)) => {
                let (d, _) = paging_desc(new, nc, p);
                self.push(Rule::PagingAdded, &ploc, Verdict::Compatible, Verdict::Compatible, d);
            }
            (Some(p), None) => {
                let (d, _) = paging_desc(old, oc, p);
                self.push(Rule::PagingRemoved, &ploc, Verdict::Compatible, Verdict::Breaking, d);
            }
            (Some(a), Some(b)) => {
                let ((da, ia), (db, ib)) = (paging_desc(old, oc, a), paging_desc(new, nc, b));
                if da != db {
                    let rust = if ia != ib { Verdict::Breaking } else { Verdict::Compatible };
                    self.push(Rule::PagingChanged, &ploc, Verdict::Risky, rust, format!("{da} → {db}"));
                }
            }
            (None, None) => {}
        }
        let (ol, nl) = (limits(oc), limits(nc));
        for (key, b) in &nl {
            let lloc = loc.join(" ", &format!("limits.{}", key.0));
            match ol.get(key) {
                None => {
                    self.push(Rule::LimitAdded, &lloc, Verdict::Compatible, Verdict::Compatible, format!("{} {}", key.1, bound_text(*b)))
                }
                Some(a) if a != b => {
                    let tighter = b.0.unwrap_or(i64::MIN) > a.0.unwrap_or(i64::MIN) || b.1.unwrap_or(i64::MAX) < a.1.unwrap_or(i64::MAX);
                    let wire = if tighter { Verdict::Risky } else { Verdict::Compatible };
                    self.push(
                        Rule::LimitChanged,
                        &lloc,
                        wire,
                        Verdict::Compatible,
                        format!(
                            "{} {} → {}{}",
                            key.1,
                            bound_text(*a),
                            bound_text(*b),
                            if tighter { " (tightened)" } else { " (loosened)" }
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        for (key, a) in &ol {
            if !nl.contains_key(key) {
                let lloc = loc.join(" ", &format!("limits.{}", key.0));
                self.push(Rule::LimitRemoved, &lloc, Verdict::Compatible, Verdict::Compatible, format!("{} {}", key.1, bound_text(*a)));
            }
        }
        let batch_lists =
            |cat: &Catalogue, c: &Command| -> Vec<String> { c.batch.iter().map(|b| cat.fields(c.request)[b.list].wire.clone()).collect() };
        let (ob, nb) = (batch_lists(old, oc), batch_lists(new, nc));
        let bloc = loc.join(" ", "batch");
        for l in nb.iter().filter(|l| !ob.contains(l)) {
            self.push(Rule::BatchAdded, &bloc, Verdict::Compatible, Verdict::Compatible, format!("`{l}`"));
        }
        for l in ob.iter().filter(|l| !nb.contains(l)) {
            let rust = if nb.is_empty() { Verdict::Breaking } else { Verdict::Compatible };
            self.push(Rule::BatchRemoved, &bloc, Verdict::Compatible, rust, format!("`{l}`"));
        }
        let (or, nr) = (rates(old, oc), rates(new, nc));
        let rloc = loc.join(" ", "rate");
        let text = |k: &(String, String), v: &(u64, u64, i64)| {
            let scope = if k.1.is_empty() { String::new() } else { format!(" per {}", k.1) };
            format!("{} {} per {} s{scope} (code {})", v.0, k.0, v.1, v.2)
        };
        for (k, v) in &nr {
            match or.get(k) {
                None => self.push(Rule::RateAdded, &rloc, Verdict::Compatible, Verdict::Compatible, text(k, v)),
                Some(a) if a != v => {
                    let lowered = (v.0 as f64 / v.1 as f64) < (a.0 as f64 / a.1 as f64);
                    let wire = if lowered { Verdict::Risky } else { Verdict::Compatible };
                    self.push(Rule::RateChanged, &rloc, wire, Verdict::Compatible, format!("{} → {}", text(k, a), text(k, v)));
                }
                Some(_) => {}
            }
        }
        for (k, v) in &or {
            if !nr.contains_key(k) {
                self.push(Rule::RateRemoved, &rloc, Verdict::Compatible, Verdict::Compatible, text(k, v));
            }
        }
    }
}
