//! The schema grows without breaking anyone: a collection added by a later
//! version comes in by an upgrade change every device makes byte-identically,
//! so devices that upgrade apart merge into one map; a device on an older
//! version keeps working with what it knows and is told to update for the
//! rest.
//!
//! No kind has been added since schema 1 yet, so these tests play the newer
//! version with a collection of their own (`future_things`), through the
//! same functions the app's own upgrades use.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT, ReadDoc, Value};
use chrono::{NaiveDate, TimeZone, Utc};
use rapport::document::{
    Changed, Patch, ReadModel, SCHEMA_VERSION, Workspace, upgrade_change, upgrades_of,
};
use rapport::domain::{AccountDraft, Author, Edit};
use rapport::state::Notice;
use rapport::ui::words::words;

const FUTURE: &str = "future_things";

fn edit(name: &str) -> Edit {
    Edit {
        author: Author {
            name: name.into(),
            device: format!("{name}-tablet"),
        },
        at: Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap(),
        today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    }
}

fn account(name: &str) -> AccountDraft {
    AccountDraft {
        owner: String::new(),
        name: name.into(),
        ..AccountDraft::default()
    }
}

/// The upgrade a newer version (one past this one) makes, adding `FUTURE`.
fn newer_upgrade() -> Vec<u8> {
    upgrade_change(SCHEMA_VERSION + 1, &[FUTURE])
        .raw_bytes()
        .to_vec()
}

/// A record put into `FUTURE` by `actor`, as a change of `ws`'s document:
/// what a device of the newer version writes.
fn future_record(ws: &mut Workspace, actor: u8, id: &str) -> Vec<u8> {
    let mut doc = AutoCommit::load(&ws.save())
        .unwrap()
        .with_actor(ActorId::from([actor; 16]));
    let Some((Value::Object(ObjType::Map), things)) = doc.get(ROOT, FUTURE).unwrap() else {
        panic!("no {FUTURE} collection");
    };
    let record = doc.put_object(&things, id, ObjType::Map).unwrap();
    doc.put(&record, "what", format!("written by {actor}"))
        .unwrap();
    doc.commit();
    doc.get_last_local_change().unwrap().raw_bytes().to_vec()
}

/// The genesis of every workspace: its one change with no predecessors.
fn genesis() -> Vec<automerge::ChangeHash> {
    let mut ws = Workspace::new(ActorId::from([9; 16]));
    let mut doc = AutoCommit::load(&ws.save()).unwrap();
    doc.get_changes(&[])
        .iter()
        .filter(|change| change.deps().is_empty())
        .map(|change| change.hash())
        .collect()
}

#[test]
fn an_upgrade_change_is_the_same_bytes_everywhere_and_rests_on_the_genesis_alone() {
    let one = upgrade_change(2, &["promises", "orders"]);
    let two = upgrade_change(2, &["promises", "orders"]);
    assert_eq!(one.raw_bytes(), two.raw_bytes());
    assert_eq!(one.deps(), genesis(), "depends on the genesis only");
    assert_eq!(
        one.actor_id(),
        &ActorId::from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
    );
    assert_eq!(one.timestamp(), 0);
    // Another version's upgrade is another change.
    assert_ne!(
        upgrade_change(3, &["promises", "orders"]).hash(),
        one.hash()
    );

    // One change per version, each with its own collections, in any order of
    // the list; applied in either order they make the same document.
    let ups = upgrades_of(&[
        ("accounts", 1),
        ("remarks", SCHEMA_VERSION + 2),
        ("promises", SCHEMA_VERSION + 1),
        ("orders", SCHEMA_VERSION + 2),
    ]);
    assert_eq!(ups.len(), 2);
    assert_eq!(
        ups[0].hash(),
        upgrade_change(SCHEMA_VERSION + 1, &["promises"]).hash()
    );
    assert_eq!(
        ups[1].hash(),
        upgrade_change(SCHEMA_VERSION + 2, &["remarks", "orders"]).hash()
    );
    let mut a = Workspace::new(ActorId::from([1; 16]));
    let mut b = Workspace::new(ActorId::from([2; 16]));
    a.apply(ups[0].raw_bytes()).unwrap();
    a.apply(ups[1].raw_bytes()).unwrap();
    b.apply(ups[1].raw_bytes()).unwrap();
    b.apply(ups[0].raw_bytes()).unwrap();
    assert_eq!(a.heads(), b.heads());
}

/// The genesis is the same change on every device, forever: if a new
/// automerge encoded it otherwise, a new workspace would no longer merge
/// with the team's. Pinned here so such a change cannot go unnoticed.
#[test]
fn the_genesis_hash_is_pinned() {
    let heads = genesis();
    assert_eq!(heads.len(), 1);
    assert_eq!(
        heads[0].to_string(),
        "20a3a71a907d6b452ccdb6de0d6f0f8b185227d99b33968daebee2c4bc4eaa7e"
    );
}

/// The schema-2 upgrade change (its collections, and the team's settings
/// with their first values) is part of every workspace from this version
/// on: a device whose build made it differently could never apply the
/// other's (same actor, same sequence number). Pinned like the genesis.
#[test]
fn the_schema_2_upgrade_hash_is_pinned() {
    let known: Vec<(&str, u64)> = [
        "team_settings",
        "stage_moves",
        "scorecards",
        "programs",
        "program_actions",
        "promises",
        "orders",
    ]
    .into_iter()
    .map(|name| (name, 2))
    .collect();
    let ups = upgrades_of(&known);
    assert_eq!(ups.len(), 1);
    assert_eq!(
        ups[0].hash().to_string(),
        "34287b1f832f6215074efaabbabeb2da52020c5946ef7c920b32d44f4dfafa26"
    );
    // And it is the one this version gives every workspace.
    let mut ws = Workspace::new(ActorId::from([9; 16]));
    assert!(ws.has_change(&ups[0].hash()));
}

/// The schema-3 upgrade change (the care records' collections), pinned
/// like schema 2's.
#[test]
fn the_schema_3_upgrade_hash_is_pinned() {
    let known: Vec<(&str, u64)> = ["remarks", "early_warnings", "details", "adoption_checks"]
        .into_iter()
        .map(|name| (name, 3))
        .collect();
    let ups = upgrades_of(&known);
    assert_eq!(ups.len(), 1);
    assert_eq!(
        ups[0].hash().to_string(),
        "1a9ef6b1d31b1db56b649531fd74d9d5ae7475d25d551b6ceeb852abd59616cd"
    );
    let mut ws = Workspace::new(ActorId::from([9; 16]));
    assert!(ws.has_change(&ups[0].hash()));
}

#[test]
fn two_devices_upgraded_apart_merge_into_one_map_with_no_record_lost() {
    let mut anna = Workspace::new(ActorId::from([1; 16]));
    let mut tom = Workspace::new(ActorId::from([2; 16]));
    anna.create(&account("Acme"), &edit("Анна")).unwrap();
    tom.create(&account("Wolf & Sons"), &edit("Tom")).unwrap();
    // Each upgrades on its own, while apart, and writes into the new map.
    for (ws, actor) in [(&mut anna, 11), (&mut tom, 12)] {
        ws.apply(&newer_upgrade()).unwrap();
        let record = future_record(ws, actor, &format!("thing-{actor}"));
        ws.apply(&record).unwrap();
    }
    anna.merge(&mut tom).unwrap();
    tom.merge(&mut anna).unwrap();
    assert_eq!(anna.heads(), tom.heads());
    let doc = anna.doc();
    assert_eq!(
        doc.get_all(ROOT, FUTURE).unwrap().len(),
        1,
        "one map, no conflict"
    );
    let Some((_, things)) = doc.get(ROOT, FUTURE).unwrap() else {
        panic!("no {FUTURE}");
    };
    let mut keys: Vec<String> = doc.keys(&things).collect();
    keys.sort();
    assert_eq!(keys, ["thing-11", "thing-12"]);
    assert_eq!(anna.read_model().account_count(), 2);
}

#[test]
fn a_device_on_an_older_version_keeps_working_and_is_told_to_update_for_the_rest() {
    // This build plays the old version: a colleague on a newer one sends
    // its upgrade and a record of a kind this build does not know.
    let mut newer = Workspace::new(ActorId::from([2; 16]));
    newer.apply(&newer_upgrade()).unwrap();
    let record = future_record(&mut newer, 12, "thing");

    let mut old = Workspace::new(ActorId::from([1; 16]));
    let a = old.create(&account("Acme"), &edit("Анна")).unwrap();
    let mut page = old.read_model();
    let before = old.heads();
    for bytes in [newer_upgrade(), record] {
        old.apply(&bytes).unwrap();
    }
    // The page learns of it by the usual patch, and counts it as hidden.
    let changed = old.changes_since(&before);
    assert_ne!(
        changed,
        Changed::Everything,
        "nothing it knows was replaced"
    );
    page.apply(Patch::read(old.doc(), &changed));
    assert_eq!(
        page.unreadable(),
        1,
        "one record needs an update to be seen"
    );
    assert_eq!(page, old.read_model());
    // What the rep reads about them.
    let notice = words().notice(&Notice::Unreadable {
        count: page.unreadable(),
    });
    assert!(notice.contains("newer version of Rapport"), "{notice}");
    assert!(notice.contains("Update the app"), "{notice}");

    // Everything it knows still works: nothing is refused.
    old.create(&account("Wolf & Sons"), &edit("Анна")).unwrap();
    let mut renamed = account("Acme Ltd");
    renamed.city = "Leeds".into();
    old.edit(a, &renamed, &edit("Анна")).unwrap();
    let model = old.read_model();
    assert_eq!(model.account_count(), 2);
    assert_eq!(model.unreadable(), 1);

    // The record it cannot read travels on untouched: saved, loaded, and
    // merged back into the newer device.
    let mut reloaded = Workspace::load(&old.save(), ActorId::from([3; 16])).unwrap();
    assert_eq!(reloaded.read_model().unreadable(), 1);
    newer.merge(&mut reloaded).unwrap();
    let doc = newer.doc();
    let Some((_, things)) = doc.get(ROOT, FUTURE).unwrap() else {
        panic!("no {FUTURE}");
    };
    assert_eq!(doc.keys(&things).collect::<Vec<_>>(), ["thing"]);
    assert_eq!(newer.read_model().account_count(), 2);
    // And a model rebuilt from scratch agrees.
    assert_eq!(ReadModel::from_doc(old.doc()).unreadable(), 1);
}
