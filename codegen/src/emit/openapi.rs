//! The whole catalogue as an OpenAPI 3.1 document (`generated/openapi.json`), for clients in other
//! languages and for API tools.
//!
//! Built from the same validated [`Catalogue`] as the Rust emitter, so it cannot say anything the
//! generated crate does not:
//!
//! - one `POST /v4/{servicename}/{command}` operation per command (`operationId` = `<module>_<function>`,
//!   the Rust call `client.<module>().<function>(..)`), with the common query parameters of the wire
//!   protocol, the request schema, the reply schema (the envelope combined with the payload) and the
//!   official examples verbatim;
//! - one webhook per callback command (OpenAPI 3.1 `webhooks`), with the callback query parameters, the
//!   event schema, the reply schema and the examples;
//! - one schema per catalogue type under `components/schemas`, named after its Rust type;
//! - the error-code table, globally and per operation (`x-error-codes`).
//!
//! How catalogue types map to JSON Schema (2020-12, OpenAPI 3.1's dialect):
//!
//! | catalogue | schema |
//! |---|---|
//! | `string`, `bool`, `f64` | `type: string` / `boolean` / `number` (`format: double`) |
//! | `i32` `u32` `i64` `u64` | `type: integer`, `format` of that name, `minimum`/`maximum` of the width |
//! | `json` | `{}` (any value), with a description |
//! | `[T]`, `map<T>` | `type: array` + `items`; `type: object` + `additionalProperties` |
//! | object | `type: object`, `properties` in documentation order, `required` (see below) |
//! | enum | `enum` of the known values, `x-enum-varnames` (Rust variants), `x-enum-descriptions` |
//! | union (`MsgType` + `MsgContent`) | `oneOf` of one schema per variant (`<Union><Variant>`), `discriminator` on the tag |
//! | oneof (several JSON kinds) | `anyOf`, tried in order like the Rust decoder |
//!
//! Strict requests, tolerant replies: objects only sent (request bodies, callback replies) have
//! `additionalProperties: false`; objects that are read accept other keys. A field is required when
//! the catalogue makes it required, except a list or map in an object that is read (absence reads as
//! empty, as the SDK decodes it). Keys the official pages also spell another way (`aliases`) are listed
//! as `deprecated` properties of objects that are read. A reply is the envelope plus the payload when
//! it succeeds (`ErrorCode` 0 and `ActionStatus` not `FAIL`), or the envelope alone otherwise
//! (`anyOf` of the two).

use super::json::Json;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// The regional hosts of the REST API, primary and backup, as the runtime knows them
/// (`runtime/src/region.rs`, from the official REST API introduction): (region, primary, backup).
pub const HOSTS: [(&str, &str, &str); 8] = [
    ("China (Chinese mainland)", "console.tim.qq.com", "adminapi.my-imcloud.com"),
    ("Singapore", "adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com"),
    ("Seoul", "adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com"),
    ("Tokyo", "adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com"),
    ("Frankfurt", "adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com"),
    ("Mumbai", "adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com"),
    ("Silicon Valley", "adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com"),
    ("Jakarta", "adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com"),
];

/// The shared schema of the reply envelope.
pub const ENVELOPE: &str = "Envelope";
/// The shared schema of a failed reply (the envelope alone).
pub const ERROR_REPLY: &str = "ErrorReply";

const REST_PARAMS: [&str; 5] = ["sdkappid", "identifier", "usersig", "random", "contenttype"];
const CALLBACK_PARAMS: [&str; 6] =
    ["CallbackSdkAppid", "CallbackContentType", "CallbackClientIP", "CallbackOptPlatform", "CallbackSign", "CallbackRequestTime"];

/// The OpenAPI 3.1 document of the catalogue, keys in a fixed order.
pub fn document(cat: &Catalogue) -> Json {
    Doc::new(cat).document()
}

/// [`document`] as pretty-printed JSON text with a trailing newline (the contents of
/// `generated/openapi.json`).
pub fn render(cat: &Catalogue) -> String {
    document(cat).to_pretty_string()
}

/// The JSON Pointer reference of a schema component.
fn schema_ref(name: &str) -> Json {
    Json::obj().set("$ref", format!("#/components/schemas/{name}"))
}

fn param_ref(name: &str) -> Json {
    Json::obj().set("$ref", format!("#/components/parameters/{name}"))
}

struct Doc<'a> {
    cat: &'a Catalogue,
    /// Component name of every type.
    names: Vec<String>,
    /// Component names of the variant wrappers of unions: (type, variant index) -> name.
    variant_names: BTreeMap<(TypeId, usize), String>,
}

impl<'a> Doc<'a> {
    fn new(cat: &'a Catalogue) -> Self {
        // Rust names are unique within a module; where two modules use the same name, the component
        // name is prefixed with the module in PascalCase.
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &cat.types {
            *count.entry(t.name.as_str()).or_default() += 1;
        }
        let mut taken: BTreeSet<String> = [ENVELOPE.to_owned(), ERROR_REPLY.to_owned()].into();
        let mut names = Vec::with_capacity(cat.types.len());
        for t in &cat.types {
            let base = if count[t.name.as_str()] > 1 || taken.contains(&t.name) {
                let prefix = match t.owner {
                    Owner::Callbacks(_) => format!("Callbacks{}", pascal(owner_module(cat, t.owner))),
                    _ => pascal(owner_module(cat, t.owner)),
                };
                format!("{prefix}{}", t.name)
            } else {
                t.name.clone()
            };
            names.push(unique(&mut taken, base));
        }
        let mut variant_names = BTreeMap::new();
        for (id, t) in cat.types_with_ids() {
            if let TypeKind::Union { variants, .. } = &t.kind {
                for (i, v) in variants.iter().enumerate() {
                    variant_names.insert((id, i), unique(&mut taken, format!("{}{}", names[id.0], v.rust)));
                }
            }
        }
        Doc { cat, names, variant_names }
    }

    fn document(&self) -> Json {
        let cat = self.cat;
        let mut paths = Json::obj();
        for (si, s) in cat.services.iter().enumerate() {
            for (index, c) in s.commands.iter().enumerate() {
                let id = CommandId { service: ServiceId(si), index };
                paths.insert(&format!("/v4/{}/{}", s.wire, c.wire), Json::obj().set("post", self.operation(id)));
            }
        }
        let mut webhooks = Json::obj();
        for (gi, g) in cat.callbacks.iter().enumerate() {
            for (index, c) in g.callbacks.iter().enumerate() {
                webhooks.insert(&c.command, Json::obj().set("post", self.webhook(CallbackId { group: GroupId(gi), index })));
            }
        }
        let mut tags: Vec<Json> = cat
            .services
            .iter()
            .map(|s| {
                Json::obj()
                    .set("name", &s.wire)
                    .set("description", join_paragraphs(&[Some(s.title.both()), s.description.clone()]))
                    .set("x-title-zh", &s.title.zh)
                    .set("x-rust-module", format!("tim_rest::{}", s.module))
            })
            .collect();
        tags.extend(cat.callbacks.iter().map(|g| {
            Json::obj()
                .set("name", callback_tag(g))
                .set("description", join_paragraphs(&[Some(format!("Callbacks: {}", g.title.both())), g.description.clone()]))
                .set("x-title-zh", &g.title.zh)
                .set("x-rust-module", format!("tim_rest::callbacks::{}", g.module))
        }));
        let n_commands: usize = cat.services.iter().map(|s| s.commands.len()).sum();
        let n_callbacks: usize = cat.callbacks.iter().map(|g| g.callbacks.len()).sum();
        let description = format!(
            "The server-side REST API of Tencent Cloud IM (Chat, 即时通信 IM) and the callbacks its server sends to an \
             app, as catalogued by the tim-rest project: {n_commands} commands in {} services and {n_callbacks} callback \
             commands. Generated by `cargo xtask gen` from `spec/`; do not edit.\n\n\
             Every call is `POST https://<regional host>/v4/<servicename>/<command>` with the query parameters \
             `sdkappid`, `identifier`, `usersig`, `random` and `contenttype=json` and a JSON body (`{{}}` when a command \
             has no fields). HTTP status is 200 unless the network or a gateway fails; the outcome is in the reply's \
             envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`, ...). An app lives in one region: a call to another \
             region's host fails with 70016 or 70020. The backup host of a region is for when its primary host cannot \
             be reached.\n\n\
             The protocol: https://www.tencentcloud.com/document/product/1047/34620 (RESTful API overview).",
            cat.services.len()
        );
        Json::obj()
            .set("openapi", "3.1.0")
            .set(
                "info",
                Json::obj()
                    .set("title", "Tencent Cloud IM REST API")
                    .set("version", env!("CARGO_PKG_VERSION"))
                    .set("description", description)
                    .set("license", Json::obj().set("name", "MIT OR Apache-2.0").set("identifier", "MIT OR Apache-2.0")),
            )
            .set("servers", self.servers())
            .set("tags", Json::Array(tags))
            .set("paths", paths)
            .set("webhooks", webhooks)
            .set("components", self.components())
            .set("x-error-codes", Json::Array(cat.errors.iter().map(error_entry).collect()))
            .set("x-not-modelled", self.not_modelled())
    }

    fn servers(&self) -> Json {
        let mut out = Vec::new();
        for (region, primary, backup) in HOSTS {
            out.push(Json::obj().set("url", format!("https://{primary}")).set("description", region));
            out.push(Json::obj().set("url", format!("https://{backup}")).set("description", format!("{region}, backup host")));
        }
        Json::Array(out)
    }

    fn not_modelled(&self) -> Json {
        let commands = self
            .cat
            .gaps
            .iter()
            .map(|g| {
                Json::obj()
                    .set("path", format!("/v4/{}/{}", g.service, g.command))
                    .set("reason", g.reason.trim())
                    .set_opt("doc", g.doc.as_ref())
            })
            .collect();
        let callbacks = self
            .cat
            .callback_gaps
            .iter()
            .map(|g| Json::obj().set("command", &g.command).set("reason", g.reason.trim()).set_opt("doc", g.doc.as_ref()))
            .collect();
        Json::obj().set("commands", Json::Array(commands)).set("callbacks", Json::Array(callbacks))
    }

    // ---- operations ----

    fn operation(&self, id: CommandId) -> Json {
        let s = &self.cat.services[id.service];
        let c = self.cat.command(id);
        let mut notes = vec![c.description.clone()];
        if c.partial {
            notes.push(Some(
                "The reply is only partly documented: the listed fields are the known ones, and the reply may carry others.".into(),
            ));
        }
        notes.push(Some(format!("Rust: `client.{}().{}(&{})`.", s.module, c.fn_name, self.cat.types[c.request].name)));
        notes.push(Some(doc_links(&c.doc, c.doc_en.as_deref())));
        let params: Vec<Json> = REST_PARAMS.iter().map(|p| param_ref(p)).collect();
        let mut op = operation_head(&c.op, &s.wire, format!("{}_{}", s.module, c.fn_name), &notes)
            .set("x-retry", c.retry.spelling())
            .set("parameters", Json::Array(params));
        let (req_ex, resp_ex) = examples(&c.examples);
        let mut req_media = Json::obj().set("schema", schema_ref(&self.names[c.request.0]));
        if !req_ex.is_empty_object() {
            req_media.insert("examples", req_ex);
        }
        op.insert(
            "requestBody",
            Json::obj()
                .set("required", true)
                .set("description", "The command's JSON body; `{}` when it has no fields.")
                .set("content", Json::obj().set("application/json", req_media)),
        );
        let success = Json::obj()
            .set("title", "Success")
            .set("allOf", Json::Array(vec![schema_ref(ENVELOPE), schema_ref(&self.names[c.response.0])]));
        let mut resp_media = Json::obj().set("schema", Json::obj().set("anyOf", Json::Array(vec![success, schema_ref(ERROR_REPLY)])));
        if !resp_ex.is_empty_object() {
            resp_media.insert("examples", resp_ex);
        }
        op.insert(
            "responses",
            Json::obj().set(
                "200",
                Json::obj()
                    .set(
                        "description",
                        "The reply: the envelope, plus the payload when the call succeeded (`ErrorCode` 0). HTTP status is \
                         200 whatever the outcome.",
                    )
                    .set("content", Json::obj().set("application/json", resp_media)),
            ),
        );
        if !c.results.is_empty() {
            op.insert("x-item-results", self.item_results(c));
        }
        if let Some(p) = &c.paging {
            op.insert("x-paging", self.paging(c, p));
        }
        if !c.limits.is_empty() {
            op.insert("x-limits", Json::Array(c.limits.iter().map(limit_entry).collect()));
        }
        if !c.rates.is_empty() {
            op.insert("x-rates", Json::Array(c.rates.iter().map(|r| self.rate_entry(c, r)).collect()));
        }
        op.insert("x-error-codes", self.command_codes(c));
        op
    }

    fn item_results(&self, c: &Command) -> Json {
        let resp = self.cat.fields(c.response);
        let items = c
            .results
            .iter()
            .map(|r| {
                let item_fields = r.item.map(|t| self.cat.fields(t)).unwrap_or(&[]);
                let key = |i: Option<usize>| i.and_then(|i| item_fields.get(i)).map(|f| f.wire.clone());
                Json::obj()
                    .set_opt("list", resp.get(r.list).map(|f| f.wire.clone()))
                    .set_opt("id", key(r.id))
                    .set_opt("code", key(r.code))
                    .set_opt("info", key(r.info))
                    .set("ok", Json::Array(r.ok.iter().map(|&x| Json::from(x)).collect()))
            })
            .collect();
        Json::Array(items)
    }

    /// The paging rule with wire keys: which reply list holds a page, how the next request is made, which
    /// reply is the last.
    fn paging(&self, c: &Command, p: &Paging) -> Json {
        let req = self.cat.fields(c.request);
        let resp = self.cat.fields(c.response);
        let rq = |i: usize| req.get(i).map(|f| f.wire.clone());
        let rs = |i: usize| resp.get(i).map(|f| f.wire.clone());
        let item_fields = p
            .items
            .and_then(|i| resp.get(i))
            .and_then(|f| match &f.ty {
                Ty::Array(t) => match t.as_ref() {
                    Ty::Ref(id) => Some(self.cat.fields(*id)),
                    _ => None,
                },
                _ => None,
            })
            .unwrap_or(&[]);
        let next: Vec<Json> = p
            .next
            .iter()
            .map(|cur| {
                let e = Json::obj().set_opt("field", rq(cur.field));
                match &cur.how {
                    CursorHow::AddItems { unless } => e.set("add", "items").set_opt("unless", unless.and_then(rs)),
                    CursorHow::From(i) => e.set_opt("from", rs(*i)),
                    CursorHow::MinOf { item_field, minus } => {
                        e.set_opt("min_of", item_fields.get(*item_field).map(|f| f.wire.clone())).set("minus", *minus)
                    }
                }
            })
            .collect();
        let end: Vec<Json> = p
            .end
            .iter()
            .map(|e| match e {
                End::NoItems => Json::from("no_items"),
                End::Field { field, value, negated } => {
                    Json::obj().set_opt("field", rs(*field)).set(if *negated { "not" } else { "is" }, Json::from(value))
                }
                End::Next { field, value } => Json::obj().set_opt("next", rq(*field)).set("is", Json::from(value)),
                End::Reached { total, by } => Json::obj().set_opt("reached", rs(*total)).set_opt("by", rq(*by)),
            })
            .collect();
        Json::obj()
            .set_opt("items", p.items.and_then(rs))
            .set_opt("size", p.size.and_then(rq))
            .set("next", Json::Array(next))
            .set("end", Json::Array(end))
            .set("source", &p.source)
    }

    fn rate_entry(&self, c: &Command, r: &Rate) -> Json {
        let req = self.cat.fields(c.request);
        Json::obj()
            .set("limit", r.limit)
            .set("per", r.per.spelling())
            .set_opt("counts", r.counts.and_then(|i| req.get(i)).map(|f| f.wire.clone()))
            .set_opt("scope", r.scope.and_then(|i| req.get(i)).map(|f| f.wire.clone()))
            .set("code", r.code)
            .set("source", &r.source)
    }

    /// The codes the catalogue names for a command: its limits' and rates' codes and the codes of its
    /// failure examples, each with the table's meaning when the table has it.
    fn command_codes(&self, c: &Command) -> Json {
        let mut codes: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
        for l in &c.limits {
            if let Some(code) = l.code {
                codes.entry(code).or_default().insert(format!("limit on {}", l.wire));
            }
        }
        for r in &c.rates {
            codes.entry(r.code).or_default().insert(format!("rate of {} per {}", r.limit, r.per.spelling()));
        }
        for e in &c.examples {
            if let Some((_, serde_json::Value::Object(m))) = &e.response
                && let Some(code) = m.get("ErrorCode").and_then(serde_json::Value::as_i64)
                && code != 0
            {
                codes.entry(code).or_default().insert("official example".into());
            }
        }
        self.code_list(codes)
    }

    fn code_list(&self, codes: BTreeMap<i64, BTreeSet<String>>) -> Json {
        Json::Array(
            codes
                .into_iter()
                .map(|(code, why)| {
                    let mut e = match self.cat.errors.iter().find(|e| e.code == code) {
                        Some(known) => error_entry(known),
                        None => Json::obj().set("code", code),
                    };
                    e.insert("where", Json::Array(why.into_iter().map(Json::from).collect()));
                    e
                })
                .collect(),
        )
    }

    // ---- webhooks ----

    fn webhook(&self, id: CallbackId) -> Json {
        let g = &self.cat.callbacks[id.group];
        let c = self.cat.callback(id);
        let when = match c.when {
            When::Before => "before",
            When::After => "after",
        };
        let decides = match c.when {
            When::Before => "The app's reply decides the outcome by its `ErrorCode` (see `x-outcomes`).",
            When::After => "A notification: the IM server ignores the reply's content.",
        };
        let notes = [
            c.description.clone(),
            Some(format!("The IM server POSTs this event to the app's callback URL with `CallbackCommand={}`. {decides}", c.command)),
            Some(format!("Rust: `tim_rest::callbacks::{}::{}Event`.", g.module, c.pascal)),
            Some(doc_links(&c.doc, c.doc_en.as_deref())),
        ];
        let mut params: Vec<Json> = vec![param_ref(CALLBACK_PARAMS[0])];
        params.push(
            Json::obj()
                .set("name", "CallbackCommand")
                .set("in", "query")
                .set("required", true)
                .set("description", "The callback command; also the event's `CallbackCommand` key.")
                .set("schema", Json::obj().set("type", "string").set("const", &c.command)),
        );
        params.extend(CALLBACK_PARAMS[1..].iter().map(|p| param_ref(p)));
        // A callback example's request is the event and its response the reply.
        let (event_ex, reply_ex) = examples(&c.examples);
        let mut event_media = Json::obj().set("schema", schema_ref(&self.names[c.event.0]));
        if !event_ex.is_empty_object() {
            event_media.insert("examples", event_ex);
        }
        // The app writes the reply: nothing but the envelope and the reply fields (strict, like a request).
        let reply_schema = match c.reply {
            Some(r) => Json::obj().set("allOf", Json::Array(vec![schema_ref(ENVELOPE), schema_ref(&self.names[r.0])])),
            None => Json::obj().set("allOf", Json::Array(vec![schema_ref(ENVELOPE)])),
        }
        .set("unevaluatedProperties", false);
        let mut reply_media = Json::obj().set("schema", reply_schema);
        if !reply_ex.is_empty_object() {
            reply_media.insert("examples", reply_ex);
        }
        let mut op = operation_head(&c.op, &callback_tag(g), format!("callback_{}", c.fn_name), &notes)
            .set("x-when", when)
            .set("parameters", Json::Array(params))
            .set(
                "requestBody",
                Json::obj()
                    .set("required", true)
                    .set("description", "The event.")
                    .set("content", Json::obj().set("application/json", event_media)),
            )
            .set(
                "responses",
                Json::obj().set(
                    "200",
                    Json::obj()
                        .set("description", "The app's reply (HTTP 200 with the envelope). The server waits 2 s for it.")
                        .set("content", Json::obj().set("application/json", reply_media)),
                ),
            );
        if !c.outcomes.is_empty() {
            let outcomes = c
                .outcomes
                .iter()
                .map(|o| {
                    let e = Json::obj().set("name", &o.name);
                    let e = match o.code {
                        OutcomeCode::Fixed(x) => e.set("code", x),
                        OutcomeCode::Range(a, b) => e.set("codes", Json::Array(vec![Json::from(a), Json::from(b)])),
                    };
                    e.set("doc", &o.doc)
                })
                .collect();
            op.insert("x-outcomes", Json::Array(outcomes));
        }
        if let Some(o) = c.on_failure.and_then(|i| c.outcomes.get(i)) {
            op.insert("x-on-failure", Json::from(&o.name));
        }
        let mut codes: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
        for o in &c.outcomes {
            if let OutcomeCode::Fixed(x) = o.code
                && x != 0
            {
                codes.entry(x).or_default().insert(format!("outcome {}", o.name));
            }
        }
        if !codes.is_empty() {
            op.insert("x-error-codes", self.code_list(codes));
        }
        op
    }

    // ---- components ----

    fn components(&self) -> Json {
        let mut schemas = Json::obj().set(ENVELOPE, envelope_schema()).set(
            ERROR_REPLY,
            Json::obj()
                .set(
                    "description",
                    "A reply that failed: `ActionStatus` is `FAIL` or `ErrorCode` is not 0. The payload fields of a \
                         successful reply may be missing.",
                )
                .set("allOf", Json::Array(vec![schema_ref(ENVELOPE)]))
                .set(
                    "anyOf",
                    Json::Array(vec![
                        Json::obj()
                            .set("required", Json::Array(vec!["ActionStatus".into()]))
                            .set("properties", Json::obj().set("ActionStatus", Json::obj().set("const", "FAIL"))),
                        Json::obj()
                            .set("required", Json::Array(vec!["ErrorCode".into()]))
                            .set("properties", Json::obj().set("ErrorCode", Json::obj().set("not", Json::obj().set("const", 0i64)))),
                    ]),
                ),
        );
        // Shared types first (declaration order), then each service's and each callback group's, then
        // anything else (request and response roots come with their module).
        let mut order: Vec<TypeId> = self.cat.shared.clone();
        for s in &self.cat.services {
            order.extend(&s.types);
        }
        for g in &self.cat.callbacks {
            order.extend(&g.types);
        }
        let mut seen = vec![false; self.cat.types.len()];
        let mut ordered = Vec::with_capacity(self.cat.types.len());
        for id in order.into_iter().chain((0..self.cat.types.len()).map(TypeId)) {
            if id.0 < seen.len() && !seen[id.0] {
                seen[id.0] = true;
                ordered.push(id);
            }
        }
        for id in ordered {
            schemas.insert(&self.names[id.0], self.type_schema(id));
            if let TypeKind::Union { tag, content, variants } = &self.cat.types[id].kind {
                for (i, v) in variants.iter().enumerate() {
                    let name = &self.variant_names[&(id, i)];
                    schemas.insert(name, self.variant_schema(id, tag, content, v));
                }
            }
        }
        Json::obj().set("schemas", schemas).set("parameters", parameters())
    }

    fn rust_path(&self, id: TypeId) -> String {
        let t = &self.cat.types[id];
        match t.owner {
            Owner::Shared => format!("tim_rest::types::{}", t.name),
            Owner::Service(s) => format!("tim_rest::{}::{}", self.cat.services[s].module, t.name),
            Owner::Callbacks(g) => format!("tim_rest::callbacks::{}::{}", self.cat.callbacks[g].module, t.name),
        }
    }

    fn type_schema(&self, id: TypeId) -> Json {
        let t = &self.cat.types[id];
        let doc = t.doc.clone().or_else(|| role_doc(self.cat, t.role));
        match &t.kind {
            TypeKind::Object(fields) => {
                let mut props = Json::obj();
                let mut required = Vec::new();
                // A request root belongs to one command: its limits on top-level fields go into the
                // field schemas (limits deeper down stay in the operation's `x-limits`, since the
                // types there may be shared).
                let limits: &[Limit] = match t.role {
                    Role::Request(id) => {
                        self.cat.services.get(id.service.0).and_then(|x| x.commands.get(id.index)).map_or(&[], |c| &c.limits)
                    }
                    _ => &[],
                };
                for (fi, f) in fields.iter().enumerate() {
                    let mut fs = self.field_schema(f);
                    for l in limits.iter().filter(|l| l.path.len() == 1 && l.path[0].ty == id && l.path[0].field == fi) {
                        apply_limit(&mut fs, &f.ty, l.rule);
                    }
                    props.insert(&f.wire, fs);
                    // A list or map read from a reply may be absent: it reads as empty.
                    let defaulted = f.ty.is_collection() && t.in_response;
                    if !f.optional && !defaulted {
                        required.push(Json::from(&f.wire));
                    }
                }
                if t.in_response {
                    for f in fields {
                        for a in &f.aliases {
                            let alias = self.ty_schema(&f.ty).set("deprecated", true).set(
                                "description",
                                format!("Another spelling of `{}` on some official pages; read as `{}`.", f.wire, f.wire),
                            );
                            props.insert(a, alias);
                        }
                    }
                }
                let mut s = Json::obj().set("type", "object").set_opt("description", doc).set("properties", props);
                if !required.is_empty() {
                    s.insert("required", Json::Array(required));
                }
                // A callback reply is combined with the envelope, which closes it (`unevaluatedProperties`).
                if t.in_request && !t.in_response && !matches!(t.role, Role::Reply(..)) {
                    s.insert("additionalProperties", Json::Bool(false));
                }
                s.set("x-rust-type", self.rust_path(id))
            }
            TypeKind::Enum { base, values } => {
                let mut lines = Vec::new();
                if let Some(d) = &doc {
                    lines.push(d.trim().to_owned());
                    lines.push(String::new());
                }
                lines.push("Known values (the Rust SDK keeps any other value as `Unknown`):".into());
                for v in values {
                    match &v.doc {
                        Some(d) => lines.push(format!("- `{}`: {}", v.wire, d.trim())),
                        None => lines.push(format!("- `{}`", v.wire)),
                    }
                }
                let wire: Vec<Json> = values.iter().map(|v| enum_value(*base, &v.wire)).collect();
                scalar_schema(*base)
                    .set("description", lines.join("\n"))
                    .set("enum", Json::Array(wire))
                    .set("x-enum-varnames", Json::Array(values.iter().map(|v| Json::from(&v.rust)).collect()))
                    .set(
                        "x-enum-descriptions",
                        Json::Array(values.iter().map(|v| Json::from(v.doc.as_deref().unwrap_or("").trim())).collect()),
                    )
                    .set("x-rust-type", self.rust_path(id))
            }
            TypeKind::Union { tag, variants, .. } => {
                let refs: Vec<Json> = (0..variants.len()).map(|i| schema_ref(&self.variant_names[&(id, i)])).collect();
                let mut mapping = Json::obj();
                for (i, v) in variants.iter().enumerate() {
                    mapping.insert(&v.tag, Json::from(format!("#/components/schemas/{}", self.variant_names[&(id, i)])));
                }
                Json::obj()
                    .set_opt("description", doc)
                    .set("oneOf", Json::Array(refs))
                    .set("discriminator", Json::obj().set("propertyName", tag).set("mapping", mapping))
                    .set("x-rust-type", self.rust_path(id))
            }
            TypeKind::OneOf(alts) => {
                let alts: Vec<Json> = alts.iter().map(|(name, ty)| self.ty_schema(ty).set("title", name)).collect();
                Json::obj().set_opt("description", doc).set("anyOf", Json::Array(alts)).set("x-rust-type", self.rust_path(id))
            }
        }
    }

    fn variant_schema(&self, union: TypeId, tag: &str, content: &str, v: &Variant) -> Json {
        let u = &self.cat.types[union];
        let mut s = Json::obj()
            .set("type", "object")
            .set_opt("description", v.doc.as_ref())
            .set(
                "properties",
                Json::obj().set(tag, Json::obj().set("type", "string").set("const", &v.tag)).set(content, schema_ref(&self.names[v.ty.0])),
            )
            .set("required", Json::Array(vec![Json::from(tag), Json::from(content)]));
        if u.in_request && !u.in_response {
            s.insert("additionalProperties", Json::Bool(false));
        }
        s.set("x-rust-type", format!("{}::{}", self.rust_path(union), v.rust))
    }

    fn field_schema(&self, f: &Field) -> Json {
        let mut s = self.ty_schema(&f.ty);
        if let Some(d) = &f.doc {
            let d = d.trim();
            let mut d = match f.auto {
                Some(Auto::Random) => format!("{d} The Rust SDK fills it with a fresh random number."),
                None => d.to_owned(),
            };
            if f.ty == Ty::Scalar(Scalar::Json) {
                d.push_str(" Free-form JSON: any value.");
            }
            s.insert("description", Json::from(d));
        }
        if f.sensitive {
            s.insert("x-sensitive", Json::Bool(true));
        }
        s
    }

    fn ty_schema(&self, ty: &Ty) -> Json {
        match ty {
            Ty::Scalar(sc) => scalar_schema(*sc),
            Ty::Ref(id) => schema_ref(&self.names[id.0]),
            Ty::Array(t) => Json::obj().set("type", "array").set("items", self.ty_schema(t)),
            Ty::Map(t) => Json::obj().set("type", "object").set("additionalProperties", self.ty_schema(t)),
        }
    }
}

/// The schema of a scalar kind.
fn scalar_schema(s: Scalar) -> Json {
    let int = |format: &str, min: Json, max: Json| {
        Json::obj().set("type", "integer").set("format", format).set("minimum", min).set("maximum", max)
    };
    match s {
        Scalar::String => Json::obj().set("type", "string"),
        Scalar::Bool => Json::obj().set("type", "boolean"),
        Scalar::Flag => Json::obj().set("type", "integer").set("enum", Json::Array(vec![0i64.into(), 1i64.into()])),
        Scalar::I32 => int("int32", i64::from(i32::MIN).into(), i64::from(i32::MAX).into()),
        Scalar::U32 => int("uint32", 0i64.into(), u64::from(u32::MAX).into()),
        Scalar::I64 => int("int64", i64::MIN.into(), i64::MAX.into()),
        Scalar::U64 => int("uint64", 0i64.into(), u64::MAX.into()),
        Scalar::F64 => Json::obj().set("type", "number").set("format", "double"),
        Scalar::Json => Json::obj().set("description", "Free-form JSON: any value."),
    }
}

/// Puts a limit into a field's schema: `maxItems`/`maxProperties` on the list or map; `minimum`/`maximum`
/// on the integer (each integer of a list); `x-maxBytes` on the string (each string of a list), since
/// JSON Schema's `maxLength` counts characters, not UTF-8 bytes.
fn apply_limit(schema: &mut Json, ty: &Ty, rule: LimitRule) {
    fn element(s: &mut Json) -> &mut Json {
        let pos = match &*s {
            Json::Object(e) => e.iter().position(|(k, _)| k == "items"),
            _ => None,
        };
        match (s, pos) {
            (Json::Object(e), Some(i)) => element(&mut e[i].1),
            (s, _) => s,
        }
    }
    match rule {
        LimitRule::MaxItems(n) => match ty {
            Ty::Map(_) => schema.insert("maxProperties", Json::from(n)),
            _ => schema.insert("maxItems", Json::from(n)),
        },
        LimitRule::MaxBytes(n) => element(schema).insert("x-maxBytes", Json::from(n)),
        LimitRule::Range { min, max } => {
            let e = element(schema);
            if let Some(m) = min {
                e.insert("minimum", Json::from(m));
            }
            if let Some(m) = max {
                e.insert("maximum", Json::from(m));
            }
        }
    }
}

/// An enum value on the wire: the text, or the integer.
fn enum_value(base: Scalar, wire: &str) -> Json {
    if base.is_integer() {
        if let Ok(n) = wire.parse::<i64>() {
            return Json::from(n);
        }
        if let Ok(n) = wire.parse::<u64>() {
            return Json::from(n);
        }
    }
    Json::from(wire)
}

fn envelope_schema() -> Json {
    Json::obj()
        .set("type", "object")
        .set(
            "description",
            "The envelope of every reply (and of a callback reply). Every key is optional: some commands omit some \
             of them. Success is `ErrorCode` 0 (and `ActionStatus` not `FAIL`); `ActionStatus` is an open string (a \
             batch send answers `SomeError` with code 0 when only some recipients failed).",
        )
        .set(
            "properties",
            Json::obj()
                .set(
                    "ActionStatus",
                    Json::obj()
                        .set("type", "string")
                        .set("description", "`OK` or `FAIL` (open: other values appear, see above).")
                        .set("examples", Json::Array(vec!["OK".into(), "FAIL".into()])),
                )
                .set("ErrorCode", scalar_schema(Scalar::I64).set("description", "0 on success; see `x-error-codes` for the others."))
                .set("ErrorInfo", Json::obj().set("type", "string").set("description", "The error message (empty on success)."))
                .set("RequestId", Json::obj().set("type", "string").set("description", "The request's id, on newer commands."))
                .set(
                    "ErrorDisplay",
                    Json::obj().set("type", "string").set("description", "A message fit to show to an end user, on some commands."),
                ),
        )
        .set("x-rust-type", "tim_rest::Envelope")
}

fn parameters() -> Json {
    let q = |name: &str, required: bool, description: &str, schema: Json| {
        Json::obj().set("name", name).set("in", "query").set("required", required).set("description", description).set("schema", schema)
    };
    Json::obj()
        .set("sdkappid", q("sdkappid", true, "The app's SDKAppID, from the IM console.", scalar_schema(Scalar::U32)))
        .set("identifier", q("identifier", true, "The app administrator account the call is made as.", Json::obj().set("type", "string")))
        .set(
            "usersig",
            q(
                "usersig",
                true,
                "The UserSig of `identifier`: a signature made with the app's secret key (HMAC-SHA256, with an \
                 expiry). It is a secret: keep it out of logs. The Rust SDK makes and renews it from the secret key.",
                Json::obj().set("type", "string").set("format", "password"),
            ),
        )
        .set("random", q("random", true, "A random number, fresh for each call.", scalar_schema(Scalar::U32)))
        .set(
            "contenttype",
            q("contenttype", true, "The body format; always `json`.", Json::obj().set("type", "string").set("const", "json")),
        )
        .set("CallbackSdkAppid", q("SdkAppid", true, "The app's SDKAppID; the app checks it is its own.", scalar_schema(Scalar::U64)))
        .set(
            "CallbackContentType",
            q(
                "contenttype",
                false,
                "The body format (`json`).",
                Json::obj().set("type", "string").set("examples", Json::Array(vec!["json".into()])),
            ),
        )
        .set("CallbackClientIP", q("ClientIP", false, "The IP address of the client that acted.", Json::obj().set("type", "string")))
        .set(
            "CallbackOptPlatform",
            q(
                "OptPlatform",
                false,
                "The platform the action came from: `RESTAPI`, `Web`, `Android`, `iOS` (`IOS` on some callbacks), \
                 `Windows`, `Mac`, `iPad` or `Unknown` (open: other values may appear).",
                Json::obj().set("type", "string"),
            ),
        )
        .set(
            "CallbackSign",
            q(
                "Sign",
                false,
                "With callback authentication on: the lowercase hex SHA-256 of the console's token followed by \
                 `RequestTime`. The app compares it (in constant time) before trusting the event.",
                Json::obj().set("type", "string").set("pattern", "^[0-9a-f]{64}$"),
            ),
        )
        .set(
            "CallbackRequestTime",
            q(
                "RequestTime",
                false,
                "With callback authentication on: the Unix time (seconds) the request was signed; the app refuses \
                 stale requests.",
                scalar_schema(Scalar::U64),
            ),
        )
}

/// The request and response examples of an operation, keyed `example1`, `example2`... (the same key
/// on both sides for a pair).
fn examples(examples: &[Example]) -> (Json, Json) {
    let mut req = Json::obj();
    let mut resp = Json::obj();
    for (i, e) in examples.iter().enumerate() {
        let key = format!("example{}", i + 1);
        if let Some((text, _)) = &e.request {
            req.insert(&key, example_object(e.title.as_deref(), e.note.as_deref(), e.legacy, text));
        }
        if let Some((text, _)) = &e.response {
            resp.insert(&key, example_object(e.title.as_deref(), e.note.as_deref(), e.legacy, text));
        }
    }
    (req, resp)
}

/// An Example Object with the official JSON, keys in the page's order.
fn example_object(title: Option<&str>, note: Option<&str>, legacy: bool, text: &str) -> Json {
    // The catalogue's validator parsed every example already; a failure here cannot happen, and would
    // show as the text kept as a string.
    let value = Json::parse(text).unwrap_or_else(|_| Json::from(text));
    let mut e = Json::obj().set_opt("summary", title).set_opt("description", note.map(str::trim)).set("value", value);
    if legacy {
        e.insert("x-legacy", Json::Bool(true));
    }
    e
}

fn error_entry(e: &ErrorCode) -> Json {
    Json::obj()
        .set("code", e.code)
        .set("name", &e.constant)
        .set("family", &e.family)
        .set("class", e.class.variant().to_ascii_lowercase())
        .set("en", &e.en)
        .set("zh", &e.zh)
}

fn limit_entry(l: &Limit) -> Json {
    let e = Json::obj().set("field", &l.wire);
    let e = match l.rule {
        LimitRule::MaxItems(n) => e.set("maxItems", n),
        LimitRule::MaxBytes(n) => e.set("maxBytes", n),
        LimitRule::Range { min, max } => e.set_opt("minimum", min).set_opt("maximum", max),
    };
    e.set_opt("code", l.code).set("source", &l.source)
}

/// What an OpenAPI operation says of any [`Operation`], a command's or a callback's: tag, id, title,
/// description and doc links.
fn operation_head(op: &Operation, tag: &str, operation_id: String, notes: &[Option<String>]) -> Json {
    Json::obj()
        .set("tags", Json::Array(vec![Json::from(tag)]))
        .set("operationId", operation_id)
        .set("summary", &op.title.en)
        .set("description", join_paragraphs(notes))
        .set("externalDocs", external_docs(&op.doc, op.doc_en.as_deref()))
        .set("x-title-zh", &op.title.zh)
        .set("x-doc-zh", &op.doc)
        .set_opt("x-doc-en", op.doc_en.as_ref())
}

fn external_docs(doc: &str, doc_en: Option<&str>) -> Json {
    match doc_en {
        Some(en) => Json::obj().set("description", "Official documentation (English)").set("url", en),
        None => Json::obj().set("description", "Official documentation (Chinese)").set("url", doc),
    }
}

fn doc_links(doc: &str, doc_en: Option<&str>) -> String {
    match doc_en {
        Some(en) => format!("Official documentation: {doc} (zh), {en} (en)."),
        None => format!("Official documentation: {doc} (zh)."),
    }
}

fn join_paragraphs(parts: &[Option<String>]) -> String {
    parts.iter().flatten().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

fn callback_tag(g: &CallbackGroup) -> String {
    format!("callbacks/{}", g.module)
}

fn role_doc(cat: &Catalogue, role: Role) -> Option<String> {
    let cmd = |id: CommandId| cat.services.get(id.service.0).and_then(|svc| svc.commands.get(id.index).map(|cm| (svc, cm)));
    let cb = |id: CallbackId| cat.callbacks.get(id.group.0).and_then(|grp| grp.callbacks.get(id.index));
    match role {
        Role::Request(id) => cmd(id).map(|(svc, cm)| format!("The body of `{}/{}` ({}).", svc.wire, cm.wire, cm.title.en)),
        Role::Response(id) => {
            cmd(id).map(|(svc, cm)| format!("The payload of a successful `{}/{}` reply ({}).", svc.wire, cm.wire, cm.title.en))
        }
        Role::Event(id) => cb(id).map(|cm| format!("The event of `{}` ({}).", cm.command, cm.title.en)),
        Role::Reply(id) => cb(id).map(|cm| format!("The app's reply to `{}` besides the envelope.", cm.command)),
        Role::Named | Role::Inline => None,
    }
}

fn owner_module(cat: &Catalogue, owner: Owner) -> &str {
    match owner {
        Owner::Shared => "types",
        Owner::Service(s) => cat.services.get(s.0).map_or("service", |x| x.module.as_str()),
        Owner::Callbacks(g) => cat.callbacks.get(g.0).map_or("callbacks", |x| x.module.as_str()),
    }
}

fn pascal(s: &str) -> String {
    use heck::ToUpperCamelCase;
    s.to_upper_camel_case()
}

/// `base`, or `base2`, `base3`... when taken; records the name.
fn unique(taken: &mut BTreeSet<String>, base: String) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}
