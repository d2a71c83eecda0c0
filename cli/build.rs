//! Embeds what `tim spec show` and the request check need from the catalogue and the run-time registry
//! does not carry: each command's request and response fields with their types, required flags, SDK-filled
//! fields and descriptions, and each service's title. The catalogue is read with the generator's own
//! loader (`codegen::load::load_dir`), so the tool sees exactly what `cargo xtask gen` saw.
//!
//! The table (`$OUT_DIR/catalogue.json`):
//!
//! ```text
//! { "services": [ { "wire", "module", "en", "zh", "description" } ],
//!   "commands": { "svc/cmd": { "request": TYPE_ID, "response": TYPE_ID, "description", "retry" } },
//!   "types": [ { "name", "doc", "kind": "object", "fields": [ { "key", "ty", "optional", "doc", "auto" } ] }
//!            | { "name", "doc", "kind": "enum", "base", "values": [ { "wire", "doc" } ] }
//!            | { "name", "doc", "kind": "union", "tag", "content", "variants": [ { "tag", "ty" } ] }
//!            | { "name", "doc", "kind": "oneof", "alternatives": [ { "name", "ty" } ] } ] }
//! ```
//!
//! A `ty` is `"string"` (a scalar's spec spelling), `{"ref": TYPE_ID}`, `{"array": ty}` or `{"map": ty}`.

use codegen::model::{Auto, Catalogue, Retry, Ty, TypeKind};
use serde_json::{Value, json};
use std::path::PathBuf;

fn ty(t: &Ty) -> Value {
    match t {
        Ty::Scalar(s) => Value::from(s.spelling()),
        Ty::Ref(id) => json!({ "ref": id.0 }),
        Ty::Array(inner) => json!({ "array": ty(inner) }),
        Ty::Map(inner) => json!({ "map": ty(inner) }),
    }
}

fn table(cat: &Catalogue) -> Value {
    let services: Vec<Value> = cat
        .services
        .iter()
        .map(|s| json!({ "wire": s.wire, "module": s.module, "en": s.title.en, "zh": s.title.zh, "description": s.description }))
        .collect();
    let mut commands = serde_json::Map::new();
    for (s, c) in cat.commands() {
        let retry = match &c.retry {
            Retry::Safe => "safe".to_owned(),
            other => other.spelling(),
        };
        commands.insert(
            format!("{}/{}", s.wire, c.wire),
            json!({ "request": c.request.0, "response": c.response.0, "description": c.description, "retry": retry }),
        );
    }
    let types: Vec<Value> = cat
        .types
        .iter()
        .map(|t| {
            let mut v = match &t.kind {
                TypeKind::Object(fields) => json!({
                    "kind": "object",
                    "fields": fields.iter().map(|f| json!({
                        "key": f.wire,
                        "ty": ty(&f.ty),
                        "optional": f.optional,
                        "doc": f.doc,
                        "auto": f.auto.map(|a| match a { Auto::Random => "random" }),
                    })).collect::<Vec<_>>(),
                }),
                TypeKind::Enum { base, values } => json!({
                    "kind": "enum",
                    "base": base.spelling(),
                    "values": values.iter().map(|v| json!({ "wire": v.wire, "doc": v.doc })).collect::<Vec<_>>(),
                }),
                TypeKind::Union { tag, content, variants } => json!({
                    "kind": "union",
                    "tag": tag,
                    "content": content,
                    "variants": variants.iter().map(|v| json!({ "tag": v.tag, "ty": v.ty.0 })).collect::<Vec<_>>(),
                }),
                TypeKind::OneOf(alternatives) => json!({
                    "kind": "oneof",
                    "alternatives": alternatives.iter().map(|(n, t)| json!({ "name": n, "ty": ty(t) })).collect::<Vec<_>>(),
                }),
            };
            if let Value::Object(m) = &mut v {
                m.insert("name".into(), t.name.clone().into());
                m.insert("doc".into(), t.doc.clone().into());
            }
            v
        })
        .collect();
    json!({ "services": services, "commands": commands, "types": types })
}

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let spec = manifest.join("../spec");
    println!("cargo::rerun-if-changed={}", spec.display());
    let cat = match codegen::load::load_dir(&spec) {
        Ok(c) => c,
        Err(d) => {
            println!("cargo::error=the catalogue in {} does not load:\n{d}", spec.display());
            return;
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("catalogue.json");
    if let Err(e) = std::fs::write(&out, table(&cat).to_string()) {
        println!("cargo::error=cannot write {}: {e}", out.display());
    }
}
