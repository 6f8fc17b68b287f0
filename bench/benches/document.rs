//! Native micro-benchmarks of the hot paths: opening a saved workspace,
//! building the read model, and one command with its read-model update.
//! Run with `cargo bench -p rapport-bench`.

use std::sync::OnceLock;

use automerge::ActorId;
use rapport::document::{ReadModel, Workspace};
use rapport::domain::{TouchDraft, TouchKind};
use rapport_bench::{Scale, generated_at, team};

fn main() {
    divan::main();
}

/// The S workspace's saved bytes, generated once.
fn saved_s() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| team(Scale::S).0.save())
}

#[divan::bench]
fn load_s(bencher: divan::Bencher) {
    bencher.bench(|| Workspace::load(saved_s(), ActorId::random()).unwrap());
}

#[divan::bench]
fn read_model_s(bencher: divan::Bencher) {
    let workspace = Workspace::load(saved_s(), ActorId::random()).unwrap();
    bencher.bench(|| workspace.read_model());
}

#[divan::bench]
fn save_s(bencher: divan::Bencher) {
    let mut workspace = Workspace::load(saved_s(), ActorId::random()).unwrap();
    bencher.bench_local(|| workspace.save());
}

#[divan::bench]
fn log_touch_and_update_model_s(bencher: divan::Bencher) {
    let mut workspace = Workspace::load(saved_s(), ActorId::random()).unwrap();
    let mut model = workspace.read_model();
    let account = model.filter_accounts("")[0].id;
    let edit = generated_at();
    let draft = TouchDraft {
        kind: TouchKind::Call,
        day: "2026-11-27".into(),
        contact: None,
        note: "Позвонил, договорились о встрече.".into(),
    };
    bencher.bench_local(|| {
        let before = workspace.heads();
        workspace.create_in(account, &draft, &edit).unwrap();
        let changed = workspace.changes_since(&before);
        model.update(workspace.doc(), &changed);
    });
}

#[divan::bench(args = ["", "волга", "zzzz"])]
fn filter_s(bencher: divan::Bencher, query: &str) {
    let model: ReadModel = Workspace::load(saved_s(), ActorId::random())
        .unwrap()
        .read_model();
    bencher.bench(|| model.filter_accounts(query).len());
}
