//! The rules every later stage asks the model rather than working out again: which types are
//! collections, which fields become `new(...)` parameters, which serde impls a type always gets, how
//! a type is spelled in the spec, and which keys a paging rule names. The emitter turns them into code; the spec diff judges a change
//! by what they say the emitter does.

use super::{Catalogue, Command, CursorHow, End, Field, Paging, Ty, TypeDef, TypeId, TypeKind};
use serde_json::Value;

impl Ty {
    /// Whether this is a JSON array or map: the kinds a reply may leave out or send as `null`, read
    /// as empty.
    pub fn is_collection(&self) -> bool {
        matches!(self, Ty::Array(_) | Ty::Map(_))
    }
}

/// The serde impls a type gets whatever features are enabled; the missing direction is derived
/// behind the codec feature (the registry and the local server need both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directions {
    /// `Serialize` always: the type is sent (or no command uses it).
    pub ser_always: bool,
    /// `Deserialize` always: the type is read (or no command uses it).
    pub de_always: bool,
}

impl TypeDef {
    /// The serde directions of this type, from where it is used: a type only sent is always
    /// `Serialize`, one only read always `Deserialize`, anything else both.
    pub fn serde_directions(&self) -> Directions {
        let (ser_always, de_always) = match (self.in_request, self.in_response) {
            (true, false) => (true, false),
            (false, true) => (false, true),
            _ => (true, true),
        };
        Directions { ser_always, de_always }
    }

    /// Whether field `f` of this object starts empty in `new(...)` rather than being a parameter: a
    /// list or map of a type that is never sent (a reply that leaves it out reads as empty too).
    pub fn starts_empty(&self, f: &Field) -> bool {
        !self.in_request && f.ty.is_collection()
    }

    /// Whether field `f` of this object is a parameter of the generated `new(...)`: required, not
    /// filled in by the SDK (`auto`), and not a collection that starts empty.
    pub fn is_new_param(&self, f: &Field) -> bool {
        !f.optional && f.auto.is_none() && !self.starts_empty(f)
    }
}

impl Catalogue {
    /// The parameters of the generated `new(...)` of object type `id`, in field order (empty for
    /// other kinds).
    pub fn new_params(&self, id: TypeId) -> Vec<&Field> {
        let td = &self.types[id];
        match &td.kind {
            TypeKind::Object(fields) => fields.iter().filter(|f| td.is_new_param(f)).collect(),
            _ => Vec::new(),
        }
    }

    /// The spec spelling of a resolved type: `string`, `MsgElement`, `[T]`, `map<T>`.
    pub fn spelling(&self, t: &Ty) -> String {
        match t {
            Ty::Scalar(s) => s.spelling().to_owned(),
            Ty::Ref(id) => self.types[*id].name.clone(),
            Ty::Array(t) => format!("[{}]", self.spelling(t)),
            Ty::Map(t) => format!("map<{}>", self.spelling(t)),
        }
    }
}

/// How one description of paging rules words each cursor and end condition, given the wire keys
/// [`Catalogue::paging_words`] resolves for it (the generated docs and the spec diff word them
/// differently, but name the same keys).
#[derive(Debug, Clone, Copy)]
pub struct PagingWords {
    /// Cursor `field` advances by the items received, unless the reply carries `unless`.
    pub add_items: fn(&str, Option<&str>) -> String,
    /// Cursor `field` takes the value of reply field `from`.
    pub from: fn(&str, &str) -> String,
    /// Cursor `field` is the smallest item field `item` received, minus `minus`.
    pub min_of: fn(&str, &str, u64) -> String,
    /// The last page is one without items.
    pub no_items: &'static str,
    /// The last page is one whose reply field `field` is (`negated`: is present and is not) `value`.
    pub field_is: fn(&str, &Value, bool) -> String,
    /// The last page is one after which cursor `field` would be `value`.
    pub next_is: fn(&str, &Value) -> String,
    /// The last page is one where request field `by` reaches reply field `total`.
    pub reached: fn(&str, &str) -> String,
}

impl Catalogue {
    /// Paging rule `p` of command `c` as `words` put it: its cursors, then its end conditions, each
    /// with its fields named by their wire keys.
    pub fn paging_words(&self, c: &Command, p: &Paging, words: &PagingWords) -> (Vec<String>, Vec<String>) {
        let req = self.fields(c.request);
        let resp = self.fields(c.response);
        let next = p
            .next
            .iter()
            .map(|cur| {
                let f = &req[cur.field].wire;
                match &cur.how {
                    CursorHow::AddItems { unless } => (words.add_items)(f, unless.map(|u| resp[u].wire.as_str())),
                    CursorHow::From(s) => (words.from)(f, &resp[*s].wire),
                    CursorHow::MinOf { item_field, minus } => (words.min_of)(f, &self.item_key(c, p, *item_field), *minus),
                }
            })
            .collect();
        let end = p
            .end
            .iter()
            .map(|e| match e {
                End::NoItems => words.no_items.to_owned(),
                End::Field { field, value, negated } => (words.field_is)(&resp[*field].wire, value, *negated),
                End::Next { field, value } => (words.next_is)(&req[*field].wire, value),
                End::Reached { total, by } => (words.reached)(&req[*by].wire, &resp[*total].wire),
            })
            .collect();
        (next, end)
    }

    /// The wire key of field `index` of the items of paging rule `p` (empty when the items are not
    /// objects, which validation rules out for `min_of`).
    fn item_key(&self, c: &Command, p: &Paging, index: usize) -> String {
        let items = p.items.and_then(|i| self.fields(c.response).get(i));
        match items.map(|f| &f.ty) {
            Some(Ty::Array(t)) => match **t {
                Ty::Ref(id) => self.fields(id).get(index).map(|f| f.wire.clone()).unwrap_or_default(),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }
}
