//! The OpenAPI document of the real catalogue (`spec/`): one operation per command, one webhook per
//! callback, every reference resolves, the output is stable, and a spot check of `openim/sendmsg` and
//! of a callback shows the mapping a client generator relies on (required fields, integer formats, the
//! message element discriminator, the envelope, the query parameters). `.ci/check_openapi.py` adds the
//! OpenAPI validator and the check of every example against its schema.

use codegen::model::Catalogue;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| codegen::load::load_dir(&repo("spec")).unwrap_or_else(|d| panic!("spec/ is invalid:\n{d}")))
}

fn doc() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(&codegen::openapi::render(catalogue())).expect("the document is JSON"))
}

fn schema<'a>(name: &str) -> &'a Value {
    let s = &doc()["components"]["schemas"][name];
    assert!(s.is_object(), "no schema {name}");
    s
}

/// Resolves a local reference (`#/a/b`) in the document.
fn resolve<'a>(reference: &str) -> Option<&'a Value> {
    doc().pointer(reference.strip_prefix('#')?)
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

#[test]
fn one_operation_per_command_and_one_webhook_per_callback() {
    let cat = catalogue();
    let d = doc();
    assert_eq!(d["openapi"], "3.1.0");
    let commands: usize = cat.services.iter().map(|s| s.commands.len()).sum();
    let paths = d["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), commands);
    let mut ids = BTreeSet::new();
    for (s, c) in cat.commands() {
        let op = &paths[&format!("/v4/{}/{}", s.wire, c.wire)]["post"];
        assert_eq!(op["operationId"], format!("{}_{}", s.module, c.fn_name));
        assert_eq!(op["summary"], c.title.en.as_str());
        assert_eq!(op["x-title-zh"], c.title.zh.as_str());
        let params: Vec<&str> = op["parameters"].as_array().expect("parameters").iter().filter_map(|p| p["$ref"].as_str()).collect();
        for p in ["sdkappid", "identifier", "usersig", "random", "contenttype"] {
            assert!(params.contains(&format!("#/components/parameters/{p}").as_str()), "{}: no {p}", c.wire);
        }
        assert!(ids.insert(op["operationId"].as_str().expect("operationId").to_owned()), "duplicate operationId");
    }
    let callbacks: usize = cat.callbacks.iter().map(|g| g.callbacks.len()).sum();
    let webhooks = d["webhooks"].as_object().expect("webhooks");
    assert_eq!(webhooks.len(), callbacks);
    for g in &cat.callbacks {
        for c in &g.callbacks {
            let op = &webhooks[&c.command]["post"];
            assert!(ids.insert(op["operationId"].as_str().expect("operationId").to_owned()), "duplicate operationId");
        }
    }
    assert_eq!(d["x-error-codes"].as_array().map(Vec::len), Some(cat.errors.len()));
}

/// Every `$ref` in `d`, with where it sits: (location, reference).
fn references(d: &Value) -> Vec<(String, String)> {
    fn walk(v: &Value, at: &str, refs: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "$ref" {
                        refs.push((at.to_owned(), x.as_str().unwrap_or("<not a string>").to_owned()));
                    }
                    walk(x, &format!("{at}/{k}"), refs);
                }
            }
            Value::Array(items) => items.iter().enumerate().for_each(|(i, x)| walk(x, &format!("{at}/{i}"), refs)),
            _ => {}
        }
    }
    let mut refs = Vec::new();
    walk(d, "#", &mut refs);
    refs
}

#[test]
fn every_reference_resolves_and_every_type_has_a_schema() {
    let refs = references(doc());
    assert!(refs.len() > 1000, "suspiciously few references: {}", refs.len());
    let broken: Vec<_> = refs.iter().filter(|(_, r)| resolve(r).is_none()).collect();
    assert!(broken.is_empty(), "unresolved references: {broken:?}");
    // Discriminator mappings are references too.
    let schemas = doc()["components"]["schemas"].as_object().expect("schemas");
    for (name, s) in schemas {
        if let Some(mapping) = s["discriminator"]["mapping"].as_object() {
            for target in mapping.values() {
                assert!(resolve(target.as_str().expect("mapping target")).is_some(), "{name}: {target}");
            }
        }
    }
    // One schema per catalogue type (named after its Rust type), plus the envelope, the failed reply
    // and one schema per union variant.
    let cat = catalogue();
    let variants: usize = cat
        .types
        .iter()
        .map(|t| match &t.kind {
            codegen::model::TypeKind::Union { variants, .. } => variants.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(schemas.len(), cat.types.len() + variants + 2);
    let rust_types: BTreeSet<&str> = schemas.values().filter_map(|s| s["x-rust-type"].as_str()).collect();
    assert!(rust_types.contains("tim_rest::openim::SendMsgRequest"));
    assert!(rust_types.contains("tim_rest::types::MsgElement"));
}

#[test]
fn output_is_deterministic_pretty_and_ends_with_a_newline() {
    let a = codegen::openapi::render(catalogue());
    let b = codegen::openapi::render(catalogue());
    assert_eq!(a, b);
    assert!(a.ends_with("}\n") && !a.ends_with("\n\n"));
    assert!(a.starts_with("{\n  \"openapi\": \"3.1.0\",\n  \"info\": {"), "key order: {}", &a[..60]);
    // A freshly loaded catalogue renders the same text.
    let again = codegen::load::load_dir(&repo("spec")).expect("spec/");
    assert_eq!(codegen::openapi::render(&again), a);
    // And it is the file `cargo xtask gen` writes.
    let files = codegen::generate(catalogue()).expect("generate");
    let file = files.iter().find(|f| f.path == codegen::OPENAPI_JSON).expect("openapi.json is generated");
    assert_eq!(file.contents, a);
}

#[test]
fn send_msg_request_reply_and_message_elements() {
    let op = &doc()["paths"]["/v4/openim/sendmsg"]["post"];
    assert_eq!(op["operationId"], "openim_send_msg");
    assert!(op["externalDocs"]["url"].as_str().is_some_and(|u| u.starts_with("https://www.tencentcloud.com/")));
    assert!(op["x-doc-zh"].as_str().is_some_and(|u| u.starts_with("https://cloud.tencent.com/")));

    // The request: the Rust type's required fields, integer widths, strict.
    let media = &op["requestBody"]["content"]["application/json"];
    assert_eq!(media["schema"]["$ref"], "#/components/schemas/SendMsgRequest");
    let req = schema("SendMsgRequest");
    let required = strings(&req["required"]);
    for f in ["To_Account", "MsgRandom", "MsgBody"] {
        assert!(required.contains(&f), "{f} is required: {required:?}");
    }
    assert!(!required.contains(&"From_Account") && !required.contains(&"MsgSeq"));
    assert_eq!(req["additionalProperties"], false);
    let p = &req["properties"];
    assert_eq!((&p["MsgRandom"]["type"], &p["MsgRandom"]["format"]), (&"integer".into(), &"uint32".into()));
    assert_eq!((&p["MsgRandom"]["minimum"], &p["MsgRandom"]["maximum"]), (&0.into(), &u64::from(u32::MAX).into()));
    assert_eq!(p["MsgSeq"]["format"], "uint64");
    assert_eq!(p["MsgTimeStamp"]["format"], "uint64");
    assert_eq!(p["To_Account"]["type"], "string");
    assert_eq!(p["MsgBody"]["items"]["$ref"], "#/components/schemas/MsgElement");

    // Message elements: a discriminated union on MsgType, one schema per variant.
    let el = schema("MsgElement");
    assert_eq!(el["discriminator"]["propertyName"], "MsgType");
    assert_eq!(el["discriminator"]["mapping"]["TIMTextElem"], "#/components/schemas/MsgElementText");
    assert_eq!(el["oneOf"].as_array().map(Vec::len), el["discriminator"]["mapping"].as_object().map(|m| m.len()));
    let text = schema("MsgElementText");
    assert_eq!(text["properties"]["MsgType"]["const"], "TIMTextElem");
    assert_eq!(text["properties"]["MsgContent"]["$ref"], "#/components/schemas/TextElem");
    assert_eq!(strings(&text["required"]), ["MsgType", "MsgContent"]);
    assert_eq!(strings(&schema("TextElem")["required"]), ["Text"]);

    // The reply: the envelope with the payload, or a failed reply.
    let reply = &op["responses"]["200"]["content"]["application/json"];
    let branches = reply["schema"]["anyOf"].as_array().expect("anyOf");
    let success: Vec<&str> = branches[0]["allOf"].as_array().expect("allOf").iter().filter_map(|r| r["$ref"].as_str()).collect();
    assert_eq!(success, ["#/components/schemas/Envelope", "#/components/schemas/SendMsgResponse"]);
    assert_eq!(branches[1]["$ref"], "#/components/schemas/ErrorReply");
    assert_eq!(strings(&schema("SendMsgResponse")["required"]), ["MsgTime"]);
    assert_eq!(schema("Envelope")["properties"]["ErrorCode"]["type"], "integer");

    // The official examples, verbatim: same values, and the page's key order.
    let cat = catalogue();
    let (_, cmd) = cat.commands().find(|(s, c)| s.wire == "openim" && c.wire == "sendmsg").expect("sendmsg");
    let (i, e) = cmd.examples.iter().enumerate().find(|(_, e)| e.request.is_some()).expect("a request example");
    let (text, value) = e.request.as_ref().expect("request");
    let shown = &media["examples"][format!("example{}", i + 1)]["value"];
    assert_eq!(shown, value);
    let printed = codegen::openapi::document(cat);
    let first_key = |j: &codegen::emit::json::Json| j.entries().first().map(|(k, _)| k.clone());
    let ex = printed
        .get("paths")
        .and_then(|p| p.get("/v4/openim/sendmsg"))
        .and_then(|p| p.get("post"))
        .and_then(|p| p.get("requestBody"))
        .and_then(|p| p.get("content"))
        .and_then(|p| p.get("application/json"))
        .and_then(|p| p.get("examples"))
        .and_then(|p| p.get(&format!("example{}", i + 1)))
        .and_then(|p| p.get("value"))
        .expect("example value");
    let text_first = codegen::emit::json::Json::parse(text).ok().and_then(|j| first_key(&j));
    assert_eq!(first_key(ex), text_first);

    // Error codes: the rate's code and the failure example's, with the table's meaning.
    let codes: Vec<i64> = op["x-error-codes"].as_array().expect("codes").iter().filter_map(|c| c["code"].as_i64()).collect();
    assert!(codes.contains(&60007), "{codes:?}");
    assert!(op["x-error-codes"][0]["en"].is_string());
}

#[test]
fn callback_webhook_has_the_query_event_and_strict_reply() {
    let op = &doc()["webhooks"]["C2C.CallbackBeforeSendMsg"]["post"];
    assert_eq!(op["x-when"], "before");
    let mut names = Vec::new();
    for p in op["parameters"].as_array().expect("parameters") {
        let p = match p["$ref"].as_str() {
            Some(r) => resolve(r).expect("parameter"),
            None => p,
        };
        assert_eq!(p["in"], "query");
        names.push(p["name"].as_str().expect("name").to_owned());
        if p["name"] == "CallbackCommand" {
            assert_eq!(p["schema"]["const"], "C2C.CallbackBeforeSendMsg");
        }
    }
    assert_eq!(names, ["SdkAppid", "CallbackCommand", "contenttype", "ClientIP", "OptPlatform", "Sign", "RequestTime"]);
    assert_eq!(op["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/C2cBeforeSendMsgEvent");
    let reply = &op["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(reply["unevaluatedProperties"], false);
    assert_eq!(reply["allOf"][1]["$ref"], "#/components/schemas/C2cBeforeSendMsgReply");
    let outcomes: Vec<&str> = op["x-outcomes"].as_array().expect("outcomes").iter().filter_map(|o| o["name"].as_str()).collect();
    assert!(outcomes.contains(&"allow") && outcomes.contains(&"reject"));
    assert!(op["requestBody"]["content"]["application/json"]["examples"].as_object().is_some_and(|m| !m.is_empty()));
}

#[test]
fn servers_are_the_regional_hosts_the_runtime_knows() {
    let region_rs = std::fs::read_to_string(repo("runtime/src/region.rs")).expect("runtime/src/region.rs");
    // Every quoted host in the runtime's region table.
    let hosts: BTreeSet<&str> = region_rs.split('"').skip(1).step_by(2).filter(|s| s.ends_with(".com") && !s.contains(' ')).collect();
    assert_eq!(hosts.len(), 16, "8 primary and 8 backup hosts in region.rs: {hosts:?}");
    let servers: BTreeSet<String> = doc()["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|s| s["url"].as_str().and_then(|u| u.strip_prefix("https://")).map(str::to_owned))
        .collect();
    let expected: BTreeSet<String> = hosts.iter().map(|h| (*h).to_owned()).collect();
    assert_eq!(servers, expected);
    assert_eq!(doc()["servers"][0]["url"], "https://console.tim.qq.com");
}

#[test]
fn the_awkward_fixture_renders_with_every_reference_resolved() {
    // Keyword field names, an empty request, integer enums, a union, maps, a sensitive field.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/awkward");
    let cat = codegen::load::load_dir(&dir).unwrap_or_else(|d| panic!("fixture is invalid:\n{d}"));
    let d: Value = serde_json::from_str(&codegen::openapi::render(&cat)).expect("JSON");
    let commands: usize = cat.services.iter().map(|s| s.commands.len()).sum();
    assert_eq!(d["paths"].as_object().map(|m| m.len()), Some(commands));
    let refs = references(&d);
    assert!(!refs.is_empty());
    let broken: Vec<_> = refs.iter().filter(|(_, r)| r.strip_prefix('#').and_then(|p| d.pointer(p)).is_none()).collect();
    assert!(broken.is_empty(), "unresolved references: {broken:?}");
}
