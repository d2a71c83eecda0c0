//! Reachability: which types are sent (reachable from a request root or a callback reply) and which
//! are read (from a response root or a callback event). A type's serde directions follow from it
//! ([`crate::model::TypeDef::serde_directions`]), and example checks read a missing list or map as
//! empty only in types that are read.

use super::Builder;
use crate::model::*;

impl Builder {
    /// Reachability: which types are read from responses and which are sent in requests.
    pub(super) fn mark_usage(&mut self) {
        let mut roots: Vec<(TypeId, bool)> =
            self.services.iter().flat_map(|s| s.commands.iter().flat_map(|c| [(c.request, true), (c.response, false)])).collect();
        // A callback's event is read by the app (like a response); its reply is written (like a request).
        for g in &self.callbacks {
            for c in &g.callbacks {
                roots.push((c.event, false));
                if let Some(r) = c.reply {
                    roots.push((r, true));
                }
            }
        }
        self.mark_from(roots);
        // A named type no command uses (yet) is emitted for both directions, and so is everything it uses.
        let unused: Vec<(TypeId, bool)> = (0..self.types.len())
            .map(TypeId)
            .filter(|&id| !self.types[id].in_request && !self.types[id].in_response)
            .flat_map(|id| [(id, true), (id, false)])
            .collect();
        self.mark_from(unused);
    }

    fn mark_from(&mut self, roots: Vec<(TypeId, bool)>) {
        for (root, is_req) in roots {
            let mut stack = vec![root];
            while let Some(id) = stack.pop() {
                let td = &mut self.types[id];
                let seen = if is_req { &mut td.in_request } else { &mut td.in_response };
                if *seen {
                    continue;
                }
                *seen = true;
                let mut refs = Vec::new();
                match &td.kind {
                    TypeKind::Object(fields) => fields.iter().for_each(|f| collect_refs(&f.ty, &mut refs)),
                    TypeKind::Union { variants, .. } => refs.extend(variants.iter().map(|v| v.ty)),
                    TypeKind::OneOf(alts) => alts.iter().for_each(|(_, t)| collect_refs(t, &mut refs)),
                    TypeKind::Enum { .. } => {}
                }
                stack.extend(refs);
            }
        }
    }
}

fn collect_refs(t: &Ty, out: &mut Vec<TypeId>) {
    match t {
        Ty::Ref(id) => out.push(*id),
        Ty::Array(t) | Ty::Map(t) => collect_refs(t, out),
        Ty::Scalar(_) => {}
    }
}
