//! The gaps (`gaps.yaml`): documented commands and callbacks the catalogue does not model yet, each with
//! a reason, none of them modelled after all.

use super::Builder;
use crate::model::*;
use crate::spec;
use std::collections::BTreeSet;

impl Builder {
    /// Reads the gaps, once every service and callback is known.
    pub(super) fn gaps(&mut self, file: usize, f: &spec::GapsFile) {
        let mut seen = BTreeSet::new();
        for (i, g) in f.gaps.iter().enumerate() {
            let path = format!("gaps[{i}]");
            let modelled = self.services.iter().any(|s| s.wire == g.service && s.commands.iter().any(|c| c.wire == g.command));
            if modelled {
                self.err(file, &path, format!("`{}/{}` is in the catalogue; remove it from gaps.yaml", g.service, g.command));
            } else if !seen.insert((g.service.clone(), g.command.clone())) {
                self.err(file, &path, format!("`{}/{}` is listed twice", g.service, g.command));
            } else if g.reason.trim().is_empty() {
                self.err(file, &path, "a gap needs a `reason`".into());
            } else {
                self.gaps.push(Gap {
                    service: g.service.clone(),
                    command: g.command.clone(),
                    reason: g.reason.clone(),
                    doc: g.doc.clone(),
                });
            }
        }
        let mut seen_cb = BTreeSet::new();
        for (i, g) in f.callbacks.iter().enumerate() {
            let path = format!("callbacks[{i}]");
            let modelled = self.callbacks.iter().any(|grp| grp.callbacks.iter().any(|c| c.command == g.command));
            if modelled {
                self.err(file, &path, format!("callback `{}` is in the catalogue; remove it from gaps.yaml", g.command));
            } else if !seen_cb.insert(g.command.clone()) {
                self.err(file, &path, format!("callback `{}` is listed twice", g.command));
            } else if g.reason.trim().is_empty() {
                self.err(file, &path, "a gap needs a `reason`".into());
            } else {
                self.callback_gaps.push(CallbackGap { command: g.command.clone(), reason: g.reason.clone(), doc: g.doc.clone() });
            }
        }
    }
}
