//! A field two devices changed while apart: Automerge keeps every concurrent
//! value, and the app shows them all until a rep picks one.

use std::collections::HashMap;

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use autosurgeon::Hydrate;
use serde::{Deserialize, Serialize};

use crate::document::DocumentError;
use crate::domain::Stamp;

/// One field with several concurrent values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field's name in the record ("city", "note", …).
    pub field: String,
    /// Every value kept, the one shown by default first.
    pub values: Vec<ConflictValue>,
}

/// One of the concurrent values and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictValue {
    /// The value as text.
    pub value: String,
    /// The rep, device and time of the change that wrote it, when known.
    pub by: Option<Stamp>,
}

/// Every field of the record at `record` that holds concurrent values.
pub(crate) fn field_conflicts(
    doc: &AutoCommit,
    record: &ObjId,
) -> Result<Vec<FieldConflict>, DocumentError> {
    // One pass over the record says which fields hold concurrent values:
    // for nearly every record, none, and nothing more is read.
    let conflicted: Vec<String> = doc
        .map_range(record, ..)
        .filter(|item| item.conflict && item.key != "updated" && item.key != "created")
        .map(|item| item.key.into_owned())
        .collect();
    if conflicted.is_empty() {
        return Ok(Vec::new());
    }
    // Who wrote each concurrent `updated` stamp, by actor. Every edit
    // writes a fresh stamp object (its key is its time, see `Stamp`), so
    // concurrent edits leave concurrent stamps, each whole.
    let mut stamps = HashMap::new();
    for (value, id) in doc.get_all(record, "updated")? {
        if let (Value::Object(ObjType::Map), ObjId::Id(_, actor, _)) = (value, &id) {
            stamps.insert(actor.clone(), Stamp::hydrate_map(doc, &id)?);
        }
    }
    let mut conflicts = Vec::new();
    for field in conflicted {
        let all = doc.get_all(record, field.as_str())?;
        if all.len() < 2 {
            continue;
        }
        let values = all
            .into_iter()
            .map(|(value, id)| {
                let by = match &id {
                    ObjId::Id(_, actor, _) => stamps.get(actor).cloned(),
                    ObjId::Root => None,
                };
                // Every field the app writes is text; anything else is shown
                // by kind (formatting floats would cost the wasm 5 KB).
                let value = match value {
                    Value::Scalar(s) => match s.as_ref() {
                        ScalarValue::Str(text) => text.to_string(),
                        ScalarValue::Int(n) | ScalarValue::Timestamp(n) => n.to_string(),
                        ScalarValue::Uint(n) => n.to_string(),
                        ScalarValue::Boolean(b) => b.to_string(),
                        ScalarValue::Null => String::new(),
                        _ => "(a value this version cannot show)".into(),
                    },
                    Value::Object(_) => String::new(),
                };
                ConflictValue { value, by }
            })
            .collect::<Vec<ConflictValue>>();
        // Devices that wrote the same value apart disagree on nothing (a
        // field added after the record was written, defaulted by each
        // device's first edit; the same city typed on two tablets).
        if values.iter().all(|v| v.value == values[0].value) {
            continue;
        }
        conflicts.push(FieldConflict { field, values });
    }
    Ok(conflicts)
}
