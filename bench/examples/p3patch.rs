//! P3 sync, attribution (issue 3): what the page's thread does with each
//! read-model patch the workspace worker posts while team changes arrive,
//! timed natively, step by step. The browser run (`bench/browser/p3sync.mjs`)
//! shows that every long main-thread task during sync is the page's
//! handler of one worker message; this splits such a task into its Rust
//! steps.
//!
//!     cargo run --release -p rapport-bench --example p3patch -- [M]
//!
//! (after `bench/browser/p3sync.mjs` or `feed` cached the rounds' changes in
//! bench/tmp/). For each case the worker's side is reproduced exactly as
//! `apply_remote` + `changed_since` in src/state/worker.rs do it
//! (`apply_all`, `changes_since`, `Patch::read`, `FromWorker::Patch`
//! encoded), then the page's side as src/state/page.rs does it: decode the
//! message, `Arc::make_mut(model).apply(patch)`, and the account list's
//! memo (`filter_accounts("")`, first 200 rows cloned, src/ui/account_list.rs).
//! Native code is faster than the browser's wasm; the ratio is printed
//! against the figures from the browser for the same messages.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use automerge::ActorId;
use rapport::document::{AccountRow, Patch, ReadModel, Workspace};
use rapport::state::messages::{FromWorker, decode, encode};

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

fn read_changes(path: &PathBuf) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap_or_else(|_| {
        panic!(
            "no {}: run bench/browser/p3sync.mjs (or feed) first",
            path.display()
        )
    });
    rapport_bench::split_changes(&bytes)
}

/// The worker's message for `items` applied to `ws`.
fn worker_message(ws: &mut Workspace, items: &[Vec<u8>]) -> (Vec<u8>, usize) {
    let before = ws.heads();
    for result in ws.apply_all(items) {
        result.expect("applies");
    }
    let changed = ws.changes_since(&before);
    let patch = Patch::read(ws.doc(), &changed);
    let records = patch.records.len();
    (encode(&FromWorker::Patch(patch)), records)
}

/// The page's handler for one message, step by step (best of 3).
fn page_side(
    label: &str,
    model: &Arc<ReadModel>,
    message: &[u8],
    records: usize,
) -> Arc<ReadModel> {
    let mut best = [f64::MAX; 4];
    let mut result = model.clone();
    for _ in 0..3 {
        let mut page_model = Arc::new((**model).clone());
        let t = Instant::now();
        let Some(FromWorker::Patch(patch)) = decode::<FromWorker>(message) else {
            panic!("a patch")
        };
        let decoded = ms(t);
        let t = Instant::now();
        Arc::make_mut(&mut page_model).apply(patch);
        let applied = ms(t);
        let t = Instant::now();
        let rows = page_model.filter_accounts("");
        let total = rows.len();
        let shown: Vec<AccountRow> = rows.into_iter().take(200).cloned().collect();
        let memo = ms(t);
        assert!(total > 0 && !shown.is_empty());
        // What Arc::make_mut would cost if the model were shared.
        let t = Instant::now();
        let copy = (*page_model).clone();
        let cloned = ms(t);
        drop(copy);
        for (b, x) in best.iter_mut().zip([decoded, applied, memo, cloned]) {
            *b = b.min(x);
        }
        result = page_model;
    }
    println!(
        "| {label} | {records} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
        message.len(),
        best[0],
        best[1],
        best[2],
        best[0] + best[1] + best[2],
        best[3],
    );
    result
}

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "M".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let history = std::fs::read(root.join("tmp").join(format!("{name}.automerge")))
        .expect("the workspace is generated");
    let cached = |mode: &str| {
        let prefix = format!("p3-{name}-");
        let suffix = format!("-{mode}-10000.changes");
        let entry = std::fs::read_dir(root.join("tmp"))
            .expect("bench/tmp")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                let f = p.file_name().unwrap().to_string_lossy().to_string();
                f.starts_with(&prefix) && f.ends_with(&suffix)
            })
            .unwrap_or_else(|| panic!("no cached {mode} changes: run p3sync.mjs first"));
        read_changes(&entry)
    };
    let live = cached("live");
    let coalesced = cached("coalesced");

    println!(
        "| message (worker → page) | records | bytes | decode | `ReadModel::apply` | account list memo | page total | model clone (if shared) |"
    );
    println!("|---|---|---|---|---|---|---|---|");

    // First sync: a fresh device (empty workspace and model) gets the
    // whole workspace as one snapshot.
    let mut ws = Workspace::new(ActorId::random());
    let (message, records) = worker_message(&mut ws, std::slice::from_ref(&history));
    let empty = Arc::new(ReadModel::default());
    let mut model = page_side("first sync: whole workspace", &empty, &message, records);

    // Live: pages of chunks, one change each, as the engine fetches them.
    for page in [1usize, 50, 500] {
        let mut ws = Workspace::load(&history, ActorId::random()).unwrap();
        let (message, records) = worker_message(&mut ws, &live[..page]);
        page_side(
            &format!("live: a page of {page} one-change chunks"),
            &model,
            &message,
            records,
        );
    }
    // Coalesced: every chunk in one page (69 chunks, 10,000 changes).
    let mut ws = Workspace::load(&history, ActorId::random()).unwrap();
    let (message, records) = worker_message(&mut ws, &coalesced);
    model = page_side(
        "coalesced: 10,000 changes in one page",
        &model,
        &message,
        records,
    );
    drop(model);
}
