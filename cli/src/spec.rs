//! `tim spec`: the catalogue from the terminal. Names, titles, links, examples, limits, rates and paging
//! come from the run-time registry (`tim_rest::registry`); field types, required flags and descriptions
//! from the catalogue table embedded at build time (`build.rs`), which the registry does not carry.

use crate::catalogue::{Table, Ty, TypeRow};
use crate::{Failure, Outcome, names, output};
use clap::Subcommand;
use std::collections::HashSet;
use std::fmt::Write as _;
use tim_rest::registry::{CommandInfo, CursorHow, EndInfo};

/// `tim spec` subcommands.
#[derive(Debug, Subcommand)]
pub enum SpecCommand {
    /// List the commands (path, English and Chinese titles), service by service.
    List {
        /// Only this service (wire servicename, e.g. `openim`).
        #[arg(long, short)]
        service: Option<String>,
    },
    /// Show one command: titles, documentation links, rules, request and reply fields.
    Show {
        /// `servicename/command` (wire or Rust names).
        command: String,
    },
    /// Find commands whose English or Chinese title, wire or Rust names contain every word.
    Search {
        /// Words (case does not matter).
        #[arg(required = true)]
        words: Vec<String>,
    },
    /// Print the catalogue as an OpenAPI 3.1 document (the same as `generated/openapi.json`).
    Openapi,
}

/// The catalogue as OpenAPI 3.1, as `cargo xtask gen` wrote it (kept fresh by `cargo xtask gen --check`).
const OPENAPI: &str = include_str!("../../generated/openapi.json");

fn table() -> Result<&'static Table, Failure> {
    crate::catalogue::table().ok_or_else(|| Failure::failed("the embedded catalogue table is unreadable (a build problem)"))
}

/// Runs `tim spec`.
pub fn run(cmd: SpecCommand) -> Outcome {
    match cmd {
        SpecCommand::List { service } => list(service.as_deref()),
        SpecCommand::Show { command } => {
            let info = names::command(&command)?;
            output::write(show(info, table()?).as_bytes())
        }
        SpecCommand::Search { words } => search(&words),
        SpecCommand::Openapi => output::write(OPENAPI.as_bytes()),
    }
}

fn list(service: Option<&str>) -> Outcome {
    let t = table()?;
    let all: Vec<&'static CommandInfo> = tim_rest::registry::commands().collect();
    if let Some(s) = service
        && !all.iter().any(|c| c.service == s || c.module == s)
    {
        let services: Vec<&str> = t.services.iter().map(|s| s.wire.as_str()).collect();
        let close = names::closest(s, services.iter().copied());
        return Err(Failure::input(format!("unknown service `{s}`; the closest: {}", close.join(", "))));
    }
    for svc in &t.services {
        if service.is_some_and(|s| s != svc.wire && s != svc.module) {
            continue;
        }
        let cmds: Vec<&&CommandInfo> = all.iter().filter(|c| c.service == svc.wire).collect();
        if cmds.is_empty() {
            continue;
        }
        outln!("{} — {} ({})", svc.wire, svc.en, svc.zh)?;
        let width = cmds.iter().map(|c| c.path.len()).max().unwrap_or(0);
        for c in cmds {
            outln!("  {:width$}  {} ({})", c.path, c.title_en, c.title_zh)?;
        }
    }
    Ok(())
}

fn search(words: &[String]) -> Outcome {
    let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let hits: Vec<&'static CommandInfo> = tim_rest::registry::commands()
        .filter(|c| {
            let hay =
                format!("{} {} {} {}/{} {} {}", c.path, c.title_en, c.title_zh, c.module, c.function, c.request_type, c.response_type)
                    .to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect();
    if hits.is_empty() {
        return Err(Failure::failed(format!("no command matches `{}`", words.join(" "))));
    }
    let width = hits.iter().map(|c| c.path.len()).max().unwrap_or(0);
    for c in hits {
        outln!("{:width$}  {} ({})", c.path, c.title_en, c.title_zh)?;
    }
    Ok(())
}

/// The text of `tim spec show`.
pub fn show(info: &CommandInfo, t: &Table) -> String {
    let mut out = String::new();
    let row = t.commands.get(info.path);
    let _ = writeln!(out, "{}", info.path);
    let _ = writeln!(out, "  {}", info.title_en);
    let _ = writeln!(out, "  {}", info.title_zh);
    if let Some(d) = row.and_then(|r| r.description.as_deref()) {
        let _ = writeln!(out, "  {}", d.trim());
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "  doc (zh):  {}", info.doc);
    if let Some(en) = info.doc_en {
        let _ = writeln!(out, "  doc (en):  {en}");
    }
    let _ = writeln!(out, "  Rust:      client.{}().{}(&{}) -> {}", info.module, info.function, info.request_type, info.response_type);
    let _ = writeln!(out, "  retry:     {}", row.map_or_else(|| format!("{:?}", info.retry), |r| r.retry.clone()));
    for r in info.rates {
        let per = match r.per_secs {
            1 => "second".to_owned(),
            60 => "minute".to_owned(),
            3600 => "hour".to_owned(),
            86400 => "day".to_owned(),
            s => format!("{s} s"),
        };
        let counts = r.counts.map(|c| format!(", each item of {c} counts")).unwrap_or_default();
        let scope = r.scope.map(|s| format!(", per {s}")).unwrap_or_default();
        let _ = writeln!(out, "  rate:      {} per {per}{counts}{scope} (over it: {})", r.limit, r.code);
    }
    for l in info.limits {
        let code = l.code.map(|c| format!(" (error {c})")).unwrap_or_default();
        let _ = writeln!(out, "  limit:     {}: {}{code}", l.field, l.limit);
    }
    if let Some(p) = info.paging {
        let mut s = String::new();
        if let Some(items) = p.items {
            let _ = write!(s, "items in {items}");
        }
        if let Some(size) = p.size {
            let _ = write!(s, ", page size {size}");
        }
        for c in p.next {
            let how = match c.how {
                CursorHow::AddItems { unless: Some(u) } => format!("+= items (unless {u})"),
                CursorHow::AddItems { unless: None } => "+= items".to_owned(),
                CursorHow::From(f) => format!("= reply {f}"),
                CursorHow::MinOf { field, minus } => format!("= min item {field} - {minus}"),
                _ => "(rule)".to_owned(),
            };
            let _ = write!(s, "; next {} {how}", c.field);
        }
        let ends: Vec<String> = p
            .end
            .iter()
            .map(|e| match *e {
                EndInfo::NoItems => "no items".to_owned(),
                EndInfo::Str { field, value, negated } => format!("{field} {} \"{value}\"", if negated { "!=" } else { "==" }),
                EndInfo::Int { field, value, negated } => format!("{field} {} {value}", if negated { "!=" } else { "==" }),
                EndInfo::NextStr { field, value } => format!("next {field} == \"{value}\""),
                EndInfo::NextInt { field, value } => format!("next {field} == {value}"),
                EndInfo::Reached { total, by } => format!("next {by} >= {total}"),
                _ => "(rule)".to_owned(),
            })
            .collect();
        let _ = writeln!(out, "  paging:    {s}; last page when {} (tim call ... --all)", ends.join(" or "));
    }
    if !info.batch.is_empty() {
        let _ = writeln!(
            out,
            "  batched:   {} (split into requests of the documented size by {}_batched)",
            info.batch.join(", "),
            info.function
        );
    }
    let n = info.examples.iter().filter(|e| e.request.is_some()).count();
    if n > 0 {
        let _ = writeln!(out, "  examples:  {n} request example(s): tim call {} --example N", info.path);
    }
    match row {
        Some(row) => {
            let _ = writeln!(out, "\nRequest ({}):", info.request_type);
            fields(&mut out, t, row.request, 1, &mut HashSet::new(), true);
            let _ = writeln!(out, "\nReply ({}; the envelope ActionStatus/ErrorCode/ErrorInfo aside):", info.response_type);
            fields(&mut out, t, row.response, 1, &mut HashSet::new(), false);
        }
        None => {
            let _ = writeln!(out, "\nRequest keys: {}", info.request_keys.join(", "));
        }
    }
    out
}

/// The object type a field's type leads to, through arrays and maps.
fn object_of(t: &Table, ty: &Ty) -> Option<usize> {
    match ty {
        Ty::Ref { id } => matches!(t.ty(*id), Some(TypeRow::Object { .. })).then_some(*id),
        Ty::Array { array } => object_of(t, array),
        Ty::Map { map } => object_of(t, map),
        Ty::Scalar(_) => None,
    }
}

fn enum_of(t: &Table, ty: &Ty) -> Option<usize> {
    match ty {
        Ty::Ref { id } => matches!(t.ty(*id), Some(TypeRow::Enum { .. } | TypeRow::Union { .. })).then_some(*id),
        Ty::Array { array } => enum_of(t, array),
        Ty::Map { map } => enum_of(t, map),
        Ty::Scalar(_) => None,
    }
}

/// Lists the fields of object `id`, nested objects indented under their field (each named type is
/// expanded once per section; deeper than four levels only its name is given).
fn fields(out: &mut String, t: &Table, id: usize, depth: usize, seen: &mut HashSet<usize>, request: bool) {
    let list = t.fields(id);
    if list.is_empty() {
        let _ = writeln!(out, "{}(no fields)", "  ".repeat(depth));
        return;
    }
    let indent = "  ".repeat(depth);
    let width = list.iter().map(|f| f.key.len()).max().unwrap_or(0);
    for f in list {
        let flag = match (&f.auto, f.optional) {
            (Some(_), _) if request => "auto",
            (_, true) => "optional",
            (_, false) => "required",
        };
        let mut doc = f.doc.clone().unwrap_or_default().replace('\n', " ");
        if f.auto.is_some() && request {
            doc.push_str(" (filled in by the SDK and by `tim call` when absent)");
        }
        let _ = writeln!(out, "{indent}{:width$}  {:8}  {}  {}", f.key, flag, t.spell(&f.ty), doc.trim());
        if let Some(e) = enum_of(t, &f.ty) {
            match t.ty(e) {
                Some(TypeRow::Enum { values, .. }) => {
                    let vals: Vec<String> = values
                        .iter()
                        .map(|v| match &v.doc {
                            Some(d) => format!("{} ({})", v.wire, d.trim()),
                            None => v.wire.clone(),
                        })
                        .collect();
                    let _ = writeln!(out, "{indent}  values: {}", vals.join("; "));
                }
                Some(TypeRow::Union { tag, content, variants, .. }) => {
                    let tags: Vec<&str> = variants.iter().map(|v| v.tag.as_str()).collect();
                    let _ = writeln!(out, "{indent}  {tag}: {} (content under {content})", tags.join(", "));
                }
                _ => {}
            }
        }
        if let Some(obj) = object_of(t, &f.ty) {
            if depth >= 4 || !seen.insert(obj) {
                continue;
            }
            fields(out, t, obj, depth + 1, seen, request);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_gives_titles_links_and_typed_fields() {
        let t = table().expect("table");
        let text = show(names::command("openim/sendmsg").expect("catalogued"), t);
        assert!(text.contains("单发单聊消息") && text.contains("Send one-to-one message"), "{text}");
        assert!(text.contains("https://cloud.tencent.com/document/product/269/2282"), "{text}");
        assert!(text.lines().any(|l| l.contains("To_Account") && l.contains("required") && l.contains("string")), "{text}");
        assert!(text.lines().any(|l| l.contains("MsgRandom") && l.contains("auto")), "{text}");
        assert!(text.contains("limit:     MsgSeq"), "{text}");
    }
}
