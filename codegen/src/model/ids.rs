//! Typed indices into the catalogue, so that a service index cannot be passed where a type or a
//! callback group is meant. Each is a plain index (`.0`); the vectors they index implement `Index`
//! with them, so `cat.types[id]` and `cat.services[sid]` read as before.

use super::{Callback, CallbackGroup, Catalogue, Command, Service, TypeDef};
use std::fmt;
use std::ops::{Index, IndexMut};

macro_rules! index_id {
    ($(#[$doc:meta])* $name:ident => $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub usize);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl Index<$name> for Vec<$item> {
            type Output = $item;
            fn index(&self, id: $name) -> &$item {
                &self[id.0]
            }
        }

        impl IndexMut<$name> for Vec<$item> {
            fn index_mut(&mut self, id: $name) -> &mut $item {
                &mut self[id.0]
            }
        }
    };
}

index_id!(
    /// Index into [`Catalogue::types`].
    TypeId => TypeDef
);
index_id!(
    /// Index into [`Catalogue::services`].
    ServiceId => Service
);
index_id!(
    /// Index into [`Catalogue::callbacks`] (a callback group).
    GroupId => CallbackGroup
);

/// A command: its service and its index in [`Service::commands`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId {
    /// The service.
    pub service: ServiceId,
    /// Index into the service's commands.
    pub index: usize,
}

/// A callback: its group and its index in [`CallbackGroup::callbacks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallbackId {
    /// The group.
    pub group: GroupId,
    /// Index into the group's callbacks.
    pub index: usize,
}

impl Catalogue {
    /// The command `id` names.
    pub fn command(&self, id: CommandId) -> &Command {
        &self.services[id.service].commands[id.index]
    }
    /// The callback `id` names.
    pub fn callback(&self, id: CallbackId) -> &Callback {
        &self.callbacks[id.group].callbacks[id.index]
    }
    /// Every type with its id.
    pub fn types_with_ids(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.types.iter().enumerate().map(|(i, t)| (TypeId(i), t))
    }
}
