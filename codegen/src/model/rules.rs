//! The rules every later stage asks the model rather than working out again: which types are
//! collections, which fields become `new(...)` parameters, which serde impls a type always gets, and
//! how a type is spelled in the spec. The emitter turns them into code; the spec diff judges a change
//! by what they say the emitter does.

use super::{Catalogue, Field, Ty, TypeDef, TypeId, TypeKind};

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
