//! Loading: the spec files of a folder ([`load_dir`]) or given as text ([`load_sources`]), parsed as
//! YAML into [`crate::spec`] and handed to [`crate::validate`], which resolves them into the
//! [`crate::model`]. This is where xtask and the fuzzer start.
//!
//! Every problem becomes a [`Diagnostic`] naming the file and line; loading goes on after a problem so
//! that one run reports as much as it can. Nothing here panics on spec input.

use crate::diag::{Diagnostic, Diagnostics};
use crate::locate::LineIndex;
use crate::model::Catalogue;
use crate::spec;
use crate::validate::{self, FileInfo, SpecFiles};
use std::path::Path;

/// A source file as read from disk.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the spec root, with `/` separators (e.g. `services/openim.yaml`).
    pub rel: String,
    /// Path as shown in messages.
    pub shown: String,
    /// File text.
    pub text: String,
}

/// Reads every spec file under `root` (`errors.yaml`, `gaps.yaml` when present, `types/*.yaml`,
/// `services/*.yaml`, `callbacks/*.yaml` when the folder exists), in a fixed order, and validates them
/// together.
pub fn load_dir(root: &Path) -> Result<Catalogue, Diagnostics> {
    load_dir_with(root, Rules::CURRENT)
}

/// Which of the catalogue's rules apply when loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// An event field is required only where every official example of its callback carries it (a rule
    /// newer than some revisions of the catalogue: `cargo xtask diff` reads old revisions without it).
    pub complete_examples: bool,
    /// Every file reads the same with a YAML 1.1 parser such as PyYAML ([`crate::portable`]); older
    /// revisions were checked only by `.ci/check_yaml.py`, if at all.
    pub portable_yaml: bool,
}

impl Rules {
    /// Every rule: what `cargo xtask gen` and `validate` check.
    pub const CURRENT: Rules = Rules { complete_examples: true, portable_yaml: true };
    /// The rules any revision of the catalogue must pass, for reading older revisions (the spec diff).
    pub const HISTORICAL: Rules = Rules { complete_examples: false, portable_yaml: false };
}

/// [`load_dir`] with a choice of rules.
pub fn load_dir_with(root: &Path, rules: Rules) -> Result<Catalogue, Diagnostics> {
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    let shown_root = root.display().to_string();
    let shown_root = shown_root.trim_end_matches('/');
    let mut rels = vec!["errors.yaml".to_owned()];
    if root.join("gaps.yaml").exists() {
        rels.push("gaps.yaml".to_owned());
    }
    for dir in ["types", "services", "callbacks"] {
        if dir == "callbacks" && !root.join(dir).exists() {
            continue;
        }
        let mut names = Vec::new();
        match std::fs::read_dir(root.join(dir)) {
            Ok(entries) => {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.ends_with(".yaml") {
                        names.push(name);
                    } else if !name.starts_with('.') {
                        diags.push(Diagnostic {
                            file: format!("{shown_root}/{dir}/{name}"),
                            line: 0,
                            column: None,
                            message: "unexpected file: spec files end in `.yaml`".into(),
                        });
                    }
                }
            }
            Err(e) => diags.push(Diagnostic {
                file: format!("{shown_root}/{dir}"),
                line: 0,
                column: None,
                message: format!("cannot list directory: {e}"),
            }),
        }
        names.sort();
        rels.extend(names.into_iter().map(|n| format!("{dir}/{n}")));
    }
    for rel in rels {
        let shown = format!("{shown_root}/{rel}");
        match std::fs::read_to_string(root.join(&rel)) {
            Ok(text) => sources.push(Source { rel, shown, text }),
            Err(e) => diags.push(Diagnostic { file: shown, line: 0, column: None, message: format!("cannot read: {e}") }),
        }
    }
    let result = load_sources_with(&sources, rules);
    match (result, diags.is_empty()) {
        (Ok(c), true) => Ok(c),
        (Ok(_), false) => Err(Diagnostics(diags)),
        (Err(Diagnostics(mut more)), _) => {
            diags.append(&mut more);
            Err(Diagnostics(diags))
        }
    }
}

/// Parses and validates a set of spec sources (already read). `rel` decides the role of each source:
/// `errors.yaml`, `gaps.yaml`, `types/...`, `services/...` or `callbacks/...`.
pub fn load_sources(sources: &[Source]) -> Result<Catalogue, Diagnostics> {
    load_sources_with(sources, Rules::CURRENT)
}

/// [`load_sources`] with a choice of rules.
pub fn load_sources_with(sources: &[Source], rules: Rules) -> Result<Catalogue, Diagnostics> {
    let mut parsed = SpecFiles::default();
    for (i, s) in sources.iter().enumerate() {
        parsed.files.push(FileInfo { shown: s.shown.clone(), rel: s.rel.clone(), index: LineIndex::new(&s.text) });
        if rules.portable_yaml {
            parsed.diags.extend(crate::portable::check(&s.shown, &s.text));
        }
        if s.rel == "errors.yaml" {
            if let Some(f) = parsed.parse::<spec::ErrorsFile>(i, &s.text) {
                parsed.errors = Some((i, f));
            }
        } else if s.rel == "gaps.yaml" {
            if let Some(f) = parsed.parse::<spec::GapsFile>(i, &s.text) {
                parsed.gaps = Some((i, f));
            }
        } else if s.rel.starts_with("types/") {
            if let Some(f) = parsed.parse::<spec::TypesFile>(i, &s.text) {
                parsed.types.push((i, f));
            }
        } else if s.rel.starts_with("services/") {
            if let Some(f) = parsed.parse::<spec::ServiceFile>(i, &s.text) {
                parsed.services.push((i, f));
            }
        } else if s.rel.starts_with("callbacks/") {
            if let Some(f) = parsed.parse::<spec::CallbackFile>(i, &s.text) {
                parsed.callbacks.push((i, f));
            }
        } else {
            let f = &parsed.files[i];
            let d = Diagnostic {
                file: f.shown.clone(),
                line: f.index.line(""),
                column: None,
                message: format!("unexpected spec file `{}`", s.rel),
            };
            parsed.diags.push(d);
        }
    }
    validate::validate(parsed, rules.complete_examples)
}

impl SpecFiles {
    /// Parses one file's YAML; a syntax or shape error becomes a diagnostic with serde_yaml's position.
    fn parse<T: serde::de::DeserializeOwned>(&mut self, file: usize, text: &str) -> Option<T> {
        match serde_yaml::from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let (line, column) = match e.location() {
                    Some(l) => (l.line(), Some(l.column())),
                    None => (1, None),
                };
                let shown = self.files.get(file).map(|f| f.shown.clone()).unwrap_or_default();
                self.diags.push(Diagnostic { file: shown, line, column, message: e.to_string() });
                None
            }
        }
    }
}
