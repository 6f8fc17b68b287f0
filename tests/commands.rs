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
        owner: String::new(),
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

/// The rules that had drifted apart agree now: a contact whose account was
/// deleted is gone for the page and the document alike (it is hidden), so
/// neither edits, deletes, settles nor names it.
#[test]
fn a_contact_of_a_deleted_account_is_refused_on_both_sides() {
    use rapport::document::RecordKey;
    use rapport::domain::DomainError;
    let mut ws = Workspace::new(ActorId::from([1; 16]));
    let e = edit();
    let doomed = ws.create(&account("Doomed"), &e).unwrap();
    let other = ws.create(&account("Other"), &e).unwrap();
    let petr = ws
        .create_in(
            doomed,
            &ContactDraft {
                name: "Пётр".into(),
                ..ContactDraft::default()
            },
            &e,
        )
        .unwrap();
    ws.delete(doomed, &e).unwrap();
    let renamed = ContactDraft {
        name: "Пётр Иванович".into(),
        ..ContactDraft::default()
    };
    let gone = DomainError::Unknown(RecordKey::Contact(petr));
    let commands = [
        (Command::edit::<Contact>(petr, renamed), gone.clone()),
        (Command::delete::<Contact>(petr), gone.clone()),
        (
            Command::resolve(RecordKey::Contact(petr), "role", "buyer".into()).unwrap(),
            gone.clone(),
        ),
        (
            Command::create::<Touch>(TouchId::random(), other, touch(Some(petr), "2026-11-26")),
            gone,
        ),
    ];
    for (command, expected) in commands {
        let before = ws.heads();
        let page = command.check(&ws.read_model(), &e);
        let document = ws.execute(&command, &e);
        assert_eq!(page, Err(expected.clone()), "{command:?} on the page");
        assert_eq!(
            document.as_ref().err().and_then(|d| d.rule()),
            Some(&expected),
            "{command:?} in the document"
        );
        assert_eq!(ws.heads(), before, "{command:?} wrote nothing");
    }
}

/// A kept value goes through the same rules as the form, and only the
/// fields a rep may settle can be named: an oversized value, a duplicate
/// name, a foreign field, the record's account or its stamps are refused
/// with a clear error, and nothing is written.
#[test]
fn a_resolution_is_checked_like_a_form_and_names_only_real_fields() {
    use rapport::document::RecordKey;
    use rapport::domain::{DomainError, MAX_NAME_CHARS};
    let mut ws = Workspace::new(ActorId::from([1; 16]));
    let e = edit();
    let a = ws.create(&account("Acme"), &e).unwrap();
    ws.create(&account("Wolf & Sons"), &e).unwrap();
    let anna = ws
        .create_in(
            a,
            &ContactDraft {
                name: "Anna".into(),
                ..ContactDraft::default()
            },
            &e,
        )
        .unwrap();

    let refused = [
        (
            Command::resolve(RecordKey::Account(a), "name", "x".repeat(1_000_000)).unwrap(),
            DomainError::TooLong {
                field: "name",
                chars: 1_000_000,
                max: MAX_NAME_CHARS,
            },
        ),
        (
            Command::resolve(RecordKey::Account(a), "name", " wolf &  SONS".into()).unwrap(),
            DomainError::DuplicateAccount {
                name: "wolf & SONS".into(),
                existing: ws.read_model().filter_accounts("wolf")[0].id,
            },
        ),
        (
            Command::resolve(RecordKey::Contact(anna), "name", "  ".into()).unwrap(),
            DomainError::Empty { field: "name" },
        ),
    ];
    for (command, expected) in refused {
        let before = ws.heads();
        assert_eq!(command.check(&ws.read_model(), &e), Err(expected.clone()));
        let document = ws.execute(&command, &e).unwrap_err();
        assert_eq!(document.rule(), Some(&expected));
        assert_eq!(ws.heads(), before, "{command:?} wrote nothing");
    }

    // Fields the kind does not let a rep settle cannot even be named.
    for (key, field) in [
        (RecordKey::Contact(anna), "account"),
        (RecordKey::Contact(anna), "created"),
        (RecordKey::Contact(anna), "industry"),
        (RecordKey::Account(a), "deleted"),
    ] {
        let before = ws.heads();
        let err = Command::resolve(key, field, a.to_string()).unwrap_err();
        assert!(matches!(err, DomainError::NotAField { .. }), "{err:?}");
        assert!(err.to_string().contains(field), "{err}");
        let document = ws.resolve(key, field, &a.to_string(), &e).unwrap_err();
        assert_eq!(document.rule(), Some(&err));
        assert_eq!(ws.heads(), before);
    }
    let model = ws.read_model();
    assert_eq!(model.contact(anna).unwrap().account, a, "still readable");
    assert_eq!(model.unreadable(), 0);

    // A value the field cannot hold is refused too.
    let t = ws.create_in(a, &touch(None, "2026-11-26"), &e).unwrap();
    for (field, value) in [("kind", "Teleport"), ("day", "yesterday"), ("contact", "x")] {
        let command = Command::resolve(RecordKey::Touch(t), field, value.into()).unwrap();
        let page = command.check(&ws.read_model(), &e).unwrap_err();
        assert_eq!(ws.execute(&command, &e).unwrap_err().rule(), Some(&page));
    }
    // And a good one is kept.
    let command = Command::resolve(RecordKey::Touch(t), "kind", "Visit".into()).unwrap();
    ws.execute(&command, &e).unwrap();
    assert_eq!(ws.read_model().touch(t).unwrap().kind, TouchKind::Visit);
}

/// The generic query a new kind's screen starts from: the live records of
/// one kind under a live account, none once the account is deleted.
#[test]
fn the_records_of_an_account_are_its_live_ones_of_that_kind() {
    let mut ws = Workspace::new(ActorId::from([1; 16]));
    let e = edit();
    let a = ws.create(&account("Acme"), &e).unwrap();
    let other = ws.create(&account("Other"), &e).unwrap();
    let person = |name: &str| ContactDraft {
        name: name.into(),
        ..ContactDraft::default()
    };
    let anna = ws.create_in(a, &person("Anna"), &e).unwrap();
    let gone = ws.create_in(a, &person("Gone"), &e).unwrap();
    ws.create_in(other, &person("Ivan"), &e).unwrap();
    ws.delete(gone, &e).unwrap();
    let t = ws
        .create_in(a, &touch(Some(anna), "2026-11-26"), &e)
        .unwrap();

    let model = ws.read_model();
    let contacts: Vec<ContactId> = model
        .of_account::<Contact>(a)
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(contacts, [anna]);
    let touches: Vec<TouchId> = model
        .of_account::<Touch>(a)
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(touches, [t]);
    assert_eq!(model.get::<Contact>(anna).unwrap().name, "Anna");
    assert!(model.get::<Contact>(gone).is_none());

    ws.delete(a, &e).unwrap();
    let model = ws.read_model();
    assert!(model.of_account::<Contact>(a).is_empty());
    assert!(model.get::<Touch>(t).is_none());
}
