//! Native tests of what the page and the workspace worker exchange: commands
//! checked on the page's read model agree with the document's own checks,
//! and the read model travels as patches and a cache without changing.

use automerge::ActorId;
use chrono::{NaiveDate, TimeZone, Utc};
use rapport::document::{Changed, Command, ModelCache, Patch, ReadModel, Workspace};
use rapport::domain::{
    Account, AccountDraft, AccountId, Author, Contact, ContactDraft, ContactId, Edit, Touch,
    TouchDraft, TouchId, TouchKind,
};
use rapport::seed::{self, DemoSize};

fn edit() -> Edit {
    Edit {
        author: Author {
            name: "Анна".into(),
            device: "tablet".into(),
        },
        at: Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap(),
        today: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    }
}

fn account(name: &str) -> AccountDraft {
    AccountDraft {
        name: name.into(),
        ..AccountDraft::default()
    }
}

fn touch(contact: Option<ContactId>, day: &str) -> TouchDraft {
    TouchDraft {
        kind: TouchKind::Call,
        day: day.into(),
        contact,
        note: "обсудили поставку".into(),
    }
}

/// Every command is refused by the page's check exactly when the document
/// refuses it, with the same rule.
#[test]
fn the_page_check_and_the_document_agree() {
    let mut ws = Workspace::new(ActorId::from([1; 16]));
    let e = edit();
    let a = ws.create(&account("ООО «Ромашка»"), &e).unwrap();
    let b = ws.create(&account("Wolf & Sons"), &e).unwrap();
    let anna = ws
        .create_in(
            b,
            &ContactDraft {
                name: "Anna".into(),
                ..ContactDraft::default()
            },
            &e,
        )
        .unwrap();
    let t = ws.create_in(a, &touch(None, "2026-11-26"), &e).unwrap();
    let gone = ws.create(&account("Gone"), &e).unwrap();
    ws.delete(gone, &e).unwrap();

    let commands = vec![
        Command::create::<Account>(AccountId::random(), (), account("  ооо «ромашка» ")),
        Command::create::<Account>(AccountId::random(), (), account("   ")),
        Command::create::<Account>(AccountId::random(), (), account("Gone")),
        Command::edit::<Account>(b, account("ООО «РОМАШКА»")),
        Command::edit::<Account>(a, account("ООО «Ромашка»")),
        Command::edit::<Account>(gone, account("Back")),
        Command::delete::<Account>(gone),
        Command::create::<Contact>(
            ContactId::random(),
            gone,
            ContactDraft {
                name: "Ivan".into(),
                ..ContactDraft::default()
            },
        ),
        Command::create::<Touch>(TouchId::random(), a, touch(Some(anna), "2026-11-26")),
        Command::create::<Touch>(TouchId::random(), b, touch(Some(anna), "1999-01-01")),
        Command::create::<Touch>(TouchId::random(), b, touch(Some(anna), "2026-11-25")),
        Command::edit::<Touch>(t, touch(Some(anna), "2026-11-26")),
        Command::delete::<Touch>(TouchId::random()),
        Command::delete::<Contact>(anna),
    ];
    for command in commands {
        let model = ws.read_model();
        let page = command.check(&model, &e);
        let document = ws.execute(&command, &e);
        assert_eq!(
            page.clone().err(),
            document.as_ref().err().and_then(|d| d.rule().cloned()),
            "{command:?}: page said {page:?}, document said {document:?}"
        );
    }
}

/// A command sent twice (a retry) is refused the second time: it never
/// writes a record over another.
#[test]
fn a_new_record_id_is_used_once() {
    let mut ws = Workspace::new(ActorId::from([1; 16]));
    let command = Command::create::<Account>(AccountId::random(), (), account("Once"));
    ws.execute(&command, &edit()).unwrap();
    assert!(ws.execute(&command, &edit()).is_err());
    assert_eq!(ws.read_model().account_count(), 1);
}

/// The model a page builds from patches and from the saved cache is the
/// model the document gives.
#[test]
fn patches_and_the_cache_carry_the_whole_model() {
    let mut ws = Workspace::new(ActorId::from([1; 16])).with_seeded_ids(7);
    seed::fill(&mut ws, DemoSize::accounts(12), 7, &edit()).unwrap();
    let from_doc = ws.read_model();

    // Whole, through postcard as the worker posts it.
    let patch = Patch::read(ws.doc(), &Changed::Everything);
    let bytes = postcard::to_allocvec(&patch).unwrap();
    let mut page = ReadModel::default();
    page.apply(postcard::from_bytes(&bytes).unwrap());
    assert_eq!(page, from_doc);

    // Through the cache, then one more change as an incremental patch.
    let cache = ModelCache::of(&from_doc, &ws.heads());
    let mut cached = ReadModel::default();
    let decoded = ModelCache::decode(&cache.encode()).unwrap();
    assert_eq!(decoded.change_hashes(), ws.heads());
    cached.apply(decoded.patch);
    assert_eq!(cached, from_doc);

    let before = ws.heads();
    let first = from_doc.filter_accounts("")[0].id;
    ws.delete(first, &edit()).unwrap();
    let changed = ws.changes_since(&before);
    cached.apply(Patch::read(ws.doc(), &changed));
    assert_eq!(cached, ws.read_model());

    // Garbage is not a cache.
    assert_eq!(ModelCache::decode(b"not a cache"), None);
}

/// The whole model sent in slices builds the same model, and the rows cache
/// alone draws the same list.
#[test]
fn slices_and_the_rows_cache_give_the_same_screens() {
    let mut ws = Workspace::new(ActorId::from([1; 16])).with_seeded_ids(3);
    seed::fill(&mut ws, DemoSize::accounts(9), 3, &edit()).unwrap();
    let whole = ws.read_model();
    let slices = whole.to_patch().into_slices(7);
    assert!(slices.len() > 2 && slices[0].reset && !slices[1].reset);
    let mut rebuilt = ReadModel::default();
    for slice in slices {
        rebuilt.apply(slice);
    }
    assert_eq!(rebuilt, whole);

    let rows = rapport::document::RowsCache::of(&whole, &ws.heads());
    let decoded = rapport::document::RowsCache::decode(&rows.encode()).unwrap();
    let preview = ReadModel::preview(decoded.rows);
    assert_eq!(preview.filter_accounts("a"), whole.filter_accounts("a"));
    assert_eq!(preview.account_count(), whole.account_count());

    // An empty patch is still one (resetting) slice.
    let empty = Patch {
        reset: true,
        ..Patch::default()
    };
    assert_eq!(empty.clone().into_slices(5), vec![empty]);
}
