//! The catalogue's field information, embedded at build time (see `build.rs`): the run-time registry
//! carries names, titles, links, examples, limits, rates and paging rules, but not the fields' types.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded table.
#[derive(Debug, Deserialize)]
pub struct Table {
    /// Services in file order.
    pub services: Vec<ServiceRow>,
    /// Commands by `servicename/command`.
    pub commands: HashMap<String, CommandRow>,
    /// Every type, by index.
    pub types: Vec<TypeRow>,
}

/// One service.
#[derive(Debug, Deserialize)]
pub struct ServiceRow {
    /// Wire servicename.
    pub wire: String,
    /// Rust module.
    pub module: String,
    /// English title.
    pub en: String,
    /// Chinese title.
    pub zh: String,
}

/// One command's types.
#[derive(Debug, Deserialize)]
pub struct CommandRow {
    /// The request root type.
    pub request: usize,
    /// The response root type.
    pub response: usize,
    /// Description.
    pub description: Option<String>,
    /// The retry class, in the catalogue's spelling.
    pub retry: String,
}

/// A type.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TypeRow {
    /// An object with known keys.
    Object {
        /// Rust name.
        name: String,
        /// Fields in catalogue order.
        fields: Vec<FieldRow>,
    },
    /// An open enum.
    Enum {
        /// Rust name.
        name: String,
        /// Wire type.
        base: String,
        /// Known values.
        values: Vec<EnumValueRow>,
    },
    /// A tagged union.
    Union {
        /// Rust name.
        name: String,
        /// Tag key.
        tag: String,
        /// Content key.
        content: String,
        /// Variants.
        variants: Vec<VariantRow>,
    },
    /// One of several JSON kinds.
    Oneof {
        /// Rust name.
        name: String,
        /// The alternatives.
        alternatives: Vec<AltRow>,
    },
}

#[cfg(test)]
impl TypeRow {
    /// The Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeRow::Object { name, .. } | TypeRow::Enum { name, .. } | TypeRow::Union { name, .. } | TypeRow::Oneof { name, .. } => name,
        }
    }
}

/// An object field.
#[derive(Debug, Deserialize)]
pub struct FieldRow {
    /// Wire key.
    pub key: String,
    /// Type.
    pub ty: Ty,
    /// May be absent.
    pub optional: bool,
    /// Description.
    pub doc: Option<String>,
    /// Filled in by the SDK (`random`).
    pub auto: Option<String>,
}

/// An enum value.
#[derive(Debug, Deserialize)]
pub struct EnumValueRow {
    /// Wire value.
    pub wire: String,
    /// Description.
    pub doc: Option<String>,
}

/// A union variant.
#[derive(Debug, Deserialize)]
pub struct VariantRow {
    /// Tag value.
    pub tag: String,
}

/// A `oneof` alternative.
#[derive(Debug, Deserialize)]
pub struct AltRow {
    /// Its type.
    pub ty: Ty,
}

/// A type expression.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Ty {
    /// A scalar, in the catalogue's spelling (`string`, `u32`, `json`...).
    Scalar(String),
    /// A named or inline type.
    Ref {
        /// Type index.
        #[serde(rename = "ref")]
        id: usize,
    },
    /// An array.
    Array {
        /// Items.
        array: Box<Ty>,
    },
    /// A map with string keys.
    Map {
        /// Values.
        map: Box<Ty>,
    },
}

static TABLE: OnceLock<Option<Table>> = OnceLock::new();

/// The embedded table (`None` only if the build wrote something unreadable, which the tests catch).
pub fn table() -> Option<&'static Table> {
    TABLE.get_or_init(|| serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/catalogue.json"))).ok()).as_ref()
}

impl Table {
    /// A type by index.
    pub fn ty(&self, id: usize) -> Option<&TypeRow> {
        self.types.get(id)
    }

    /// The fields of an object type (empty for other kinds).
    pub fn fields(&self, id: usize) -> &[FieldRow] {
        match self.types.get(id) {
            Some(TypeRow::Object { fields, .. }) => fields,
            _ => &[],
        }
    }

    /// How a type expression reads: `string`, `[MsgElement]`, `{string: u32}`, `SyncOtherMachine (u32 enum)`.
    pub fn spell(&self, t: &Ty) -> String {
        match t {
            Ty::Scalar(s) => s.clone(),
            Ty::Array { array } => format!("[{}]", self.spell(array)),
            Ty::Map { map } => format!("{{string: {}}}", self.spell(map)),
            Ty::Ref { id } => match self.ty(*id) {
                Some(TypeRow::Object { name, .. }) => format!("object {name}"),
                Some(TypeRow::Enum { name, base, .. }) => format!("{base} enum {name}"),
                Some(TypeRow::Union { name, tag, .. }) => format!("union {name} (by {tag})"),
                Some(TypeRow::Oneof { name, alternatives }) => {
                    let alts: Vec<String> = alternatives.iter().map(|a| self.spell(&a.ty)).collect();
                    format!("{name} (one of {})", alts.join(" | "))
                }
                None => format!("type #{id}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_reads_and_covers_the_registry() {
        let t = table().expect("the embedded catalogue table parses");
        for c in tim_rest::registry::commands() {
            let row = t.commands.get(c.path).unwrap_or_else(|| panic!("{} is in the table", c.path));
            assert_eq!(t.ty(row.request).map(TypeRow::name), Some(c.request_type), "{}", c.path);
            assert_eq!(t.ty(row.response).map(TypeRow::name), Some(c.response_type), "{}", c.path);
        }
        let send = &t.commands["openim/sendmsg"];
        let random = t.fields(send.request).iter().find(|f| f.key == "MsgRandom").expect("MsgRandom");
        assert_eq!(random.auto.as_deref(), Some("random"));
    }
}
