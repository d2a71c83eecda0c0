//! The three output formats of a [`Report`]: text for the terminal, Markdown for a pull request,
//! JSON for tools. All three are deterministic: they follow the order of the findings.

use super::{Finding, Report, Verdict};
use serde::Serialize;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per finding, then a summary.
    Text,
    /// A summary table, then one table per `servicename/command`.
    Markdown,
    /// An array of findings.
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!("--format `{other}`: expected `text`, `markdown` or `json`")),
        }
    }
}

fn marker(f: &Finding) -> &'static str {
    if f.is_breaking() { if f.acknowledged.is_some() { "acknowledged" } else { "BREAKING" } } else { f.worst().as_str() }
}

/// `N findings: B breaking (A acknowledged), R risky, C compatible`.
fn summary(r: &Report) -> String {
    let n = r.findings.len();
    let breaking = r.findings.iter().filter(|f| f.is_breaking()).count();
    let acked = r.findings.iter().filter(|f| f.is_breaking() && f.acknowledged.is_some()).count();
    let risky = r.findings.iter().filter(|f| !f.is_breaking() && f.worst() == Verdict::Risky).count();
    let compatible = n - breaking - risky;
    let ack = match (breaking, acked) {
        (0, _) => String::new(),
        (_, 0) => " (none acknowledged)".to_owned(),
        (b, a) if a == b => " (all acknowledged)".to_owned(),
        (b, a) => format!(" ({a} acknowledged, {} not)", b - a),
    };
    format!("{n} finding(s): {breaking} breaking{ack}, {risky} risky, {compatible} compatible")
}

/// The one-line footer of the text report when acknowledgments match nothing (`--leftovers` lists them).
fn unused_note(r: &Report) -> Option<String> {
    if r.unused_acks.is_empty() {
        return None;
    }
    let file = r.acks_file.as_deref().unwrap_or(super::ACKS_FILE);
    Some(format!(
        "{} acknowledgment(s) in {file} match no finding of this diff (`cargo xtask diff --leftovers` lists them)",
        r.unused_acks.len()
    ))
}

/// The acknowledgments that match no finding, one `file:line: ...` line each (empty when none).
pub(super) fn leftovers(r: &Report) -> String {
    let file = r.acks_file.as_deref().unwrap_or(super::ACKS_FILE);
    r.unused_acks
        .iter()
        .map(|a| {
            format!("{file}:{}: `{}` at `{}` matches no finding of this diff (left over from an earlier change?)\n", a.line, a.rule, a.at)
        })
        .collect()
}

/// A scalar as YAML that every parser reads back as the same text: plain when it is safe, else
/// double-quoted (JSON's quoting is valid YAML).
fn yaml_scalar(s: &str) -> String {
    let plain =
        serde_yaml::from_str::<String>(s).is_ok_and(|back| back == s) && crate::portable::check("", &format!("k: {s}\n")).is_empty();
    if plain { s.to_owned() } else { serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}")) }
}

/// The entries to paste into the acknowledgments file for the unacknowledged breaking findings, as
/// YAML list items (indented to sit under `acknowledged:`), or `None` when there are none.
fn ack_entries(r: &Report) -> Option<String> {
    let todo: Vec<&Finding> = r.findings.iter().filter(|f| f.needs_ack()).collect();
    if todo.is_empty() {
        return None;
    }
    let mut s = String::new();
    for f in todo {
        s.push_str(&format!(
            "  - rule: {}\n    at: {}\n    reason: >-\n      {}\n",
            f.rule.id(),
            yaml_scalar(&f.location),
            super::acks::REASON_PLACEHOLDER
        ));
    }
    Some(s)
}

/// One line per finding: marker, rule, location, detail, verdicts, then a summary line.
pub(super) fn text(r: &Report) -> String {
    let mut s = format!("spec diff {} -> {}\n", r.base, r.head);
    if r.findings.is_empty() {
        s.push_str("no changes to the catalogue\n");
        return s;
    }
    let rule_w = r.findings.iter().map(|f| f.rule.id().len()).max().unwrap_or(0);
    for f in &r.findings {
        s.push_str(&format!("{:<12} {:<rule_w$} {}: {} (wire {}, Rust {})", marker(f), f.rule.id(), f.location, f.detail, f.wire, f.rust));
        if let Some(reason) = &f.acknowledged {
            s.push_str(&format!(" [acknowledged: {reason}]"));
        }
        s.push('\n');
    }
    s.push_str(&summary(r));
    s.push('\n');
    if let Some(entries) = ack_entries(r) {
        let file = r.acks_file.as_deref().unwrap_or(super::ACKS_FILE);
        s.push_str(&format!(
            "\nTo accept the breaking finding(s), add under `acknowledged:` in {file}, with the reason written:\n\n{entries}\n"
        ));
    }
    if let Some(n) = unused_note(r) {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}

/// Escapes a table cell: `|` and line breaks would end it.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn verdict_cell(v: Verdict) -> String {
    match v {
        Verdict::Breaking => "**breaking**".into(),
        other => other.as_str().into(),
    }
}

fn heading(group: &str) -> String {
    match group {
        "types" => "Shared types".into(),
        "errors" => "Error codes".into(),
        g => format!("`{g}`"),
    }
}

/// A summary, then one section per group (`servicename/command`, `servicename`, shared types,
/// error codes) with a table of its findings; breaking rows are marked ❌ (✅ once acknowledged).
pub(super) fn markdown(r: &Report) -> String {
    let mut s = format!("### Spec diff: `{}` → `{}`\n\n", cell(&r.base), cell(&r.head));
    if r.findings.is_empty() {
        s.push_str("No changes to the catalogue.\n");
        return s;
    }
    s.push_str(&format!("**{}.**\n\n", summary(r)));
    s.push_str("| verdict | wire | Rust |\n|---|---:|---:|\n");
    for v in [Verdict::Breaking, Verdict::Risky, Verdict::Compatible] {
        let w = r.findings.iter().filter(|f| f.wire == v).count();
        let ru = r.findings.iter().filter(|f| f.rust == v).count();
        s.push_str(&format!("| {} | {w} | {ru} |\n", v.as_str()));
    }
    let mut groups: Vec<String> = Vec::new();
    for f in &r.findings {
        let g = f.group();
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    for g in groups {
        s.push_str(&format!("\n#### {}\n\n", heading(&g)));
        s.push_str("| | rule | location | wire | Rust | detail |\n|---|---|---|---|---|---|\n");
        for f in r.findings.iter().filter(|f| f.group() == g) {
            let mark = match (f.is_breaking(), f.acknowledged.is_some(), f.worst()) {
                (true, false, _) => "❌",
                (true, true, _) => "✅",
                (false, _, Verdict::Risky) => "⚠️",
                _ => "",
            };
            let mut detail = cell(&f.detail);
            if let Some(reason) = &f.acknowledged {
                detail.push_str(&format!("<br>**Acknowledged:** {}", cell(reason)));
            }
            s.push_str(&format!(
                "| {mark} | `{}` | `{}` | {} | {} | {detail} |\n",
                f.rule.id(),
                cell(&f.location),
                verdict_cell(f.wire),
                verdict_cell(f.rust)
            ));
        }
    }
    if let Some(entries) = ack_entries(r) {
        s.push_str(&format!(
            "\n{} breaking finding(s) need an entry in `spec/{}` before this can merge; under `acknowledged:`, with the reason written:\n\n```yaml\n{entries}```\n",
            r.unacknowledged_breaking(),
            super::ACKS_FILE
        ));
    }
    s
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    location: &'a str,
    service: Option<&'a str>,
    command: Option<&'a str>,
    wire: &'a str,
    rust: &'a str,
    detail: &'a str,
    acknowledged: bool,
    reason: Option<&'a str>,
}

/// An array of findings: `rule`, `location`, `service`, `command` (null outside one), `wire` and
/// `rust` (`compatible`, `risky` or `breaking`), `detail`, `acknowledged` and its `reason`.
pub(super) fn json(r: &Report) -> String {
    let items: Vec<JsonFinding<'_>> = r
        .findings
        .iter()
        .map(|f| JsonFinding {
            rule: f.rule.id(),
            location: &f.location,
            service: f.service.as_deref(),
            command: f.command.as_deref(),
            wire: f.wire.as_str(),
            rust: f.rust.as_str(),
            detail: &f.detail,
            acknowledged: f.acknowledged.is_some(),
            reason: f.acknowledged.as_deref(),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
