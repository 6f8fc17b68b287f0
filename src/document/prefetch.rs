//! [`Prefetched`]: a read-only view of the document for hydrating one record,
//! reading each map object once.
//!
//! autosurgeon asks the document for one field at a time, and each
//! `AutoCommit::get` seeks through the op set on its own (~4 µs). A record
//! with its stamps is ~17 such gets. Reading every field of an object with a
//! single `map_range` and answering the gets from that is several times
//! faster (measured: `bench/results/native.md`). Used for one record at a
//! time, so the cache never holds more than that record.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::RangeBounds;

use automerge::{self as am, AutoCommit, AutomergeError, ObjId, Prop, Value};

/// The fields of one map object: key → (winning value, its object id).
type Fields = HashMap<String, (Value<'static>, ObjId)>;

/// Answers autosurgeon's reads from whole objects read once.
pub(crate) struct Prefetched<'a> {
    doc: &'a AutoCommit,
    objects: RefCell<HashMap<ObjId, Fields>>,
}

impl<'a> Prefetched<'a> {
    pub(crate) fn new(doc: &'a AutoCommit) -> Self {
        Self {
            doc,
            objects: RefCell::new(HashMap::new()),
        }
    }
}

impl autosurgeon::ReadDoc for Prefetched<'_> {
    type Parents<'b>
        = am::Parents<'b>
    where
        Self: 'b;

    fn get_heads(&self) -> Vec<am::ChangeHash> {
        autosurgeon::ReadDoc::get_heads(self.doc)
    }

    fn get<P: Into<Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        match prop.into() {
            Prop::Map(key) => {
                let mut objects = self.objects.borrow_mut();
                let fields = objects.entry(obj.clone()).or_insert_with(|| {
                    am::ReadDoc::map_range(self.doc, obj, ..)
                        .map(|item| {
                            let id = item.id();
                            (item.key.into_owned(), (Value::from(item.value), id))
                        })
                        .collect()
                });
                Ok(fields.get(&key).cloned())
            }
            index => am::ReadDoc::get(self.doc, obj, index),
        }
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<am::ObjType> {
        autosurgeon::ReadDoc::object_type(self.doc, obj)
    }

    fn map_range<'b, O, R>(&'b self, obj: O, range: R) -> am::iter::MapRange<'b>
    where
        R: RangeBounds<String> + 'b,
        O: AsRef<ObjId>,
        R: RangeBounds<String>,
    {
        autosurgeon::ReadDoc::map_range(self.doc, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> am::iter::ListRange<'_> {
        autosurgeon::ReadDoc::list_range(self.doc, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        autosurgeon::ReadDoc::length(self.doc, obj)
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        autosurgeon::ReadDoc::text(self.doc, obj)
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        autosurgeon::ReadDoc::parents(self.doc, obj)
    }

    fn is_empty(&self) -> bool {
        autosurgeon::ReadDoc::is_empty(self.doc)
    }
}
