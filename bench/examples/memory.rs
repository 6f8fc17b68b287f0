//! P5, attribution (issue 3): the peak heap of each step the workspace
//! worker takes to open a stored workspace, natively, with a counting
//! allocator. The browser run (`bench/browser/p1.mjs`) reads only the wasm
//! memory of the page and of the worker, which never shrinks: this splits
//! the worker's figure into its steps.
//!
//!     cargo run --release -p rapport-bench --example memory -- [S|M|L]
//!
//! (after `cargo run --release -p rapport-bench -- <size> --generate-only`).
//! Native pointers are twice wasm32's, so native figures run higher than
//! the browser's for the same step; the ratios between steps are the point.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use automerge::{ActorId, AutoCommit, Change, LoadOptions, VerificationMode};
use rapport::document::{ReadModel, Workspace};

/// The system allocator, counting what is live and the peak since the last
/// [`reset_peak`].
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// Runs `step`, printing the live heap after it and the peak during it,
/// both also as multiples of the saved document's size.
fn step<T>(what: &str, saved: usize, step: impl FnOnce() -> T) -> T {
    row(what, saved, false, step)
}

/// [`step`], with the time it took in a last column.
fn timed<T>(what: &str, saved: usize, step: impl FnOnce() -> T) -> T {
    row(what, saved, true, step)
}

fn row<T>(what: &str, saved: usize, timed: bool, step: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    reset_peak();
    let out = step();
    let (live, peak) = (LIVE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed));
    let took = if timed {
        format!(" {:.1} s |", start.elapsed().as_secs_f64())
    } else {
        String::new()
    };
    println!(
        "| {what} | {:.1} MiB ({:.1}×) | {:.1} MiB ({:.1}×) |{took}",
        mib(live),
        live as f64 / saved as f64,
        mib(peak),
        peak as f64 / saved as f64
    );
    out
}

fn main() {
    let size = std::env::args().nth(1).unwrap_or_else(|| "M".into());
    let path = format!("{}/tmp/{size}.automerge", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|_| {
        panic!("no {path}: run `cargo run --release -p rapport-bench -- {size} --generate-only`")
    });
    let saved = bytes.len();
    println!("{size}: {saved} saved bytes\n");
    println!("| step | live after | peak during |");
    println!("|---|---|---|");
    step("bare AutoCommit::load, dropped", saved, || {
        drop(AutoCommit::load(&bytes).expect("loads"))
    });
    let doc = step("bare AutoCommit::load, kept", saved, || {
        AutoCommit::load(&bytes).expect("loads")
    });
    drop(doc);
    step(
        "AutoCommit::load, hashes not checked, dropped",
        saved,
        || {
            let options = LoadOptions::new().verification_mode(VerificationMode::DontCheck);
            drop(AutoCommit::load_with_options(&bytes, options).expect("loads"))
        },
    );
    let mut ws = step(
        "worker: Workspace::apply of the stored snapshot",
        saved,
        || {
            let mut ws = Workspace::new(ActorId::random());
            ws.apply(&bytes).expect("applies");
            ws
        },
    );
    let heads = ws.heads();
    step("worker: cached heads checked (has_change)", saved, || {
        heads.iter().all(|h| ws.has_change(h))
    });
    let model = step("worker: ReadModel::from_doc (no cache)", saved, || {
        ReadModel::from_doc(ws.doc())
    });
    step("worker: save (compaction)", saved, || ws.save().len());
    drop(model);
    step("worker: changes_since(heads), nothing new", saved, || {
        ws.changes_since(&heads)
    });
    // The worker stores its snapshots with uncompressed columns (then
    // gzips the whole): the same document in that form.
    let plain = ws.save();
    drop(ws);
    println!(
        "\nThe same document as the worker saves it (`save_nocompress`): {} bytes, {:.1}× the file above.\n",
        plain.len(),
        plain.len() as f64 / saved as f64
    );
    println!("| step | live after | peak during |");
    println!("|---|---|---|");
    let kept = step(
        "AutoCommit::load of the worker's snapshot (× its own size)",
        plain.len(),
        || AutoCommit::load(&plain).expect("loads"),
    );
    drop(kept);
    catch_up(&size, &bytes);
}

/// What applying a colleague's 10,000 changes leaves behind: the live round
/// `bench/browser/p3sync.mjs` sends (cached in bench/tmp/ by `feed`),
/// applied in the relay's pages of 500 as the worker receives them.
fn catch_up(size: &str, bytes: &[u8]) {
    let dir = format!("{}/tmp", env!("CARGO_MANIFEST_DIR"));
    let prefix = format!("p3-{size}-");
    let Some(feed) = std::fs::read_dir(&dir).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|name| name.starts_with(&prefix) && name.ends_with("-live-10000.changes"))
    }) else {
        println!(
            "\n(no {dir}/{prefix}*-live-10000.changes: run bench/browser/p3sync.mjs {size} for the catch-up figures)"
        );
        return;
    };
    let changes =
        rapport_bench::split_changes(&std::fs::read(format!("{dir}/{feed}")).expect("readable"));
    let saved = bytes.len();
    println!(
        "\n{} changes from {feed}, in pages of {PAGE}; multiples of the saved file as above.\n",
        changes.len()
    );
    println!("| step | live after | peak during | took |");
    println!("|---|---|---|---|");

    let mut doc = AutoCommit::load(bytes).expect("loads");
    let start = LIVE.load(Ordering::Relaxed);
    timed(
        "automerge alone: one `apply_changes` per page",
        saved,
        || {
            for page in changes.chunks(PAGE) {
                let page: Vec<Change> = page
                    .iter()
                    .map(|c| Change::try_from(c.as_slice()).expect("a change"))
                    .collect();
                doc.apply_changes(page).expect("applies");
            }
        },
    );
    println!(
        "| (kept by the applies: {:.1} MiB) | | | |",
        mib(LIVE.load(Ordering::Relaxed) - start)
    );
    drop(doc);

    let mut ws = Workspace::new(ActorId::random());
    ws.apply(bytes).expect("applies");
    let start = LIVE.load(Ordering::Relaxed);
    timed("worker: `Workspace::apply_all` per page", saved, || {
        for page in changes.chunks(PAGE) {
            for result in ws.apply_all(page) {
                result.expect("applies");
            }
        }
    });
    println!(
        "| (kept by the applies: {:.1} MiB) | | | |",
        mib(LIVE.load(Ordering::Relaxed) - start)
    );
    let snapshot = timed("worker: save (compaction)", saved, || ws.save());
    assert!(ws.should_reload());
    timed("worker: `Workspace::reload` from that save", saved, || {
        ws.reload(&snapshot).expect("reloads")
    });
}

/// The relay's page of chunks (`DEFAULT_PAGE_LIMIT` in src/sync/engine.rs).
const PAGE: usize = 500;
