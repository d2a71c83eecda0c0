//! The two sides of a diff: a git revision, a folder, or the working tree.
//!
//! A revision's `spec/` is copied out of git (`git ls-tree` + `git cat-file`) into a fresh folder
//! under the system's temporary directory, loaded with [`crate::load::load_dir`], and removed
//! again; messages name the files as `REV:spec/services/<name>.yaml`.

use super::{ACKS_FILE, Ack, Error, parse_acks};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Catalogue;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where one side of a diff comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecSource {
    /// `spec/` of the repository's working tree, as it is on disk.
    WorkingTree,
    /// A folder: a spec folder (it has `errors.yaml` or `services/`), or a folder with a `spec/`
    /// inside.
    Dir(PathBuf),
    /// `spec/` of a git revision (anything `git rev-parse` understands: `HEAD~1`, a branch, a hash).
    Rev(String),
}

impl SpecSource {
    /// A command-line argument: a path that exists as a folder is a folder, anything else a git
    /// revision.
    pub fn from_arg(arg: &str) -> SpecSource {
        if Path::new(arg).is_dir() { SpecSource::Dir(PathBuf::from(arg)) } else { SpecSource::Rev(arg.to_owned()) }
    }

    /// How the side is named in reports.
    pub fn label(&self) -> String {
        match self {
            SpecSource::WorkingTree => "working tree".into(),
            SpecSource::Dir(p) => p.display().to_string(),
            SpecSource::Rev(r) => r.clone(),
        }
    }
}

/// One loaded side.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// How the side is named in reports.
    pub label: String,
    /// The validated catalogue.
    pub catalogue: Catalogue,
    /// The acknowledgments in its `diff-acks.yaml` (empty without one).
    pub acks: Vec<Ack>,
    /// The acknowledgments file as shown in messages, when it exists.
    pub acks_file: Option<String>,
}

/// Loads one side. `repo` is the git repository for [`SpecSource::Rev`] and
/// [`SpecSource::WorkingTree`].
pub fn load(repo: &Path, src: &SpecSource) -> Result<LoadedSpec, Error> {
    let label = src.label();
    match src {
        SpecSource::WorkingTree => load_folder(&repo.join("spec"), label, None),
        SpecSource::Dir(d) => {
            let spec = if d.join("errors.yaml").exists() || d.join("services").is_dir() || !d.join("spec").is_dir() {
                d.clone()
            } else {
                d.join("spec")
            };
            load_folder(&spec, label, None)
        }
        SpecSource::Rev(rev) => {
            let commit = git(repo, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
                .map_err(|_| Error::Git(format!("`{rev}` is neither a folder nor a git revision of {}", repo.display())))?;
            let commit = String::from_utf8_lossy(&commit).trim().to_owned();
            let tmp = TempDir::new()?;
            extract_spec(repo, &commit, rev, tmp.path())?;
            let shown_prefix = format!("{}{}", tmp.path().display(), std::path::MAIN_SEPARATOR);
            load_folder(&tmp.path().join("spec"), label, Some((shown_prefix, format!("{rev}:"))))
        }
    }
}

/// Loads a spec folder and its acknowledgments; `rename` maps a temporary prefix in messages to
/// `REV:`.
fn load_folder(spec: &Path, label: String, rename: Option<(String, String)>) -> Result<LoadedSpec, Error> {
    let fix = |s: &str| match &rename {
        Some((from, to)) => s.replacen(from.as_str(), to, 1),
        None => s.to_owned(),
    };
    let catalogue = crate::load::load_dir_with(spec, crate::load::Rules::HISTORICAL).map_err(|d| Error::Spec {
        label: label.clone(),
        diags: Diagnostics(d.0.into_iter().map(|x| Diagnostic { file: fix(&x.file), ..x }).collect()),
    })?;
    let acks_path = spec.join(ACKS_FILE);
    let (acks, acks_file) = match std::fs::read_to_string(&acks_path) {
        Ok(text) => {
            let shown = fix(&acks_path.display().to_string());
            (parse_acks(&text, &shown).map_err(Error::Acks)?, Some(shown))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), None),
        Err(source) => return Err(Error::Io { path: acks_path, source }),
    };
    Ok(LoadedSpec { label, catalogue, acks, acks_file })
}

/// Runs git in `repo`; returns its standard output or an error naming the command and git's message.
fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>, Error> {
    let out = Command::new("git").arg("-C").arg(repo).args(args).output().map_err(|e| Error::Git(format!("cannot run git: {e}")))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(Error::Git(format!("`git {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim())))
    }
}

/// Writes every file under `spec/` of `commit` below `dest` (keeping the `spec/` prefix).
fn extract_spec(repo: &Path, commit: &str, rev: &str, dest: &Path) -> Result<(), Error> {
    let listing = git(repo, &["ls-tree", "-r", "-z", "--full-tree", commit, "--", "spec"])?;
    let mut files = 0;
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        // `<mode> SP <type> SP <object> TAB <path>`
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            return Err(Error::Git(format!("unexpected `git ls-tree` line: {entry}")));
        };
        let mut meta = meta.split(' ');
        let (_mode, kind, object) = (meta.next(), meta.next(), meta.next());
        let (Some("blob"), Some(object)) = (kind, object) else { continue };
        let rel = Path::new(path);
        if rel.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(Error::Git(format!("unexpected path in `{rev}`: {path}")));
        }
        let bytes = git(repo, &["cat-file", "blob", object])?;
        let target = dest.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io { path: parent.to_owned(), source })?;
        }
        std::fs::write(&target, bytes).map_err(|source| Error::Io { path: target.clone(), source })?;
        files += 1;
    }
    if files == 0 {
        return Err(Error::Git(format!("revision `{rev}` has no `spec/` folder")));
    }
    Ok(())
}

/// A folder under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, Error> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let mut last = None;
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("tim-spec-diff-{}-{nanos}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(source) => return Err(Error::Io { path, source }),
            }
        }
        Err(Error::Io { path: base, source: last.unwrap_or_else(|| std::io::Error::other("no free temporary folder name")) })
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
