//! Acknowledged breaking changes: `spec/diff-acks.yaml`.
//!
//! ```yaml
//! acknowledged:
//!   - rule: request-field-added-required
//!     at: openim/sendmsg request.MsgRandom
//!     reason: The server now requires it (doc 269/2282, 2026-03).
//! ```
//!
//! An entry matches the finding with exactly that rule id and location. The file lives in the
//! catalogue so that reviewers see every acknowledgment in the pull request that adds it.

use super::{Finding, Rule};
use crate::diag::{Diagnostic, Diagnostics};
use crate::locate::LineIndex;
use serde::Deserialize;

/// The acknowledgments file, relative to the spec folder.
pub const ACKS_FILE: &str = "diff-acks.yaml";

/// The `reason` of the entries the reports print for unacknowledged breaking findings: to be
/// replaced, and refused as it stands.
pub(crate) const REASON_PLACEHOLDER: &str = "(why this break is acceptable: the official page and date, who is affected)";

/// One acknowledged finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// The rule id.
    pub rule: String,
    /// The finding's location.
    pub at: String,
    /// Why the change is acceptable.
    pub reason: String,
    /// The entry's line in the file (1-based).
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AckFile {
    #[serde(default)]
    acknowledged: Option<Vec<AckEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AckEntry {
    rule: String,
    at: String,
    reason: String,
}

/// Parses an acknowledgments file; `shown` names it in messages. An empty file (or one with only
/// comments) acknowledges nothing. Every problem is reported as `file:line: problem`.
pub fn parse_acks(text: &str, shown: &str) -> Result<Vec<Ack>, Diagnostics> {
    let blank = text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    });
    if blank {
        return Ok(Vec::new());
    }
    let file: AckFile = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = match e.location() {
            Some(l) => (l.line(), Some(l.column())),
            None => (1, None),
        };
        Diagnostics(vec![Diagnostic { file: shown.to_owned(), line, column, message: e.to_string() }])
    })?;
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let mut out: Vec<Ack> = Vec::new();
    for (i, e) in file.acknowledged.unwrap_or_default().into_iter().enumerate() {
        let line = index.line(&format!("acknowledged[{i}]"));
        let mut problem = |message: String| diags.push(Diagnostic { file: shown.to_owned(), line, column: None, message });
        if Rule::from_id(e.rule.trim()).is_none() {
            problem(format!("unknown rule `{}` (see the rule table: CONTRIBUTING.md, \"Reviewing a spec change\")", e.rule));
            continue;
        }
        if e.at.trim().is_empty() {
            problem("`at` is empty: give the finding's location, e.g. `openim/sendmsg request.MsgRandom`".into());
            continue;
        }
        if e.reason.trim().is_empty() || e.reason.trim() == REASON_PLACEHOLDER {
            problem("`reason` is empty: say why this breaking change is acceptable".into());
            continue;
        }
        if let Some(prev) = out.iter().find(|a| a.rule == e.rule.trim() && a.at == e.at.trim()) {
            problem(format!("`{}` at `{}` is already acknowledged on line {}", e.rule.trim(), e.at.trim(), prev.line));
            continue;
        }
        out.push(Ack { rule: e.rule.trim().to_owned(), at: e.at.trim().to_owned(), reason: e.reason.trim().to_owned(), line });
    }
    if diags.is_empty() { Ok(out) } else { Err(Diagnostics(diags)) }
}

/// Marks every finding that an acknowledgment matches; returns the acknowledgments that matched
/// nothing.
pub fn apply_acks(findings: &mut [Finding], acks: &[Ack]) -> Vec<Ack> {
    let mut unused = Vec::new();
    for a in acks {
        let mut hit = false;
        for f in findings.iter_mut().filter(|f| f.rule.id() == a.rule && f.location == a.at) {
            f.acknowledged = Some(a.reason.clone());
            hit = true;
        }
        if !hit {
            unused.push(a.clone());
        }
    }
    unused
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_with_lines() {
        let text = "# comment\nacknowledged:\n  - rule: command-removed\n    at: svc/cmd\n    reason: Gone upstream.\n  - rule: type-removed\n    at: types.Foo\n    reason: >-\n      Unused.\n";
        let acks = parse_acks(text, "spec/diff-acks.yaml").unwrap_or_default();
        assert_eq!(acks.len(), 2);
        assert_eq!((acks[0].rule.as_str(), acks[0].at.as_str(), acks[0].line), ("command-removed", "svc/cmd", 3));
        assert_eq!((acks[1].reason.as_str(), acks[1].line), ("Unused.", 6));
    }

    #[test]
    fn empty_files_acknowledge_nothing() {
        assert_eq!(parse_acks("", "x"), Ok(Vec::new()));
        assert_eq!(parse_acks("# nothing yet\n", "x"), Ok(Vec::new()));
        assert_eq!(parse_acks("acknowledged: []\n", "x"), Ok(Vec::new()));
        assert_eq!(parse_acks("acknowledged:\n", "x"), Ok(Vec::new()));
    }

    fn problems(text: &str) -> Vec<String> {
        match parse_acks(text, "spec/diff-acks.yaml") {
            Ok(_) => Vec::new(),
            Err(d) => d.0.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn malformed_files_name_the_line() {
        let p = problems("acknowledged:\n  - rule: command-removed\n    at: svc/cmd\n");
        assert!(p.iter().any(|x| x.starts_with("spec/diff-acks.yaml:2:") && x.contains("missing field `reason`")), "{p:?}");
        let p = problems("acknowledged:\n  - rule: command-removed\n    at: svc/cmd\n    reason: x\n    colour: red\n");
        assert!(p.iter().any(|x| x.starts_with("spec/diff-acks.yaml:5:") && x.contains("unknown field `colour`")), "{p:?}");
        let p = problems("acknowledged:\n  - rule: x\n    at: svc/cmd\n    reason: y\n  - rule: no-such-rule\n    at: a\n    reason: b\n");
        assert!(p.iter().any(|x| x.starts_with("spec/diff-acks.yaml:2:") && x.contains("unknown rule `x`")), "{p:?}");
        assert!(p.iter().any(|x| x.starts_with("spec/diff-acks.yaml:5:") && x.contains("unknown rule `no-such-rule`")), "{p:?}");
        let p = problems("acknowledged:\n  - rule: command-removed\n    at: svc/cmd\n    reason: \"  \"\n");
        assert!(p.iter().any(|x| x.starts_with("spec/diff-acks.yaml:2:") && x.contains("`reason` is empty")), "{p:?}");
        let twice =
            "acknowledged:\n  - { rule: command-removed, at: svc/cmd, reason: a }\n  - { rule: command-removed, at: svc/cmd, reason: b }\n";
        let p = problems(twice);
        assert!(p.iter().any(|x| x.starts_with("spec/diff-acks.yaml:3:") && x.contains("already acknowledged on line 2")), "{p:?}");
        let p = problems("acknowledged: [\n");
        assert!(p.iter().any(|x| x.starts_with("spec/diff-acks.yaml:")), "{p:?}");
    }
}
