//! The list of record kinds: the one place a new kind is named.
//!
//! [`record_kinds!`] turns the list into what must know every kind —
//! [`RecordKey`] (a record's kind and id), [`AnyRecord`], [`Command`] (an
//! [`Op`] on a record of some kind), [`Tables`] (every record in memory) —
//! and implements [`Kind`] for each, so the document, the read model, the
//! cache and the commands are written once, generically, and reach a kind's
//! own code only through its [`Record`] impl.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{
    Account, AdoptionCheck, Contact, Detail, EarlyWarning, Op, Order, Program, ProgramAction,
    Promise, Record, Remark, Scorecard, StageMove, Table, TeamSettings, Touch,
};

/// A kind of record that is in the list: what generic code may be generic
/// over. Implemented by [`record_kinds!`], never by hand.
pub trait Kind: Record {
    /// The key that names the record `id` of this kind.
    fn record_key(id: Self::Id) -> RecordKey;
    /// The record as one of any kind.
    fn any(self) -> AnyRecord;
    /// The record, if `any` is one of this kind.
    fn from_any(any: AnyRecord) -> Option<Self>;
    /// This kind's table.
    fn table(tables: &Tables) -> &Table<Self>;
    /// This kind's table, to change.
    fn table_mut(tables: &mut Tables) -> &mut Table<Self>;
    /// The command that runs `op`.
    fn command(op: Op<Self>) -> Command;
}

/// Code run once per kind, given the kind as a type ([`for_each_kind`]).
pub trait KindVisitor {
    /// Called with each kind in the list, in order.
    fn visit<K: Kind>(&mut self);
}

/// Code run on a record key, given its kind as a type ([`RecordKey::visit`]).
pub trait KeyVisitor {
    /// What the visit gives.
    type Output;
    /// Called with the key's kind and typed id.
    fn visit<K: Kind>(self, id: K::Id) -> Self::Output;
}

/// Code run on a command, given its kind as a type ([`Command::visit`]).
pub trait CommandVisitor {
    /// What the visit gives.
    type Output;
    /// Called with the command's operation, typed by its kind.
    fn visit<K: Kind>(self, op: &Op<K>) -> Self::Output;
}

macro_rules! record_kinds {
    ($($kind:ident),+ $(,)?) => {
        /// Names one record of the workspace: its kind and id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum RecordKey {
            $(
                #[doc = concat!("A record of `", stringify!($kind), "`.")]
                $kind(<$kind as Record>::Id),
            )+
        }

        /// One record of any kind.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub enum AnyRecord {
            $(
                #[doc = concat!("A record of `", stringify!($kind), "`.")]
                $kind($kind),
            )+
        }

        /// An edit of the workspace as a value: one operation on one record,
        /// so the page can check it at once and the worker run it, with the
        /// same rules ([`Op::plan`]).
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Command {
            $(
                #[doc = concat!("An operation on a record of `", stringify!($kind), "`.")]
                $kind(Op<$kind>),
            )+
        }

        /// Every record of the workspace in memory, by kind.
        #[derive(Debug, Clone, Default, PartialEq)]
        #[allow(non_snake_case, reason = "one field per kind, named as the kind")]
        pub struct Tables {
            $($kind: Table<$kind>,)+
        }

        $(
            impl Kind for $kind {
                fn record_key(id: Self::Id) -> RecordKey {
                    RecordKey::$kind(id)
                }
                fn any(self) -> AnyRecord {
                    AnyRecord::$kind(self)
                }
                fn from_any(any: AnyRecord) -> Option<Self> {
                    #[allow(irrefutable_let_patterns, reason = "one kind is a valid list")]
                    if let AnyRecord::$kind(record) = any { Some(record) } else { None }
                }
                fn table(tables: &Tables) -> &Table<Self> {
                    &tables.$kind
                }
                fn table_mut(tables: &mut Tables) -> &mut Table<Self> {
                    &mut tables.$kind
                }
                fn command(op: Op<Self>) -> Command {
                    Command::$kind(op)
                }
            }

            impl From<Op<$kind>> for Command {
                fn from(op: Op<$kind>) -> Self {
                    Command::$kind(op)
                }
            }
        )+

        /// The newest schema version of the kinds in the list: the highest
        /// [`Record::SINCE`].
        pub const NEWEST_SINCE: u64 = {
            let mut newest = 0;
            $(
                if <$kind as Record>::SINCE > newest {
                    newest = <$kind as Record>::SINCE;
                }
            )+
            newest
        };

        /// Runs `visitor` once per kind, in the list's order.
        pub fn for_each_kind(visitor: &mut impl KindVisitor) {
            $(visitor.visit::<$kind>();)+
        }

        impl RecordKey {
            /// Runs `visitor` with this key's kind and typed id.
            pub fn visit<V: KeyVisitor>(self, visitor: V) -> V::Output {
                match self {
                    $(Self::$kind(id) => visitor.visit::<$kind>(id),)+
                }
            }

            /// The collection the record is stored in.
            pub fn collection(self) -> &'static str {
                match self {
                    $(Self::$kind(_) => <$kind as Record>::COLLECTION,)+
                }
            }

            /// The key of the record stored under `id` in `collection`, if
            /// that is a collection this version knows and `id` a record id.
            pub fn parse(collection: &str, id: &str) -> Option<Self> {
                $(
                    if collection == <$kind as Record>::COLLECTION {
                        return id.parse::<<$kind as Record>::Id>().ok().map(Self::$kind);
                    }
                )+
                None
            }

            /// Whether `collection` is one this version knows.
            pub fn is_collection(collection: &str) -> bool {
                [$(<$kind as Record>::COLLECTION),+].contains(&collection)
            }

            /// The record id as stored (its map key in the collection).
            pub fn id_text(self) -> String {
                match self {
                    $(Self::$kind(id) => id.to_string(),)+
                }
            }
        }

        impl Command {
            /// Runs `visitor` with this command's operation, typed by its kind.
            pub fn visit<V: CommandVisitor>(&self, visitor: V) -> V::Output {
                match self {
                    $(Self::$kind(op) => visitor.visit::<$kind>(op),)+
                }
            }
        }
    };
}

// The list. A new kind is one more name here, at the end (and its file in
// `domain/`): a kind's place in the list is its variant number in postcard,
// which the read-model cache and the page's messages carry, so names are
// only ever appended, never reordered or removed.
record_kinds!(
    Account,
    Contact,
    Touch,
    TeamSettings,
    StageMove,
    Scorecard,
    Program,
    ProgramAction,
    Promise,
    Order,
    Remark,
    EarlyWarning,
    Detail,
    AdoptionCheck,
);

impl fmt::Display for RecordKey {
    /// `accounts/<id>`: the record's place in the document.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.collection(), self.id_text())
    }
}
