//! Spec diff: what a catalogue change does on the wire and to Rust users.
//!
//! [`diff`] compares two validated catalogues ([`Catalogue`]) and returns every change as a
//! [`Finding`] with a stable [`Rule`] id, a location string and two verdicts:
//!
//! - **wire**: does a client built from the old spec still work against the server described by the
//!   new one? Direction matters: a new required request field breaks (old clients do not send it), a
//!   new response field does not (responses are decoded leniently).
//! - **Rust**: does user code written against the old generated crate still compile and mean the
//!   same? The answer comes from what the generator emits: requests and responses are
//!   `#[non_exhaustive]` structs with public fields, built with `new(required...)` plus setters; enums
//!   and unions are open and `#[non_exhaustive]`; every function, module and type has a name chosen
//!   from the spec.
//!
//! Each verdict is a [`Verdict`]: `compatible`, `risky` (works, but behaves differently: the runtime
//! retries differently, a value may read as absent) or `breaking`. [`Report`] renders findings as
//! text, Markdown or JSON; [`run`] is what `cargo xtask diff` calls: it loads two revisions or folders
//! ([`SpecSource`]), diffs them and applies the acknowledgments of `spec/diff-acks.yaml` ([`Ack`]).
//!
//! # Matching
//!
//! Services are matched by wire servicename, commands by wire command, error codes by code, named
//! types by name (service-local types within their service), fields by wire key within the object
//! they belong to: the request root, the response root, a named type, or an inline object (reached
//! through the field that holds it). Enum values are matched by wire value, union variants by tag,
//! `oneof` alternatives by name.
//!
//! A removed field and an added field of the same object are reported as one `field-renamed` finding
//! when both have the same wire shape and the same optionality, and either their keys are equal
//! ignoring ASCII case, `_` and `-` (`From_Account` -> `FromAccount`) or both have the same non-empty
//! `doc` (a typo fixed in the key). Each removed field pairs with at most one added field, in file
//! order.
//!
//! # Direction
//!
//! A type reachable from a request root is sent; one reachable from a response root is read; shared
//! types are often both (message elements). Field rules are named by direction
//! (`request-field-...`, `response-field-...`) and reported once per direction in which the object is
//! used (in either catalogue), so adding a required field to a type used both ways gives a
//! `request-field-added-required` and a `response-field-added` finding at the same location. Other
//! rules report one finding whose wire verdict is the worst over the directions in use. A type that
//! no command uses has no wire effect.
//!
//! # Locations
//!
//! `openim` (a service), `openim/sendmsg` (a command), `openim/sendmsg request.MsgBody` (a request
//! field; inline objects add `.Key` per level), `openim/sendmsg response.MsgTime`,
//! `group_open_http_svc types.Role.Owner` (a service-local type, its field, value or variant),
//! `types.MsgElement.TIMTextElem` (a shared type), `errors.70001` (an error code). A rename is located
//! at the old key. Acknowledgments match the rule id and the location exactly.
//!
//! # Rules
//!
//! The table below is generated from [`Rule::ALL`] (a test keeps it and the copy in CONTRIBUTING.md in sync).
//! "Breaking" in the Rust column follows from the generated code: a public item, field or variant
//! disappears or changes its type, or `new(...)` changes its parameters.
//!
#![doc = include_str!("RULES.md")]

mod acks;
mod differ;
mod render;
mod rules;
mod source;

pub use acks::{ACKS_FILE, Ack, apply_acks, parse_acks};
pub use render::Format;
pub use rules::{Rule, rules_table};
pub use source::{LoadedSpec, SpecSource, load};

use crate::diag::Diagnostics;
use crate::model::Catalogue;
use std::path::PathBuf;

/// How much a change matters, on one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Nothing that worked stops working.
    Compatible,
    /// Everything still works, but behaves differently (retries, a value that now reads as absent).
    Risky,
    /// Something that worked stops working (a request is refused, a reply fails to decode, code no
    /// longer compiles or changes meaning).
    Breaking,
}

impl Verdict {
    /// The spelling in every output format: `compatible`, `risky` or `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Compatible => "compatible",
            Verdict::Risky => "risky",
            Verdict::Breaking => "breaking",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change between two catalogues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of change.
    pub rule: Rule,
    /// Where: see the module docs, e.g. `openim/sendmsg request.MsgRandom`.
    pub location: String,
    /// The wire servicename, for findings inside a service.
    pub service: Option<String>,
    /// The wire command, for findings inside a command.
    pub command: Option<String>,
    /// Does an old client still work against the new server?
    pub wire: Verdict,
    /// Does code written against the old crate still compile and mean the same?
    pub rust: Verdict,
    /// What changed, in one line (Markdown code spans for names).
    pub detail: String,
    /// The reason given in the acknowledgments file, when acknowledged.
    pub acknowledged: Option<String>,
}

impl Finding {
    /// Breaking on either axis.
    pub fn is_breaking(&self) -> bool {
        self.wire == Verdict::Breaking || self.rust == Verdict::Breaking
    }

    /// Breaking and not acknowledged: what `--fail-on breaking` fails on.
    pub fn needs_ack(&self) -> bool {
        self.is_breaking() && self.acknowledged.is_none()
    }

    /// The worse of the two verdicts.
    pub fn worst(&self) -> Verdict {
        self.wire.max(self.rust)
    }

    /// The heading this finding is grouped under: `service/command`, `service`, `types` (shared
    /// types) or `errors`.
    pub fn group(&self) -> String {
        match (&self.service, &self.command) {
            (Some(s), Some(c)) => format!("{s}/{c}"),
            (Some(s), None) => s.clone(),
            (None, _) if self.location.starts_with("errors") => "errors".into(),
            (None, _) => "types".into(),
        }
    }

    fn sort_key(&self) -> (u8, Option<&str>, Option<&str>) {
        let section = match (&self.service, self.location.starts_with("errors")) {
            (Some(_), _) => 0,
            (None, false) => 1,
            (None, true) => 2,
        };
        (section, self.service.as_deref(), self.command.as_deref())
    }
}

/// Every change from `old` to `new`, grouped by service and command (services and commands in name
/// order, then shared types, then error codes) and in file order within a group. At most one
/// finding per rule and location: details of the same rule at the same place are joined.
pub fn diff(old: &Catalogue, new: &Catalogue) -> Vec<Finding> {
    differ::findings(old, new)
}

/// A diff with its two sides' labels and the acknowledgments that matched nothing.
#[derive(Debug, Clone)]
pub struct Report {
    /// What the old side is, e.g. `HEAD` or a folder.
    pub base: String,
    /// What the new side is, e.g. `working tree`.
    pub head: String,
    /// Every finding, acknowledged ones marked.
    pub findings: Vec<Finding>,
    /// Acknowledgments that match no finding (left over from an earlier change).
    pub unused_acks: Vec<Ack>,
    /// The acknowledgments file as shown in messages, when there is one.
    pub acks_file: Option<String>,
}

impl Report {
    /// Findings that are breaking on either axis and not acknowledged.
    pub fn unacknowledged_breaking(&self) -> usize {
        self.findings.iter().filter(|f| f.needs_ack()).count()
    }

    /// The acknowledgments that match no finding, one `file:line: ...` line each (empty when none):
    /// what `cargo xtask diff --leftovers` prints. The reports themselves only count them (text) or
    /// leave them out (Markdown, JSON).
    pub fn leftovers(&self) -> String {
        render::leftovers(self)
    }

    /// Renders the report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => render::text(self),
            Format::Markdown => render::markdown(self),
            Format::Json => render::json(self),
        }
    }
}

/// When `cargo xtask diff` exits non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// On any breaking finding (wire or Rust) that is not acknowledged.
    Breaking,
    /// Never: report only.
    None,
}

impl std::str::FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "breaking" => Ok(FailOn::Breaking),
            "none" => Ok(FailOn::None),
            other => Err(format!("--fail-on `{other}`: expected `breaking` or `none`")),
        }
    }
}

/// What went wrong before a diff could be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A git command failed (unknown revision, not a repository, git missing).
    #[error("{0}")]
    Git(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// One side's catalogue does not validate.
    #[error("the catalogue of {label} has {n} problem(s):\n{diags}", n = .diags.0.len())]
    Spec {
        /// The side, e.g. `HEAD`.
        label: String,
        /// Its problems.
        diags: Diagnostics,
    },
    /// The acknowledgments file is malformed.
    #[error("{0}")]
    Acks(Diagnostics),
}

/// What `cargo xtask diff` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The git repository (for revisions and the working tree).
    pub repo: PathBuf,
    /// The old side.
    pub base: SpecSource,
    /// The new side; its `diff-acks.yaml` is used.
    pub head: SpecSource,
    /// Output format.
    pub format: Format,
    /// When to fail.
    pub fail_on: FailOn,
}

/// The result of [`run`].
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The findings.
    pub report: Report,
    /// The rendered report.
    pub output: String,
    /// Whether to exit non-zero (unacknowledged breaking findings with [`FailOn::Breaking`]).
    pub failed: bool,
}

/// Loads both sides, diffs them, applies the head's acknowledgments and renders the report.
pub fn run(opts: &Options) -> Result<Outcome, Error> {
    let base = load(&opts.repo, &opts.base)?;
    let head = load(&opts.repo, &opts.head)?;
    Ok(report(&base, &head, opts.format, opts.fail_on))
}

/// Diffs two loaded sides and renders the result (the part of [`run`] after loading).
pub fn report(base: &LoadedSpec, head: &LoadedSpec, format: Format, fail_on: FailOn) -> Outcome {
    let mut findings = diff(&base.catalogue, &head.catalogue);
    let unused_acks = apply_acks(&mut findings, &head.acks);
    let report = Report { base: base.label.clone(), head: head.label.clone(), findings, unused_acks, acks_file: head.acks_file.clone() };
    let output = report.render(format);
    let failed = fail_on == FailOn::Breaking && report.unacknowledged_breaking() > 0;
    Outcome { report, output, failed }
}
