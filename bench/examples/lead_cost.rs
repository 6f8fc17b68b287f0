//! Where a delivery promise's create spends its time on the worker's path
//! (`Records for Workspace`): the lead-time rule reads the account's orders
//! and, with fewer than three deliveries of its own, every order of the
//! team. Run after `rapport-bench M` has cached `bench/tmp/M.automerge`:
//!
//! ```sh
//! cargo run -p rapport-bench --release --example lead_cost -- M
//! ```

use std::time::Instant;

use automerge::ActorId;
use rapport::document::Workspace;
use rapport::domain::{LeadTimes, Order, Records};

fn main() {
    let scale = std::env::args().nth(1).unwrap_or_else(|| "M".into());
    let path = format!("{}/tmp/{scale}.automerge", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("generate the workspace first");
    let ws = Workspace::load(&bytes, ActorId::random()).expect("it loads");
    let model = ws.read_model();
    let account = model.filter_accounts("")[0].id;
    let time = |what: &str, f: &dyn Fn() -> usize| {
        let start = Instant::now();
        let n = f();
        eprintln!(
            "{what}: {n} in {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    };
    time("document: every order, hydrated", &|| {
        ws.every::<Order>().len()
    });
    time("document: the account's orders", &|| {
        ws.of_account::<Order>(account).len()
    });
    time("document: lead times for the account", &|| {
        LeadTimes::for_account(account, &ws).map_or(0, |h| h.deliveries as usize)
    });
    time("read model: lead times for the account", &|| {
        LeadTimes::for_account(account, &model).map_or(0, |h| h.deliveries as usize)
    });
}
