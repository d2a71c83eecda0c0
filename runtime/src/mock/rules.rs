//! The local server keeps the rules around the calls: documented limits (a request over one gets the
//! documented error code), documented rates (when told to enforce them, a call over the rate gets the
//! throttling code) and paging (a command's list, given by the test, is served page by page with the
//! command's own cursor scheme).

use crate::pacing::{JsonInput, LocalStore, Rate, RateInput, Reservation, Reserved};
use crate::registry::{CommandInfo, CursorHow, EndInfo, PagingInfo};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The code a request over a limit gets when neither the command's page nor its service names one.
pub(super) const DEFAULT_LIMIT_CODE: i64 = 60003;

/// Rate enforcement: the documented rates (or overrides), each a schedule that allows a whole period's
/// worth at once and then refills, like a per-period counter.
#[derive(Default)]
pub(super) struct RateGuard {
    pub enforce: bool,
    pub overrides: HashMap<String, Rate>,
    pub store: LocalStore,
}

impl RateGuard {
    /// The throttling code to answer, when the call is over one of its command's rates.
    pub(super) fn check(&self, info: &CommandInfo, body: &Value) -> Option<i64> {
        if !self.enforce {
            return None;
        }
        let input = JsonInput { body, rules: info.rates };
        let over = self.overrides.get(info.path);
        let rules: Vec<(usize, Rate, i64)> = match (over, info.rates.is_empty()) {
            (Some(r), true) => vec![(0, *r, 60007)],
            (Some(r), false) => info
                .rates
                .iter()
                .enumerate()
                .map(|(i, rule)| (i, if rule.counts.is_none() { *r } else { rule.rate() }, rule.code))
                .collect(),
            (None, _) => info.rates.iter().enumerate().map(|(i, rule)| (i, rule.rate(), rule.code)).collect(),
        };
        for (i, rate, code) in rules {
            let interval = rate.interval_nanos();
            let key = match input.scope(i) {
                Some(s) => format!("{}:{i}:{s}", info.path),
                None => format!("{}:{i}", info.path),
            };
            let r = Reservation {
                key: &key,
                interval_nanos: interval,
                units: input.units(i),
                tolerance_nanos: interval.saturating_mul(rate.limit.saturating_sub(1)),
                max_wait_nanos: 0,
            };
            if let Reserved::TooLong(_) = self.store.reserve_now(&r) {
                return Some(code);
            }
        }
        None
    }
}

/// Lists to serve page by page, per command, and the cursors handed out.
#[derive(Default)]
pub(super) struct PagedData {
    /// Per `servicename/command`.
    pub items: HashMap<&'static str, Vec<Value>>,
    /// Issued cursor values (as JSON text) -> the position they stand for.
    pub tokens: HashMap<String, usize>,
    pub next_token: u64,
    pub default_page_size: usize,
}

impl PagedData {
    pub(super) fn new() -> Self {
        PagedData { next_token: 1000, default_page_size: 100, ..PagedData::default() }
    }

    fn issue(&mut self, pos: usize, string: bool) -> Value {
        self.next_token += 1;
        let v = if string { Value::String(format!("c{}", self.next_token)) } else { Value::from(self.next_token) };
        self.tokens.insert(v.to_string(), pos);
        v
    }

    /// The page `request` asks for, as a whole reply body built on `base` (the command's example reply).
    pub(super) fn page(&mut self, path: &str, paging: &PagingInfo, request: &Value, base: Value) -> Option<Value> {
        let items_key = paging.items?;
        let get = |k: &str| request.get(k).filter(|v| !v.is_null());
        let carrier = paging.next.iter().find(|c| matches!(c.how, CursorHow::From(_)));
        let adder = paging.next.iter().find(|c| matches!(c.how, CursorHow::AddItems { .. }));
        let walker = paging.next.iter().find_map(|c| match c.how {
            CursorHow::MinOf { field, .. } => Some((c.field, field)),
            _ => None,
        });
        let from_token = carrier.map(|c| get(c.field).and_then(|v| self.tokens.get(&v.to_string()).copied()).unwrap_or(0));
        let all = self.items.get(path)?;
        let pos = if let Some(p) = from_token {
            p
        } else if let Some(c) = adder {
            get(c.field).and_then(Value::as_u64).map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
        } else if let Some((cursor, field)) = walker {
            match get(cursor).and_then(Value::as_u64) {
                Some(seq) => all.iter().position(|it| it.get(field).and_then(Value::as_u64).is_some_and(|s| s <= seq)).unwrap_or(all.len()),
                None => 0,
            }
        } else {
            0
        }
        .min(all.len());
        let size = paging
            .size
            .and_then(get)
            .and_then(Value::as_u64)
            .map_or(self.default_page_size, |n| usize::try_from(n).unwrap_or(usize::MAX))
            .max(1);
        let end = pos.saturating_add(size).min(all.len());
        let last = end >= all.len();
        let total = all.len();
        // Only the page is copied, not the whole list.
        let page = all[pos..end].to_vec();
        let Value::Object(mut reply) = base else { return None };
        reply.insert(items_key.to_owned(), Value::Array(page));
        // Cursors: every `from` field of the reply carries a token for the next position.
        for c in paging.next {
            if let CursorHow::From(field) = c.how {
                let token = self.issue(end, c.string);
                reply.insert(field.to_owned(), token);
            }
        }
        for e in paging.end {
            match *e {
                EndInfo::Str { field, value, negated } => set_end(&mut reply, field, last, Value::from(value), negated),
                EndInfo::Int { field, value, negated } => set_end(&mut reply, field, last, Value::from(value), negated),
                EndInfo::Reached { total: total_key, .. } => {
                    reply.insert(total_key.to_owned(), Value::from(total));
                }
                EndInfo::NoItems | EndInfo::NextStr { .. } | EndInfo::NextInt { .. } => {}
            }
        }
        Some(Value::Object(reply))
    }
}

/// Sets an end flag: its end value on the last page; on other pages, a value that is not it (a cursor
/// token the cursor rules already put there is kept).
fn set_end(reply: &mut Map<String, Value>, field: &str, last: bool, value: Value, negated: bool) {
    let other = |v: &Value| match v {
        Value::String(s) if s.is_empty() => Value::String("more".into()),
        Value::String(_) => Value::String(String::new()),
        Value::Number(n) if n.as_i64() == Some(0) => Value::from(1),
        _ => Value::from(0),
    };
    if last {
        let end_value = if negated { other(&value) } else { value };
        reply.insert(field.to_owned(), end_value);
    } else if negated {
        reply.insert(field.to_owned(), value);
    } else if !reply.get(field).is_some_and(|v| *v != value && !v.is_null()) {
        reply.insert(field.to_owned(), other(&value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::CursorInfo;

    static NEXT: [CursorInfo; 1] = [CursorInfo::new("Next", false, CursorHow::From("Next"))];
    static END: [EndInfo; 1] = [EndInfo::Int { field: "Next", value: 0, negated: false }];
    static PAGING: PagingInfo = PagingInfo::new(Some("GroupIdList"), Some("Limit"), &NEXT, &END);

    #[test]
    fn a_list_is_served_page_by_page_with_tokens_and_the_end_value() {
        let mut d = PagedData::new();
        d.items.insert(
            "group_open_http_svc/get_appid_group_list",
            (0..5).map(|i| serde_json::json!({ "GroupId": format!("g{i}") })).collect(),
        );
        let base = serde_json::json!({ "ActionStatus": "OK", "ErrorCode": 0, "Next": 4454685361u64, "TotalCount": 5 });
        let first =
            d.page("group_open_http_svc/get_appid_group_list", &PAGING, &serde_json::json!({ "Limit": 2 }), base.clone()).expect("page");
        assert_eq!(first["GroupIdList"].as_array().map(Vec::len), Some(2));
        let next = first["Next"].clone();
        assert_ne!(next, Value::from(0));
        let second = d
            .page("group_open_http_svc/get_appid_group_list", &PAGING, &serde_json::json!({ "Limit": 2, "Next": next }), base.clone())
            .expect("page");
        assert_eq!(second["GroupIdList"][0]["GroupId"], "g2");
        let third = d
            .page("group_open_http_svc/get_appid_group_list", &PAGING, &serde_json::json!({ "Limit": 2, "Next": second["Next"] }), base)
            .expect("page");
        assert_eq!(third["GroupIdList"].as_array().map(Vec::len), Some(1));
        assert_eq!(third["Next"], Value::from(0), "the last page carries the end value");
    }
}
