//! The rules around a call: its paging rule (`paging:`), the limits on its request fields (`limits:`,
//! which also give the lists the batched call splits) and its documented rates (`rate:`). Every field a
//! rule names must be a field of the command, of the right kind.

use super::Builder;
use crate::model::*;
use crate::spec;
use serde_json::Value;

/// The hosts a rule's `source` may link to.
fn is_official_page(s: &str) -> bool {
    s.starts_with("https://cloud.tencent.com/document/")
        || s.starts_with("https://www.tencentcloud.com/")
        || s.starts_with("https://trtc.io/")
        || s.strip_prefix("intlcloud-documents:").is_some_and(|p| !p.is_empty())
        || s.strip_prefix("qcloud-documents:").is_some_and(|p| !p.is_empty())
}

/// A type with its optional flag taken off and its arrays unwrapped: what one value of the field is.
fn element(ty: &Ty) -> &Ty {
    match ty {
        Ty::Array(t) => element(t),
        other => other,
    }
}

/// What `rules` needs to know of the command being checked.
pub(super) struct RuleCtx<'a> {
    pub file: usize,
    pub path: &'a str,
    pub request: TypeId,
    pub response: TypeId,
    pub doc: &'a str,
    pub results: &'a [Results],
    pub limit_code: Option<i64>,
}

impl Builder {
    /// The paging rule, limits, batch lists and rates of one command.
    pub(super) fn call_rules(&mut self, cx: &RuleCtx<'_>, cs: &spec::CommandSpec) -> (Option<Paging>, Vec<Limit>, Vec<Batch>, Vec<Rate>) {
        let paging = cs.paging.as_ref().and_then(|p| self.paging(cx, p));
        let mut limits = Vec::new();
        let mut batch = Vec::new();
        for (key, l) in cs.limits.iter() {
            self.limit(cx, key, l, &mut limits, &mut batch);
        }
        let batchable = batch.len();
        if batchable > 1 {
            let req = self.fields_of(cx.request).to_vec();
            if batch.iter().any(|b: &Batch| !req[b.list].optional) {
                self.err(
                    cx.file,
                    &format!("{}.limits", cx.path),
                    "several lists are batched, so each must be optional (the batched call sends one list per request); \
                     set `batch: false` on the others"
                        .into(),
                );
            }
        }
        let rates = match &cs.rate {
            None => Vec::new(),
            Some(spec::OneOrMany(list)) => {
                let many = list.len() > 1;
                list.iter()
                    .enumerate()
                    .filter_map(|(i, r)| {
                        let at = if many { format!("{}.rate[{i}]", cx.path) } else { format!("{}.rate", cx.path) };
                        self.rate(cx, r, &at)
                    })
                    .collect()
            }
        };
        (paging, limits, batch, rates)
    }

    fn source(&mut self, cx: &RuleCtx<'_>, given: &Option<String>, at: &str) -> String {
        match given {
            Some(s) if is_official_page(s) => s.clone(),
            Some(s) => {
                self.err(
                    cx.file,
                    at,
                    format!(
                        "`source: {s}`: expected an official https URL (cloud.tencent.com, www.tencentcloud.com, trtc.io) \
                         or `intlcloud-documents:<path>` / `qcloud-documents:<path>`"
                    ),
                );
                s.clone()
            }
            None => cx.doc.to_owned(),
        }
    }

    /// Index of a top-level field of `ty`, or an error naming what it should have been.
    fn rule_field(&mut self, cx: &RuleCtx<'_>, ty: TypeId, key: &str, side: &str, at: &str) -> Option<usize> {
        let found = self.fields_of(ty).iter().position(|f| f.wire == key);
        if found.is_none() {
            let known: Vec<String> = self.fields_of(ty).iter().map(|f| format!("`{}`", f.wire)).collect();
            let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
            self.err(cx.file, at, format!("`{key}` is not a {side} field of this command (its {side} fields: {known})"));
        }
        found
    }

    fn is_int(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Scalar(s) => s.is_integer(),
            Ty::Ref(id) => matches!(self.types[*id].kind, TypeKind::Enum { base, .. } if base.is_integer()),
            _ => false,
        }
    }

    fn paging(&mut self, cx: &RuleCtx<'_>, p: &spec::PagingSpec) -> Option<Paging> {
        let base = format!("{}.paging", cx.path);
        let req = self.fields_of(cx.request).to_vec();
        let resp = self.fields_of(cx.response).to_vec();
        let mut ok = true;
        let items = match &p.items {
            None => None,
            Some(k) => match self.rule_field(cx, cx.response, k, "response", &format!("{base}.items")) {
                Some(i) if matches!(resp[i].ty, Ty::Array(_)) => Some(i),
                Some(_) => {
                    self.err(cx.file, &format!("{base}.items"), format!("`items: {k}` must be a list"));
                    ok = false;
                    None
                }
                None => {
                    ok = false;
                    None
                }
            },
        };
        let item_type = items.and_then(|i| match &resp[i].ty {
            Ty::Array(t) => match **t {
                Ty::Ref(id) if matches!(self.types[id].kind, TypeKind::Object(_)) => Some(id),
                _ => None,
            },
            _ => None,
        });
        let size = match &p.size {
            None => None,
            Some(k) => match self.rule_field(cx, cx.request, k, "request", &format!("{base}.size")) {
                Some(i) if self.is_int(&req[i].ty) => Some(i),
                Some(_) => {
                    self.err(cx.file, &format!("{base}.size"), format!("`size: {k}` must be an integer field"));
                    ok = false;
                    None
                }
                None => {
                    ok = false;
                    None
                }
            },
        };
        if p.next.is_empty() {
            self.err(cx.file, &format!("{base}.next"), "`next` needs at least one cursor field".into());
            ok = false;
        }
        let mut next = Vec::new();
        for (key, c) in p.next.iter() {
            let at = format!("{base}.next.{key}");
            let Some(field) = self.rule_field(cx, cx.request, key, "request", &at) else {
                ok = false;
                continue;
            };
            let fty = req[field].ty.clone();
            let how = match (&c.add, &c.from, &c.min_of) {
                (Some(a), None, None) => {
                    if a != "items" {
                        self.err(cx.file, &at, format!("`add: {a}`: only `add: items` is known"));
                        ok = false;
                        continue;
                    }
                    if items.is_none() {
                        self.err(cx.file, &at, "`add: items` needs `items:`".into());
                        ok = false;
                        continue;
                    }
                    if !matches!(fty, Ty::Scalar(s) if s.is_integer()) {
                        self.err(cx.file, &at, format!("`{key}` must be an integer to add the number of items to it"));
                        ok = false;
                        continue;
                    }
                    let unless = match &c.unless {
                        None => None,
                        Some(u) => match self.rule_field(cx, cx.response, u, "response", &at) {
                            Some(i) => Some(i),
                            None => {
                                ok = false;
                                continue;
                            }
                        },
                    };
                    CursorHow::AddItems { unless }
                }
                (None, Some(f), None) => {
                    let Some(src) = self.rule_field(cx, cx.response, f, "response", &at) else {
                        ok = false;
                        continue;
                    };
                    if resp[src].ty != fty {
                        self.err(
                            cx.file,
                            &at,
                            format!("`from: {f}`: the response field and the request field `{key}` must have the same type"),
                        );
                        ok = false;
                        continue;
                    }
                    CursorHow::From(src)
                }
                (None, None, Some(m)) => {
                    let Some(item) = item_type else {
                        self.err(cx.file, &at, "`min_of` needs `items:` to be a list of objects".into());
                        ok = false;
                        continue;
                    };
                    let item_fields = self.fields_of(item).to_vec();
                    let Some(i) = item_fields.iter().position(|f| &f.wire == m) else {
                        self.err(cx.file, &at, format!("`min_of: {m}` is not a field of the items"));
                        ok = false;
                        continue;
                    };
                    let both_int =
                        matches!(item_fields[i].ty, Ty::Scalar(s) if s.is_integer()) && matches!(fty, Ty::Scalar(s) if s.is_integer());
                    if !both_int {
                        self.err(cx.file, &at, format!("`min_of: {m}` and `{key}` must both be integers"));
                        ok = false;
                        continue;
                    }
                    CursorHow::MinOf { item_field: i, minus: c.minus.unwrap_or(0) }
                }
                _ => {
                    self.err(
                        cx.file,
                        &at,
                        "a cursor takes exactly one of `add: items`, `from: <response field>`, `min_of: <item field>`".into(),
                    );
                    ok = false;
                    continue;
                }
            };
            if (c.unless.is_some() && c.add.is_none()) || (c.minus.is_some() && c.min_of.is_none()) {
                self.err(cx.file, &at, "`unless` goes with `add`, `minus` with `min_of`".into());
                ok = false;
            }
            next.push(Cursor { field, how });
        }
        if p.end.is_empty() {
            self.err(cx.file, &format!("{base}.end"), "`end` needs at least one condition".into());
            ok = false;
        }
        let mut end = Vec::new();
        for (i, e) in p.end.iter().enumerate() {
            let at = format!("{base}.end[{i}]");
            match e {
                spec::EndSpec::NoItems => {
                    if items.is_none() {
                        self.err(cx.file, &at, "`no_items` needs `items:`".into());
                        ok = false;
                    }
                    end.push(End::NoItems);
                }
                spec::EndSpec::Field { field, value, negated } => {
                    let Some(f) = self.rule_field(cx, cx.response, field, "response", &at) else {
                        ok = false;
                        continue;
                    };
                    let fits = match (&resp[f].ty, value) {
                        (Ty::Scalar(Scalar::String), Value::String(_)) => true,
                        (t, Value::Number(n)) if self.is_int(t) => n.as_i64().is_some() || n.as_u64().is_some(),
                        _ => false,
                    };
                    if !fits {
                        self.err(
                            cx.file,
                            &at,
                            format!("`{field}`: the value must be a string for a string field, an integer for an integer field"),
                        );
                        ok = false;
                        continue;
                    }
                    end.push(End::Field { field: f, value: value.clone(), negated: *negated });
                }
                spec::EndSpec::Next { field, value } => {
                    let Some(f) = self.rule_field(cx, cx.request, field, "request", &at) else {
                        ok = false;
                        continue;
                    };
                    let fits = match (&req[f].ty, value) {
                        (Ty::Scalar(Scalar::String), Value::String(_)) => true,
                        (Ty::Scalar(s), Value::Number(n)) if s.is_integer() => n.as_i64().is_some() || n.as_u64().is_some(),
                        _ => false,
                    };
                    if !next.iter().any(|c| c.field == f) || !fits {
                        self.err(cx.file, &at, format!("`next: {field}` must be a cursor of `next:`, and the value of its type"));
                        ok = false;
                        continue;
                    }
                    end.push(End::Next { field: f, value: value.clone() });
                }
                spec::EndSpec::Reached { total, by } => {
                    let (Some(t), Some(b)) =
                        (self.rule_field(cx, cx.response, total, "response", &at), self.rule_field(cx, cx.request, by, "request", &at))
                    else {
                        ok = false;
                        continue;
                    };
                    let adds = next.iter().any(|c| c.field == b && matches!(c.how, CursorHow::AddItems { .. }));
                    if !adds || !self.is_int(&resp[t].ty) {
                        self.err(
                            cx.file,
                            &at,
                            format!("`reached: {total}, by: {by}` needs an integer total and `{by}` advanced with `add: items`"),
                        );
                        ok = false;
                        continue;
                    }
                    end.push(End::Reached { total: t, by: b });
                }
            }
        }
        let source = self.source(cx, &p.source, &format!("{base}.source"));
        ok.then_some(Paging { items, size, next, end, source, note: p.note.clone() })
    }

    /// One `limits:` entry: its path resolved, one model limit per bound, and the batch list it makes.
    fn limit(&mut self, cx: &RuleCtx<'_>, key: &str, l: &spec::LimitSpec, limits: &mut Vec<Limit>, batch: &mut Vec<Batch>) {
        let at = format!("{}.limits.{key}", cx.path);
        let mut ty = cx.request;
        let mut steps = Vec::new();
        let mut last: Option<Field> = None;
        for (n, seg) in key.split('.').enumerate() {
            if n > 0 {
                let Some(prev) = &last else { return };
                match element(&prev.ty) {
                    Ty::Ref(id) if matches!(self.types[*id].kind, TypeKind::Object(_)) => ty = *id,
                    _ => {
                        self.err(cx.file, &at, format!("`{key}`: `{}` is not an object (or a list of objects) to look into", prev.wire));
                        return;
                    }
                }
            }
            let fields = self.fields_of(ty).to_vec();
            let Some(i) = fields.iter().position(|f| f.wire == seg) else {
                let known: Vec<String> = fields.iter().map(|f| format!("`{}`", f.wire)).collect();
                let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
                let side =
                    if n == 0 { "a request field of this command".to_owned() } else { format!("a field of `{}`", self.types[ty].name) };
                self.err(cx.file, &at, format!("`{seg}` (in `{key}`) is not {side} (known: {known})"));
                return;
            };
            steps.push(Step { ty, field: i });
            last = Some(fields[i].clone());
        }
        let Some(field) = last else { return };
        if l.max_items.is_none() && l.max_bytes.is_none() && l.min.is_none() && l.max.is_none() {
            self.err(cx.file, &at, "a limit needs `max_items`, `max_bytes`, `min` or `max`".into());
            return;
        }
        let source = self.source(cx, &l.source, &format!("{at}.source"));
        let code = l.code.or(cx.limit_code);
        if let Some(c) = l.code
            && !self.errors.iter().any(|e| e.code == c)
        {
            self.err(cx.file, &format!("{at}.code"), format!("`code: {c}` is not in errors.yaml"));
        }
        let push = |rule: LimitRule, limits: &mut Vec<Limit>| {
            limits.push(Limit { path: steps.clone(), wire: key.to_owned(), rule, code, source: source.clone(), note: l.note.clone() });
        };
        if let Some(m) = l.max_items {
            if !matches!(field.ty, Ty::Array(_) | Ty::Map(_)) {
                self.err(cx.file, &at, format!("`max_items`: `{key}` is not a list or a map"));
                return;
            }
            push(LimitRule::MaxItems(m), limits);
            let top = steps.len() == 1;
            match l.batch {
                Some(false) => {
                    if l.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                        self.err(cx.file, &at, "`batch: false` needs a `note` saying why the list cannot be split".into());
                    }
                }
                _ if !top => {
                    if l.batch == Some(true) {
                        self.err(cx.file, &at, "only a top-level request list can be batched".into());
                    }
                }
                _ if !matches!(field.ty, Ty::Array(_)) => {
                    if l.batch == Some(true) {
                        self.err(cx.file, &at, "only a list can be batched".into());
                    }
                }
                _ => {
                    if m == 0 {
                        self.err(cx.file, &at, "`max_items: 0` cannot be batched".into());
                        return;
                    }
                    let id = self.batch_id(cx, &field, l, &at);
                    batch.push(Batch { list: steps[0].field, max: m, id, ordered: l.ordered });
                }
            }
        } else if l.batch.is_some() || l.id.is_some() || l.ordered {
            self.err(cx.file, &at, "`batch`, `id` and `ordered` go with `max_items`".into());
        }
        if l.ordered && l.batch == Some(false) {
            self.err(cx.file, &at, "`ordered` is for a list that is batched".into());
        }
        if let Some(m) = l.max_bytes {
            if !matches!(element(&field.ty), Ty::Scalar(Scalar::String)) {
                self.err(cx.file, &at, format!("`max_bytes`: `{key}` is not a string (or a list of strings)"));
                return;
            }
            push(LimitRule::MaxBytes(m), limits);
        }
        if l.min.is_some() || l.max.is_some() {
            if !matches!(element(&field.ty), Ty::Scalar(s) if s.is_integer()) {
                self.err(cx.file, &at, format!("`min`/`max`: `{key}` is not an integer (or a list of integers)"));
                return;
            }
            if let (Some(a), Some(b)) = (l.min, l.max)
                && a > b
            {
                self.err(cx.file, &at, format!("`min: {a}` is above `max: {b}`"));
                return;
            }
            push(LimitRule::Range { min: l.min, max: l.max }, limits);
        }
    }

    /// How the items of a batched list are named in per-item results.
    fn batch_id(&mut self, cx: &RuleCtx<'_>, field: &Field, l: &spec::LimitSpec, at: &str) -> BatchId {
        let item = match element(&field.ty) {
            Ty::Scalar(Scalar::String) => {
                if l.id.is_some() {
                    self.err(cx.file, at, "`id`: the items are strings, which name themselves".into());
                }
                return BatchId::Itself;
            }
            Ty::Ref(id) if matches!(self.types[*id].kind, TypeKind::Object(_)) => *id,
            _ => return BatchId::None,
        };
        let item_fields = self.fields_of(item).to_vec();
        let string_field = |k: &str| item_fields.iter().position(|f| f.wire == k && matches!(f.ty, Ty::Scalar(Scalar::String)));
        if let Some(k) = &l.id {
            return match string_field(k) {
                Some(i) => BatchId::Field(i),
                None => {
                    self.err(cx.file, at, format!("`id: {k}` is not a string field of the list's items"));
                    BatchId::None
                }
            };
        }
        // The results' id key, when the request items carry a field of that name.
        for r in cx.results {
            if let (Some(ri), Some(idf)) = (r.item, r.id) {
                let key = self.fields_of(ri).get(idf).map(|f| f.wire.clone());
                if let Some(i) = key.as_deref().and_then(string_field) {
                    return BatchId::Field(i);
                }
            }
        }
        BatchId::None
    }

    fn rate(&mut self, cx: &RuleCtx<'_>, r: &spec::RateSpec, at: &str) -> Option<Rate> {
        let Some(per) = Per::parse(&r.per) else {
            self.err(cx.file, at, format!("`per: {}`: expected second, minute, hour or day", r.per));
            return None;
        };
        if r.limit == 0 {
            self.err(cx.file, at, "`limit` must be at least 1".into());
            return None;
        }
        let req = self.fields_of(cx.request).to_vec();
        let counts = match &r.counts {
            None => None,
            Some(k) => {
                let i = self.rule_field(cx, cx.request, k, "request", at)?;
                if !matches!(req[i].ty, Ty::Array(_)) {
                    self.err(cx.file, at, format!("`counts: {k}` must be a request list (each item counts one)"));
                    return None;
                }
                Some(i)
            }
        };
        let scope = match &r.scope {
            None => None,
            Some(k) => {
                let i = self.rule_field(cx, cx.request, k, "request", at)?;
                if !matches!(req[i].ty, Ty::Scalar(Scalar::String)) && !matches!(req[i].ty, Ty::Scalar(s) if s.is_integer()) {
                    self.err(cx.file, at, format!("`scope: {k}` must be a string or integer request field"));
                    return None;
                }
                Some(i)
            }
        };
        let code = r.code.unwrap_or(60007);
        if !self.errors.iter().any(|e| e.code == code) {
            self.err(cx.file, at, format!("`code: {code}` is not in errors.yaml"));
        }
        let source = self.source(cx, &r.source, &format!("{at}.source"));
        Some(Rate { limit: r.limit, per, counts, scope, code, source, note: r.note.clone() })
    }
}
