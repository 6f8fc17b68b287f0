//! Writes the demo workspaces the app offers on an empty workspace ("Load a
//! demo workspace", `?demo=40`) as Automerge files, for the release build
//! to ship beside the app (a Trunk pre-build hook, `scripts/demo.sh`):
//!
//! ```sh
//! cargo run --release -p rapport-bench --bin demo -- dist/demo
//! ```
//!
//! The app imports one like any workspace file. Generating them here rather
//! than in the browser keeps the demo generator out of the shipped wasm
//! (about 7 KB gzipped); the files are fetched only when asked for.

use std::path::PathBuf;

use automerge::ActorId;
use chrono::Utc;
use rapport::document::Workspace;
use rapport::domain::{Author, Edit};
use rapport::seed::{self, DemoSize};

/// The sizes offered, in accounts (4 contacts and 20 touches each).
const SIZES: [usize; 2] = [40, 100];

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: demo <output dir>");
        std::process::exit(2);
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("demo: cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    // Dated today, so the demo's touches are recent when it is built.
    let now = Utc::now();
    let edit = Edit {
        author: Author {
            name: "Demo".into(),
            device: "demo".into(),
        },
        at: now,
        today: now.date_naive(),
    };
    for accounts in SIZES {
        let mut workspace = Workspace::new(ActorId::from([0xde; 16])).keeping_model();
        if let Err(e) = seed::fill(&mut workspace, DemoSize::accounts(accounts), 7, &edit) {
            eprintln!("demo: generating {accounts} accounts failed: {e}");
            std::process::exit(1);
        }
        let path = dir.join(format!("demo-{accounts}.automerge"));
        let bytes = workspace.doc().clone().save();
        if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("demo: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        eprintln!("demo: {} ({} bytes)", path.display(), bytes.len());
    }
}
