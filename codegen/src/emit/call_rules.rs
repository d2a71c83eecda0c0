//! The rules around a call, as code: the limit checks, the pacing inputs and constants of the
//! `Endpoint` impl, the `Paged`/`PagedItems` and `Batched` impls, the `_pages`/`_items`/`_batched` call
//! functions and the registry records of the rules.

use super::{Emitter, ident};
use crate::model::*;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

/// An integer literal with no suffix (its type comes from what it is compared with).
fn int_lit(v: &Value) -> TokenStream {
    if let Some(i) = v.as_i64() {
        let l = Literal::i64_unsuffixed(i.abs());
        if i < 0 { quote!(-#l) } else { quote!(#l) }
    } else if let Some(u) = v.as_u64() {
        let l = Literal::u64_unsuffixed(u);
        quote!(#l)
    } else {
        quote!(0)
    }
}

fn opt_i64(v: Option<i64>) -> TokenStream {
    match v {
        Some(x) => {
            let l = Literal::i64_unsuffixed(x.abs());
            if x < 0 { quote!(Some(-#l)) } else { quote!(Some(#l)) }
        }
        None => quote!(None),
    }
}

/// Where a limit check is on its way down a field path.
struct Walk {
    /// The wire path so far, with `[{}]` for list indexes.
    label: String,
    /// The index variables of the enclosing loops.
    args: Vec<proc_macro2::Ident>,
    /// `let Some(..) = ..` conditions not yet opened.
    conds: Vec<TokenStream>,
    /// The current value (a place expression, or a reference when `is_ref`).
    value: TokenStream,
    is_ref: bool,
}

impl Walk {
    /// The closure naming the field for a violation.
    fn field(&self) -> TokenStream {
        let label = &self.label;
        let args = &self.args;
        if args.is_empty() { quote!(|| String::from(#label)) } else { quote!(|| format!(#label, #(#args),*)) }
    }

    /// Splits off the pending conditions and the value to loop over; the rest walks on inside the loop.
    fn into_loop(self, _n: usize) -> (Vec<TokenStream>, TokenStream, Walk) {
        let Walk { label, args, conds, value, .. } = self;
        (conds, value, Walk { label: format!("{label}[{{}}]"), args, conds: Vec::new(), value: quote!(), is_ref: true })
    }

    /// Fresh loop variables, recorded as the next index of the label.
    fn loop_vars(&mut self, n: usize) -> (proc_macro2::Ident, proc_macro2::Ident) {
        let i = format_ident!("i{}_{}", n, self.args.len());
        let w = format_ident!("w{}_{}", n, self.args.len());
        self.args.push(i.clone());
        (i, w)
    }
}

/// `body` under the pending `let Some(..)` conditions, as one `if let .. && let ..` chain.
fn wrap(conds: Vec<TokenStream>, body: TokenStream) -> TokenStream {
    if conds.is_empty() { quote!({ #body }) } else { quote!(if #(#conds)&&* { #body }) }
}

/// `Some("text")` or `None`.
pub(super) fn opt_str(v: Option<&str>) -> TokenStream {
    match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

impl Emitter<'_> {
    /// Index of the first rate rule of command `id` in the catalogue's table of pacing schedules, or
    /// `None` when it has no rules.
    pub(super) fn rate_slot(&self, id: CommandId) -> Option<usize> {
        let mut slot = 0usize;
        for cid in self.service_ids().flat_map(|s| self.command_ids(s)) {
            let rates = self.cat.command(cid).rates.len();
            if cid == id {
                return (rates > 0).then_some(slot);
            }
            slot += rates;
        }
        None
    }

    /// The table of every documented rate rule, in slot order (`Api::rate_table`).
    pub(super) fn rate_table(&self) -> Vec<TokenStream> {
        let rt = self.runtime_path();
        let mut out = Vec::new();
        for (svc, c) in self.cat.commands() {
            let path = format!("{}/{}", svc.wire, c.wire);
            for (i, r) in self.rate_rules(c).into_iter().enumerate() {
                let i = Literal::usize_unsuffixed(i);
                out.push(quote!(#rt::pacing::SlotRule::new(#path, #i, #r)));
            }
        }
        out
    }

    fn rate_rules(&self, c: &Command) -> Vec<TokenStream> {
        let rt = self.runtime_path();
        let req = self.cat.fields(c.request);
        c.rates
            .iter()
            .map(|r| {
                let limit = Literal::u64_unsuffixed(r.limit);
                let per = Literal::u64_unsuffixed(r.per.seconds());
                let counts = opt_str(r.counts.map(|i| req[i].wire.as_str()));
                let scope = opt_str(r.scope.map(|i| req[i].wire.as_str()));
                let code = Literal::i64_unsuffixed(r.code);
                let source = &r.source;
                quote!(#rt::pacing::RateRule::new(#limit, #per, #counts, #scope, #code, #source))
            })
            .collect()
    }

    /// The items of the `Endpoint` impl that come from the rules: `DOC`, `RATES`, `RATE_SLOT`,
    /// `check_limits`, `rate_units` and `rate_scope`.
    pub(super) fn endpoint_rule_items(&self, id: CommandId) -> TokenStream {
        let rt = self.runtime_path();
        let c = self.cat.command(id);
        let doc = &c.doc;
        let rules = self.rate_rules(c);
        let slot = match self.rate_slot(id) {
            Some(s) => {
                let s = Literal::usize_unsuffixed(s);
                quote!(Some(#s))
            }
            None => quote!(None),
        };
        let check = self.check_limits_fn(c);
        let req = self.cat.fields(c.request);
        let units: Vec<TokenStream> = c
            .rates
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let f = &req[r.counts?];
                let n = ident(&f.rust);
                let i = Literal::usize_unsuffixed(i);
                Some(if f.optional {
                    quote!(#i => self.#n.as_ref().map_or(0, |v| v.len() as u64),)
                } else {
                    quote!(#i => self.#n.len() as u64,)
                })
            })
            .collect();
        let units_fn = if units.is_empty() {
            quote!()
        } else {
            quote! {
                fn rate_units(&self, rule: usize) -> u64 {
                    match rule {
                        #(#units)*
                        _ => 1,
                    }
                }
            }
        };
        let scopes: Vec<TokenStream> = c
            .rates
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let f = &req[r.scope?];
                let n = ident(&f.rust);
                let i = Literal::usize_unsuffixed(i);
                Some(if f.optional {
                    quote!(#i => self.#n.as_ref().map(|v| v.to_string()),)
                } else {
                    quote!(#i => Some(self.#n.to_string()),)
                })
            })
            .collect();
        let scope_fn = if scopes.is_empty() {
            quote!()
        } else {
            quote! {
                fn rate_scope(&self, rule: usize) -> Option<String> {
                    match rule {
                        #(#scopes)*
                        _ => None,
                    }
                }
            }
        };
        let rates = if rules.is_empty() { quote!() } else { quote!(const RATES: &'static [#rt::pacing::RateRule] = &[#(#rules),*];) };
        let slot = if c.rates.is_empty() { quote!() } else { quote!(const RATE_SLOT: Option<usize> = #slot;) };
        quote! {
            const DOC: &'static str = #doc;
            #rates
            #slot
            #check
            #units_fn
            #scope_fn
        }
    }

    /// `check_limits`: one check per documented limit, walking the field path through options and lists.
    fn check_limits_fn(&self, c: &Command) -> TokenStream {
        let rt = self.runtime_path();
        if c.limits.is_empty() {
            return quote!();
        }
        let checks = c.limits.iter().map(|l| {
            let at = Walk { label: String::new(), args: Vec::new(), conds: Vec::new(), value: quote!(self), is_ref: true };
            self.limit_step(l, 0, at)
        });
        quote! {
            fn check_limits(&self) -> Result<(), Box<#rt::LimitViolation>> {
                #(#checks)*
                Ok(())
            }
        }
    }

    /// The check of limit `l` from path step `n` on.
    fn limit_step(&self, l: &Limit, n: usize, mut at: Walk) -> TokenStream {
        let Some(step) = l.path.get(n) else { return quote!() };
        let f = &self.cat.fields(step.ty)[step.field];
        let name = ident(&f.rust);
        at.label = if at.label.is_empty() { f.wire.clone() } else { format!("{}.{}", at.label, f.wire) };
        let value = &at.value;
        if f.optional {
            let v = format_ident!("v{}_{}", n, at.args.len());
            at.conds.push(quote!(let Some(#v) = &#value.#name));
            at.value = quote!(#v);
            at.is_ref = true;
        } else {
            at.value = quote!(#value.#name);
            at.is_ref = false;
        }
        if n + 1 == l.path.len() { self.limit_leaf(l, &f.ty, at, n) } else { self.limit_descend(l, n, &f.ty, at) }
    }

    /// Into the objects of a field on the way to the limited one.
    fn limit_descend(&self, l: &Limit, n: usize, ty: &Ty, at: Walk) -> TokenStream {
        match ty {
            Ty::Array(t) => {
                let (conds, value, mut inner_at) = at.into_loop(n);
                let (i, w) = inner_at.loop_vars(n);
                let inner = self.limit_descend(l, n, t, {
                    inner_at.value = quote!(#w);
                    inner_at.is_ref = true;
                    inner_at
                });
                wrap(conds, quote!(for (#i, #w) in #value.iter().enumerate() { #inner }))
            }
            _ => self.limit_step(l, n + 1, at),
        }
    }

    /// The check itself (lists of strings or integers are checked item by item).
    fn limit_leaf(&self, l: &Limit, ty: &Ty, at: Walk, n: usize) -> TokenStream {
        let rt = self.runtime_path();
        let code = opt_i64(l.code);
        let source = &l.source;
        match (l.rule, ty) {
            (LimitRule::MaxItems(max), _) => {
                let max = Literal::u64_unsuffixed(max);
                let (value, field) = (&at.value, at.field());
                wrap(at.conds, quote!(#rt::limits::items(Self::PATH, #value.len(), #max, #code, #source, #field)?;))
            }
            (_, Ty::Array(t)) => {
                let (conds, value, mut inner_at) = at.into_loop(n);
                let (i, w) = inner_at.loop_vars(n);
                inner_at.value = quote!(#w);
                inner_at.is_ref = true;
                let inner = self.limit_leaf(l, t, inner_at, n);
                wrap(conds, quote!(for (#i, #w) in #value.iter().enumerate() { #inner }))
            }
            (LimitRule::MaxBytes(max), _) => {
                let max = Literal::u64_unsuffixed(max);
                let field = at.field();
                let value = if at.is_ref {
                    at.value.clone()
                } else {
                    let v = &at.value;
                    quote!(&#v)
                };
                wrap(at.conds, quote!(#rt::limits::bytes(Self::PATH, #value, #max, #code, #source, #field)?;))
            }
            (LimitRule::Range { min, max }, _) => {
                let (min, max) = (opt_i64(min), opt_i64(max));
                let field = at.field();
                let value = if at.is_ref {
                    let v = &at.value;
                    quote!(*#v)
                } else {
                    at.value.clone()
                };
                wrap(at.conds, quote!(#rt::limits::range(Self::PATH, #value, #min, #max, #code, #source, #field)?;))
            }
        }
    }

    /// The `Paged` (and, with an items list, `PagedItems`) impl of a paged command.
    pub(super) fn paged_impls(&self, c: &Command) -> TokenStream {
        let rt = self.runtime_path();
        let Some(p) = &c.paging else { return quote!() };
        let owner = self.cat.types[c.request].owner;
        let req_ty = format_ident!("{}", self.cat.types[c.request].name);
        let resp_ty = format_ident!("{}", self.cat.types[c.response].name);
        let req = self.cat.fields(c.request);
        let resp = self.cat.fields(c.response);
        let items = p.items.map(|i| &resp[i]);
        let count = match items {
            Some(f) => {
                let n = ident(&f.rust);
                if f.optional { quote!(let count = reply.#n.as_ref().map_or(0, |v| v.len());) } else { quote!(let count = reply.#n.len();) }
            }
            None => quote!(),
        };
        let items_iter = items.map(|f| {
            let n = ident(&f.rust);
            if f.optional { quote!(reply.#n.iter().flatten()) } else { quote!(reply.#n.iter()) }
        });
        let reply_end: Vec<TokenStream> = p
            .end
            .iter()
            .filter_map(|e| match e {
                End::NoItems => Some(quote!(count == 0)),
                End::Field { field, value, negated } => Some(self.compare(&resp[*field], quote!(reply), value, *negated)),
                _ => None,
            })
            .collect();
        let next_end: Vec<TokenStream> = p
            .end
            .iter()
            .filter_map(|e| match e {
                End::Next { field, value } => Some(self.compare(&req[*field], quote!(next), value, false)),
                End::Reached { total, by } => {
                    let t = &resp[*total];
                    let b = &req[*by];
                    let tn = ident(&t.rust);
                    let bn = ident(&b.rust);
                    let by_v = if b.optional { quote!(next.#bn.unwrap_or(0)) } else { quote!(next.#bn) };
                    let total_v = |v: TokenStream| match &t.ty {
                        Ty::Ref(_) => quote!(i128::from(#v.value())),
                        _ => quote!(i128::from(#v)),
                    };
                    Some(if t.optional {
                        let tv = total_v(quote!(t));
                        quote!(reply.#tn.is_some_and(|t| i128::from(#by_v) >= #tv))
                    } else {
                        let tv = total_v(quote!(reply.#tn));
                        quote!(i128::from(#by_v) >= #tv)
                    })
                }
                _ => None,
            })
            .collect();
        let updates = p.next.iter().map(|cur| {
            let f = &req[cur.field];
            let n = ident(&f.rust);
            let set = |v: TokenStream| if f.optional { quote!(next.#n = Some(#v);) } else { quote!(next.#n = #v;) };
            let int_ty = |ty: &Ty| match ty {
                Ty::Scalar(s) => Self::scalar(*s),
                _ => quote!(u64),
            };
            match &cur.how {
                CursorHow::AddItems { unless } => {
                    let t = int_ty(&f.ty);
                    let cur_v = if f.optional { quote!(self.#n.unwrap_or(0)) } else { quote!(self.#n) };
                    let assign = set(quote!(#t::try_from(i128::from(#cur_v) + count as i128).unwrap_or(#t::MAX)));
                    match unless {
                        Some(u) => {
                            let uf = &resp[*u];
                            let un = ident(&uf.rust);
                            if uf.optional { quote!(if reply.#un.is_none() { #assign }) } else { quote!() }
                        }
                        None => assign,
                    }
                }
                CursorHow::From(src) => {
                    let s = &resp[*src];
                    let sn = ident(&s.rust);
                    let copy = matches!(s.ty, Ty::Scalar(k) if k.is_integer());
                    if s.optional {
                        let assign = if copy { set(quote!(*v)) } else { set(quote!(v.clone())) };
                        quote!(if let Some(v) = &reply.#sn { #assign })
                    } else if copy {
                        set(quote!(reply.#sn))
                    } else {
                        set(quote!(reply.#sn.clone()))
                    }
                }
                CursorHow::MinOf { item_field, minus } => {
                    let t = int_ty(&f.ty);
                    let Some(item_ty) = items.and_then(|f| match &f.ty {
                        Ty::Array(t) => match **t {
                            Ty::Ref(id) => Some(id),
                            _ => None,
                        },
                        _ => None,
                    }) else {
                        return quote!();
                    };
                    let itf = &self.cat.fields(item_ty)[*item_field];
                    let itn = ident(&itf.rust);
                    let minus = Literal::i128_suffixed(i128::from(*minus));
                    let iter = items_iter.clone().unwrap_or_else(|| quote!(std::iter::empty()));
                    let values = if itf.optional { quote!(#iter.filter_map(|it| it.#itn)) } else { quote!(#iter.map(|it| it.#itn)) };
                    let assign = set(quote!(#t::try_from((i128::from(least) - #minus).max(0)).unwrap_or(#t::MAX)));
                    quote!(if let Some(least) = #values.min() { #assign })
                }
            }
        });
        let reply_check = if reply_end.is_empty() { quote!() } else { quote!(if #(#reply_end)||* { return None; }) };
        let next_check = if next_end.is_empty() { quote!() } else { quote!(if #(#next_end)||* { return None; }) };
        let count_used =
            p.next.iter().any(|c| matches!(c.how, CursorHow::AddItems { .. })) || p.end.iter().any(|e| matches!(e, End::NoItems));
        let count = if count_used { count } else { quote!() };
        let items_impl = match items {
            Some(f) => {
                let Ty::Array(t) = &f.ty else { return quote!() };
                let item = self.rust_ty(t, owner);
                let n = ident(&f.rust);
                let take = if f.optional { quote!(reply.#n.take().unwrap_or_default()) } else { quote!(std::mem::take(&mut reply.#n)) };
                quote! {
                    impl #rt::paging::PagedItems for #req_ty {
                        type Item = #item;
                        fn take_items(reply: &mut #resp_ty) -> Vec<#item> {
                            #take
                        }
                    }
                }
            }
            None => quote!(),
        };
        quote! {
            impl #rt::paging::Paged for #req_ty {
                fn next_page(&self, reply: &#resp_ty) -> Option<Self> {
                    #count
                    #reply_check
                    let mut next = self.clone();
                    #(#updates)*
                    #next_check
                    Some(next)
                }
            }
            #items_impl
        }
    }

    /// `value.field == v` (or `!=` when negated and present) for a string, integer or integer-enum field.
    fn compare(&self, f: &Field, value: TokenStream, v: &Value, negated: bool) -> TokenStream {
        let n = ident(&f.rust);
        let is_enum = matches!(f.ty, Ty::Ref(_));
        match (v, f.optional) {
            (Value::String(s), true) => {
                if negated {
                    quote!(#value.#n.as_deref().is_some_and(|x| x != #s))
                } else {
                    quote!(#value.#n.as_deref() == Some(#s))
                }
            }
            (Value::String(s), false) => {
                if negated {
                    quote!(#value.#n != #s)
                } else {
                    quote!(#value.#n == #s)
                }
            }
            (_, optional) => {
                let lit = int_lit(v);
                let get = if is_enum { quote!(.map(|e| e.value())) } else { quote!() };
                match (optional, negated, is_enum) {
                    (true, false, _) => quote!(#value.#n #get == Some(#lit)),
                    (true, true, _) => quote!(#value.#n #get .is_some_and(|x| x != #lit)),
                    (false, false, true) => quote!(#value.#n.value() == #lit),
                    (false, true, true) => quote!(#value.#n.value() != #lit),
                    (false, false, false) => quote!(#value.#n == #lit),
                    (false, true, false) => quote!(#value.#n != #lit),
                }
            }
        }
    }

    /// The `Batched` impl of a command with batched lists.
    pub(super) fn batched_impl(&self, c: &Command) -> TokenStream {
        let rt = self.runtime_path();
        if c.batch.is_empty() {
            return quote!();
        }
        let req_ty = format_ident!("{}", self.cat.types[c.request].name);
        let req = self.cat.fields(c.request);
        let empty = |f: &Field| {
            let n = ident(&f.rust);
            if f.optional { quote!(template.#n = None;) } else { quote!(template.#n = Vec::new();) }
        };
        let clear = c.batch.iter().map(|b| empty(&req[b.list]));
        let randoms: Vec<TokenStream> = req
            .iter()
            .filter(|f| f.auto == Some(Auto::Random))
            .map(|f| {
                let n = ident(&f.rust);
                let v = if f.ty == Ty::Scalar(Scalar::U64) { quote!(fastrand::u64(..)) } else { quote!(fastrand::u32(..)) };
                if f.optional { quote!(request.#n = Some(#v);) } else { quote!(request.#n = #v;) }
            })
            .collect();
        let lists = c.batch.iter().map(|b| {
            let f = &req[b.list];
            let n = ident(&f.rust);
            let wire = &f.wire;
            let max = Literal::usize_unsuffixed(usize::try_from(b.max).unwrap_or(usize::MAX));
            let all = if f.optional { quote!(self.#n.as_deref().unwrap_or(&[])) } else { quote!(self.#n.as_slice()) };
            let set = if f.optional { quote!(request.#n = Some(chunk.to_vec());) } else { quote!(request.#n = chunk.to_vec();) };
            let id = match b.id {
                BatchId::Itself => quote!(Some(item.clone())),
                BatchId::Field(i) => {
                    let item_ty = match &f.ty {
                        Ty::Array(t) => match **t {
                            Ty::Ref(id) => Some(id),
                            _ => None,
                        },
                        _ => None,
                    };
                    match item_ty.map(|t| &self.cat.fields(t)[i]) {
                        Some(idf) => {
                            let idn = ident(&idf.rust);
                            if idf.optional { quote!(item.#idn.clone()) } else { quote!(Some(item.#idn.clone())) }
                        }
                        None => quote!(None),
                    }
                }
                BatchId::None => quote!({
                    let _ = item;
                    None
                }),
            };
            let fresh = if randoms.is_empty() { quote!() } else { quote!(if !parts.is_empty() { #(#randoms)* }) };
            quote! {
                let mut start = 0usize;
                for chunk in #all.chunks(#max) {
                    let mut request = template.clone();
                    #set
                    #fresh
                    let items = chunk
                        .iter()
                        .enumerate()
                        .map(|(i, item)| #rt::batch::ItemRef::new(#wire, start + i, #id))
                        .collect();
                    start += chunk.len();
                    parts.push(#rt::batch::BatchPart::new(request, items));
                }
            }
        });
        let ordered = c.batch.iter().any(|b| b.ordered);
        let ordered = if ordered {
            quote!(
                const ORDERED: bool = true;
            )
        } else {
            quote!()
        };
        quote! {
            impl #rt::batch::Batched for #req_ty {
                #ordered
                fn split(&self) -> Vec<#rt::batch::BatchPart<Self>> {
                    let mut template = self.clone();
                    #(#clear)*
                    let mut parts = Vec::new();
                    #(#lists)*
                    if parts.is_empty() {
                        parts.push(#rt::batch::BatchPart::new(self.clone(), Vec::new()));
                    }
                    parts
                }
            }
        }
    }

    /// The `_pages`, `_items` and `_batched` call functions of a command, for its service handle.
    pub(super) fn rule_call_fns(&self, c: &Command) -> TokenStream {
        let rt = self.runtime_path();
        let req = format_ident!("{}", self.cat.types[c.request].name);
        let f = &c.fn_name;
        let mut out = TokenStream::new();
        if let Some(p) = &c.paging {
            let pages = format_ident!("{}_pages", f);
            let doc = format!(
                "Every page of [`Self::{f}`], starting with `request`: a lazy stream of replies that builds each next request \
                 from the last reply ({}) and ends after the last page. A page that fails ends the stream with its error.",
                self.paging_summary(c, p)
            );
            out.extend(quote! {
                #[doc = #doc]
                pub fn #pages(&self, request: #req) -> #rt::paging::Pages<#req> {
                    self.client.runtime().pages(request)
                }
            });
            if let Some(i) = p.items {
                let items = format_ident!("{}_items", f);
                let list = &self.cat.fields(c.response)[i].wire;
                let doc = format!(
                    "Every item of `{list}` on every page of [`Self::{f}`], starting with `request`: a lazy stream that \
                     fetches the next page only when the items read so far are used up. A page that fails ends the \
                     stream with its error, after the items already read."
                );
                out.extend(quote! {
                    #[doc = #doc]
                    pub fn #items(&self, request: #req) -> #rt::paging::Items<#req> {
                        self.client.runtime().items(request)
                    }
                });
            }
        }
        if !c.batch.is_empty() {
            let batched = format_ident!("{}_batched", f);
            let req_fields = self.cat.fields(c.request);
            let lists: Vec<String> = c.batch.iter().map(|b| format!("`{}` ({} per request)", req_fields[b.list].wire, b.max)).collect();
            let ordered = if c.batch.iter().any(|b| b.ordered) { " The requests go one after another, in list order." } else { "" };
            let doc = format!(
                "[`Self::{f}`] with any number of items: {} split into requests of the documented size, every other field \
                 unchanged.{ordered} The outcome lists every item with its own result (see [`batch`]({rt}::batch)).",
                lists.join(" and "),
                rt = self.runtime
            );
            out.extend(quote! {
                #[doc = #doc]
                pub fn #batched<'r>(
                    &self,
                    request: &'r #req,
                ) -> impl std::future::Future<Output = #rt::batch::BatchOutcome<#req>> + Send + use<'a, 'r> {
                    self.client.runtime().call_batched(request)
                }
            });
        }
        out
    }

    /// The paging rule in words (see [`paging_summary`]).
    pub fn paging_summary(&self, c: &Command, p: &Paging) -> String {
        paging_summary(self.cat, c, p)
    }
}

/// A paging rule in words, e.g. "`Offset` advanced by the items received; the last page: `Next` is \"\"".
pub fn paging_summary(cat: &Catalogue, c: &Command, p: &Paging) -> String {
    const WORDS: PagingWords = PagingWords {
        add_items: |f, unless| match unless {
            None => format!("`{f}` advanced by the items received"),
            Some(u) => format!("`{f}` advanced by the items received (unless the reply carries `{u}`)"),
        },
        from: |f, s| format!("`{f}` from the reply's `{s}`"),
        min_of: |f, item, minus| format!("`{f}` = the smallest `{item}` received minus {minus}"),
        no_items: "a page has no items",
        field_is: |f, value, negated| format!("`{f}` is {}{value}", if negated { "not " } else { "" }),
        next_is: |f, value| format!("the next `{f}` would be {value}"),
        reached: |by, total| format!("`{by}` reaches `{total}`"),
    };
    let (next, end) = cat.paging_words(c, p, &WORDS);
    format!("{}; the last page: {}", next.join(", "), end.join(" or "))
}

impl Emitter<'_> {
    /// The registry fields of the rules: `rates`, `rate_slot`, `limits`, `paging`, `batch`.
    pub(super) fn registry_rule_fields(&self, id: CommandId) -> TokenStream {
        let rt = self.runtime_path();
        let c = self.cat.command(id);
        let req_ty = self.type_path(c.request, Owner::Service(id.service));
        let rates = if c.rates.is_empty() { quote!(&[]) } else { quote!(<#req_ty as #rt::Endpoint>::RATES) };
        let slot = match self.rate_slot(id) {
            Some(s) => {
                let s = Literal::usize_unsuffixed(s);
                quote!(Some(#s))
            }
            None => quote!(None),
        };
        let limits = c.limits.iter().map(|l| {
            let field = &l.wire;
            let limit = match l.rule {
                LimitRule::MaxItems(n) => {
                    let n = Literal::u64_unsuffixed(n);
                    quote!(#rt::limits::Limit::MaxItems(#n))
                }
                LimitRule::MaxBytes(n) => {
                    let n = Literal::u64_unsuffixed(n);
                    quote!(#rt::limits::Limit::MaxBytes(#n))
                }
                LimitRule::Range { min, max } => {
                    let (min, max) = (opt_i64(min), opt_i64(max));
                    quote!(#rt::limits::Limit::Range { min: #min, max: #max })
                }
            };
            let code = opt_i64(l.code);
            let source = &l.source;
            quote!(#rt::limits::LimitInfo::new(#field, #limit, #code, #source))
        });
        let req = self.cat.fields(c.request);
        let resp = self.cat.fields(c.response);
        let paging = match &c.paging {
            None => quote!(None),
            Some(p) => {
                let items = opt_str(p.items.map(|i| resp[i].wire.as_str()));
                let size = opt_str(p.size.map(|i| req[i].wire.as_str()));
                let next = p.next.iter().map(|cur| {
                    let f = &req[cur.field];
                    let field = &f.wire;
                    let string = matches!(f.ty, Ty::Scalar(Scalar::String));
                    let how = match &cur.how {
                        CursorHow::AddItems { unless } => {
                            let unless = opt_str(unless.map(|u| resp[u].wire.as_str()));
                            quote!(#rt::registry::CursorHow::AddItems { unless: #unless })
                        }
                        CursorHow::From(s) => {
                            let s = &resp[*s].wire;
                            quote!(#rt::registry::CursorHow::From(#s))
                        }
                        CursorHow::MinOf { item_field, minus } => {
                            let item = p
                                .items
                                .and_then(|i| match &resp[i].ty {
                                    Ty::Array(t) => match **t {
                                        Ty::Ref(id) => self.cat.fields(id).get(*item_field).map(|f| f.wire.clone()),
                                        _ => None,
                                    },
                                    _ => None,
                                })
                                .unwrap_or_default();
                            let minus = Literal::u64_unsuffixed(*minus);
                            quote!(#rt::registry::CursorHow::MinOf { field: #item, minus: #minus })
                        }
                    };
                    quote!(#rt::registry::CursorInfo::new(#field, #string, #how))
                });
                let end = p.end.iter().map(|e| match e {
                    End::NoItems => quote!(#rt::registry::EndInfo::NoItems),
                    End::Field { field, value, negated } => {
                        let field = &resp[*field].wire;
                        match value {
                            Value::String(s) => quote!(#rt::registry::EndInfo::Str { field: #field, value: #s, negated: #negated }),
                            v => {
                                let lit = Literal::i64_unsuffixed(v.as_i64().unwrap_or(0));
                                quote!(#rt::registry::EndInfo::Int { field: #field, value: #lit, negated: #negated })
                            }
                        }
                    }
                    End::Next { field, value } => {
                        // As data, a condition on the next request: the same field name on the request side.
                        let field = &req[*field].wire;
                        match value {
                            Value::String(s) => quote!(#rt::registry::EndInfo::NextStr { field: #field, value: #s }),
                            v => {
                                let lit = Literal::i64_unsuffixed(v.as_i64().unwrap_or(0));
                                quote!(#rt::registry::EndInfo::NextInt { field: #field, value: #lit })
                            }
                        }
                    }
                    End::Reached { total, by } => {
                        let total = &resp[*total].wire;
                        let by = &req[*by].wire;
                        quote!(#rt::registry::EndInfo::Reached { total: #total, by: #by })
                    }
                });
                quote!(Some(&#rt::registry::PagingInfo::new(#items, #size, &[#(#next),*], &[#(#end),*])))
            }
        };
        let batch = c.batch.iter().map(|b| req[b.list].wire.as_str());
        quote! {
            rates: #rates,
            rate_slot: #slot,
            limits: &[#(#limits),*],
            paging: #paging,
            batch: &[#(#batch),*],
        }
    }
}
