//! Where a command or callback comes from: its `doc` links and its currency record (`sources:`, the
//! official pages its schema was checked against).

use super::Builder;
use crate::model::SourceRef;
use crate::spec;

impl Builder {
    /// `doc` and `doc_en` link to the official documentation.
    pub(super) fn doc_links(&mut self, doc: &str, doc_en: Option<&str>, file: usize, path: &str) {
        for (what, link) in [("doc", Some(doc)), ("doc_en", doc_en)] {
            if let Some(l) = link
                && !(l.starts_with("https://cloud.tencent.com/document/")
                    || l.starts_with("https://www.tencentcloud.com/document/")
                    || l.starts_with("https://trtc.io/"))
            {
                self.err(
                    file,
                    &format!("{path}.{what}"),
                    format!(
                        "`{what}` must link to the official documentation (cloud.tencent.com, www.tencentcloud.com or trtc.io), not `{l}`"
                    ),
                );
            }
        }
    }

    /// The currency record of a command: each source well-formed, no page listed twice.
    pub(super) fn sources(&mut self, specs: &[spec::SourceSpec], file: usize, path: &str) -> Vec<SourceRef> {
        let mut out: Vec<SourceRef> = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let at = format!("{path}.sources[{i}]");
            let page_ok = s.page.starts_with("https://cloud.tencent.com/document/")
                || s.page.starts_with("https://www.tencentcloud.com/")
                || s.page.starts_with("https://trtc.io/")
                || s.page.starts_with("https://github.com/")
                || s.page.strip_prefix("intlcloud-documents:").is_some_and(|p| !p.is_empty())
                || s.page.strip_prefix("qcloud-documents:").is_some_and(|p| !p.is_empty());
            if !page_ok {
                self.err(
                    file,
                    &at,
                    format!(
                        "source page `{}`: expected an official https URL (cloud.tencent.com, www.tencentcloud.com, trtc.io), \
                         `intlcloud-documents:<path>` / `qcloud-documents:<path>`, or a third-party SDK's file on github.com",
                        s.page
                    ),
                );
            }
            if !matches!(s.lang.as_str(), "zh" | "en" | "ja" | "ko" | "id" | "th" | "vi" | "ms") {
                self.err(file, &at, format!("source lang `{}`: expected zh, en, ja, ko, id, th, vi or ms", s.lang));
            }
            if s.dated != "unknown" && !is_date(&s.dated, false) {
                self.err(file, &at, format!("source dated `{}`: expected YYYY-MM-DD, YYYY-MM, YYYY or `unknown`", s.dated));
            }
            if !is_date(&s.checked, true) {
                self.err(file, &at, format!("source checked `{}`: expected YYYY-MM-DD", s.checked));
            }
            if out.iter().any(|o| o.page == s.page) {
                self.err(file, &at, format!("source page `{}` is listed twice", s.page));
                continue;
            }
            out.push(SourceRef {
                page: s.page.clone(),
                lang: s.lang.clone(),
                dated: s.dated.clone(),
                whole: s.whole,
                checked: s.checked.clone(),
                note: s.note.clone(),
            });
        }
        out
    }
}

/// `YYYY-MM-DD`, or (unless `full`) `YYYY-MM` or `YYYY`, with plausible month and day numbers.
fn is_date(s: &str, full: bool) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let in_range = |p: &str, hi: u32| p.parse::<u32>().is_ok_and(|v| (1..=hi).contains(&v));
    match parts.as_slice() {
        [y] => !full && digits(y, 4),
        [y, m] => !full && digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2) && in_range(m, 12) && in_range(d, 31),
        _ => false,
    }
}
