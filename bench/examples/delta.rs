//! Probe: what `Workspace::changes_since` costs for a delta of the whole
//! history, against hydrating every record.
use std::time::Instant;

use automerge::ActorId;
use rapport::document::{Changed, Patch, Workspace};

fn main() {
    let size = std::env::args().nth(1).unwrap_or_else(|| "S".into());
    let bytes = std::fs::read(format!("bench/tmp/{size}.automerge")).unwrap();
    let mut ws = Workspace::load(&bytes, ActorId::random()).unwrap();
    let genesis = Workspace::new(ActorId::random()).heads();
    let t = Instant::now();
    let changed = ws.changes_since(&genesis);
    let n = match &changed {
        Changed::Records(k) => k.len(),
        Changed::Everything => 0,
    };
    println!("changes_since(genesis): {n} records in {:?}", t.elapsed());
    let mut doc = automerge::AutoCommit::load(&bytes).unwrap();
    let all = doc.get_changes(&[]);
    for back in [1usize, 100, 10_000] {
        let Some(at) = all.len().checked_sub(back + 1) else {
            continue;
        };
        let t = Instant::now();
        let got = doc.get_changes(&[all[at].hash()]);
        let d = t.elapsed();
        let t2 = Instant::now();
        let ops: usize = got.iter().map(|c| c.decode().operations.len()).sum();
        println!(
            "  raw get_changes(last {back}): {} in {d:?}; decode {ops} ops in {:?}",
            got.len(),
            t2.elapsed()
        );
        let Some(at) = all.len().checked_sub(back + 1) else {
            continue;
        };
        let before = [all[at].hash()];
        let t = Instant::now();
        let changed = ws.changes_since(&before);
        let n = match &changed {
            Changed::Records(k) => k.len(),
            Changed::Everything => 0,
        };
        println!(
            "changes_since(last {back}): {n} records in {:?}",
            t.elapsed()
        );
    }
    let t = Instant::now();
    let patch = Patch::read(ws.doc(), &Changed::Everything);
    println!(
        "Patch::read(everything): {} in {:?}",
        patch.records.len(),
        t.elapsed()
    );
}
