//! Browser tests of storage, run by wasm-bindgen-test in headless Chromium:
//! the IndexedDB round trip, damaged chunks set aside, and compaction.
#![cfg(target_arch = "wasm32")]

use automerge::ActorId;
use chrono::{NaiveDate, TimeZone, Utc};
use rapport::document::Workspace;
use rapport::domain::{AccountDraft, Author, Edit, TouchDraft, TouchKind};
use rapport::storage::{BrowserStore, ChunkKind, ChunkLog};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn edit() -> Edit {
    Edit {
        author: Author {
            name: "Анна".into(),
            device: "tablet-1".into(),
        },
        at: Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap(),
        today: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    }
}

fn unique_db(test: &str) -> String {
    format!("rapport-test-{test}-{}", js_sys::Math::random())
}

/// Creates `n` accounts, storing each change as its own chunk.
async fn write_accounts(
    store: &BrowserStore,
    log: &mut ChunkLog,
    ws: &mut Workspace,
    from: usize,
    n: usize,
) {
    for i in from..from + n {
        let draft = AccountDraft {
            owner: String::new(),
            name: format!("Клиент {i}"),
            ..Default::default()
        };
        let id = ws.create(&draft, &edit()).unwrap();
        let change = ws.last_local_change().unwrap();
        let key = store.append(ChunkKind::Change, &change).await.unwrap();
        log.record(key, ChunkKind::Change, change.len());
        let touch = TouchDraft {
            kind: TouchKind::Visit,
            day: "2026-11-27".into(),
            contact: None,
            note: format!("заметка {i}"),
        };
        ws.create_in(id, &touch, &edit()).unwrap();
        let change = ws.last_local_change().unwrap();
        let key = store.append(ChunkKind::Change, &change).await.unwrap();
        log.record(key, ChunkKind::Change, change.len());
    }
}

async fn reopen(name: &str) -> (Workspace, ChunkLog, Vec<rapport::storage::Damaged>) {
    let store = BrowserStore::open(name).await.unwrap();
    let mut ws = Workspace::new(ActorId::random());
    let mut log = ChunkLog::default();
    let damaged = log.absorb(&mut ws, store.load_all().await.unwrap());
    (ws, log, damaged)
}

#[wasm_bindgen_test]
async fn indexeddb_round_trip_keeps_every_record() {
    let name = unique_db("round-trip");
    let store = BrowserStore::open(&name).await.unwrap();
    let mut ws = Workspace::new(ActorId::random());
    let mut log = ChunkLog::default();
    write_accounts(&store, &mut log, &mut ws, 0, 5).await;
    drop(store);

    let (loaded, log2, damaged) = reopen(&name).await;
    assert!(damaged.is_empty());
    assert_eq!(loaded.read_model(), ws.read_model());
    assert_eq!(loaded.read_model().touch_count(), 5);
    assert_eq!(log2.keys().len(), 10, "one chunk per change");
}

#[wasm_bindgen_test]
async fn a_damaged_chunk_is_set_aside_and_the_rest_loads() {
    let name = unique_db("damaged");
    let store = BrowserStore::open(&name).await.unwrap();
    let mut ws = Workspace::new(ActorId::random());
    let mut log = ChunkLog::default();
    write_accounts(&store, &mut log, &mut ws, 0, 3).await;
    let bad = store
        .append(ChunkKind::Change, b"\x85\x6f\x4a\x83 not really a change")
        .await
        .unwrap();
    let garbage_snapshot = store.append(ChunkKind::Snapshot, &[1, 2, 3]).await.unwrap();

    let (loaded, _, damaged) = reopen(&name).await;
    let mut keys: Vec<u64> = damaged.iter().map(|d| d.key).collect();
    keys.sort();
    assert_eq!(keys, [bad, garbage_snapshot]);
    assert_eq!(
        loaded.read_model().account_count(),
        3,
        "everything else loads"
    );

    for d in &damaged {
        store.set_aside(d.key, &d.reason).await.unwrap();
    }
    assert_eq!(
        store.set_aside_count().await.unwrap(),
        2,
        "kept, not deleted"
    );
    let (again, _, damaged) = reopen(&name).await;
    assert!(damaged.is_empty(), "set-aside chunks are no longer loaded");
    assert_eq!(again.read_model(), loaded.read_model());
}

#[wasm_bindgen_test]
async fn compaction_keeps_every_change_including_another_tabs() {
    let name = unique_db("compaction");
    let store = BrowserStore::open(&name).await.unwrap();
    let mut ws = Workspace::new(ActorId::random());
    let mut log = ChunkLog::default();
    write_accounts(&store, &mut log, &mut ws, 0, 20).await;

    // Another tab writes a change this tab has not seen yet.
    let mut other = Workspace::new(ActorId::random());
    let other_store = BrowserStore::open(&name).await.unwrap();
    let mut other_log = ChunkLog::default();
    other_log.absorb(&mut other, other_store.load_all().await.unwrap());
    write_accounts(&other_store, &mut other_log, &mut other, 100, 1).await;

    // This tab compacts what it has applied: the other tab's chunks stay.
    let replaced = log.keys();
    let snapshot = ws.save();
    let key = store.compact(&snapshot, &replaced).await.unwrap();
    log.compacted(key, snapshot.len(), &replaced);
    let stored = store.load_all().await.unwrap();
    assert_eq!(
        stored
            .iter()
            .filter(|c| c.kind == ChunkKind::Snapshot)
            .count(),
        1
    );
    assert_eq!(
        stored.len(),
        1 + 2,
        "the snapshot and the other tab's two changes"
    );

    let (loaded, _, damaged) = reopen(&name).await;
    assert!(damaged.is_empty());
    let model = loaded.read_model();
    assert_eq!(model.account_count(), 21);
    assert_eq!(model.touch_count(), 21);
    assert_eq!(model.filter_accounts("Клиент 100").len(), 1);
}

#[wasm_bindgen_test]
async fn snapshots_are_gzipped_by_the_browser_and_read_back_whole() {
    use rapport::storage::pack;
    let mut ws = Workspace::new(ActorId::random());
    for i in 0..30 {
        let draft = AccountDraft {
            owner: String::new(),
            name: format!("Клиент {i}"),
            city: "Казань".into(),
            ..AccountDraft::default()
        };
        ws.create(&draft, &edit()).unwrap();
    }
    let snapshot = ws.save();
    assert!(
        !pack::is_packed(&snapshot),
        "the document layer saves plain"
    );
    let packed = pack::pack(&snapshot).await.expect("this browser gzips");
    assert!(pack::is_packed(&packed));
    assert!(
        packed.len() * 2 < snapshot.len(),
        "gzip must pay for itself: {} of {}",
        packed.len(),
        snapshot.len()
    );
    assert_eq!(pack::unpack(packed.clone()).await, snapshot);
    // Plain automerge bytes pass through; damaged gzip comes back as it
    // was, so automerge refuses it with its own reason.
    assert_eq!(pack::unpack(snapshot.clone()).await, snapshot);
    let mut damaged = packed.clone();
    damaged.truncate(packed.len() / 2);
    assert_eq!(pack::unpack(damaged.clone()).await, damaged);
    assert!(Workspace::load(&damaged, ActorId::random()).is_err());

    // The store keeps the snapshot gzipped and hands it back loadable.
    let name = unique_db("packed");
    let store = BrowserStore::open(&name).await.unwrap();
    store.compact(&snapshot, &[]).await.unwrap();
    let raw = {
        use wasm_bindgen::JsCast;
        let db = idb::Factory::new()
            .unwrap()
            .open(&name, None)
            .unwrap()
            .await
            .unwrap();
        let tx = db
            .transaction(&["chunks"], idb::TransactionMode::ReadOnly)
            .unwrap();
        let values = tx
            .object_store("chunks")
            .unwrap()
            .get_all(None, None)
            .unwrap()
            .await
            .unwrap();
        js_sys::Reflect::get(&values[0], &"bytes".into())
            .unwrap()
            .dyn_into::<js_sys::Uint8Array>()
            .unwrap()
            .to_vec()
    };
    assert!(pack::is_packed(&raw), "stored gzipped");
    let stored = store.load_all().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].bytes, snapshot);
    let (loaded, _, damaged) = reopen(&name).await;
    assert!(damaged.is_empty());
    assert_eq!(loaded.read_model().account_count(), 30);
}

/// The browser's `toLowerCase`, which `lowercase` uses instead of the
/// standard library's tables, maps as Rust does: names compare and the
/// filter matches the same on every device.
#[wasm_bindgen_test]
fn lowercase_in_the_browser_matches_the_standard_library() {
    for text in [
        "Boulangerie MARTIN",
        "ООО «Северный Ветер»",
        "ΟΔΥΣΣΕΥΣ",
        "İstanbul Ğ",
        "Straße ǅ ᾼ",
        "Ärzte ØRESUND",
        "",
    ] {
        assert_eq!(
            rapport::domain::lowercase(text),
            text.to_lowercase(),
            "{text}"
        );
    }
}
