//! Regressions found by the `session` fuzz target (`fuzz/`, issue 13), each
//! reduced to the frames that show it, run on the real `Session` and
//! SQLite store without sockets.

use std::sync::Arc;

use rapport_protocol::{
    AdminSecret, ChunkKind, ClientFrame, Cursor, ErrorCode, PROTOCOL_VERSION, Sealed, Seq,
    ServerFrame, TeamId, TeamKey, access_token, admin_hash, token_hash,
};
use rapport_relay::{DEFAULT_MAX_FRAME_BYTES, Session, SqliteStore, Step, Store, TestDevice};

const TEAM: TeamId = TeamId::from_bytes([1; 16]);
const KEY: TeamKey = TeamKey::from_bytes([2; 32]);

/// A session joined to a fresh team, and the folder its store lives in.
fn joined() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("relay.sqlite3")).unwrap();
    let token = access_token(&KEY, TEAM);
    store
        .create_team(
            TEAM,
            token_hash(&token),
            admin_hash(&AdminSecret::from_bytes([3; 32])),
        )
        .unwrap();
    let mut session = Session::new(Arc::new(store), DEFAULT_MAX_FRAME_BYTES);
    let device = TestDevice::from_seed(4);
    let hello = ClientFrame::Hello {
        version: PROTOCOL_VERSION,
        team: TEAM,
        device: device.id(),
        token,
        public_key: device.public_key(),
    };
    let challenged = session.handle(&hello.encode());
    let [ServerFrame::Challenge { ephemeral }] = &challenged.frames[..] else {
        panic!("{challenged:?}");
    };
    let proof = device.prove(TEAM, ephemeral).unwrap();
    let welcome = session.handle(&ClientFrame::Prove { proof }.encode());
    assert!(
        matches!(welcome.frames[..], [ServerFrame::Welcome { .. }]),
        "{welcome:?}"
    );
    (dir, session)
}

fn code(step: &Step) -> Option<ErrorCode> {
    match step.frames[..] {
        [ServerFrame::Error { code, .. }] => Some(code),
        _ => None,
    }
}

/// SQLite's integers are signed: a seq of 2^63 or more cannot be stored.
/// The relay refused it as `Internal` ("could not use its storage, try
/// again later"), logging a storage failure, and a device retrying would
/// get the same forever; it is the device's fault, `BadFrame`.
#[test]
fn an_upload_with_a_seq_past_i64_is_a_bad_frame_not_a_storage_failure() {
    let (_dir, mut session) = joined();
    for seq in [u64::MAX, 1 << 63] {
        let upload = ClientFrame::Upload {
            seq: Seq(seq),
            kind: ChunkKind::Change,
            sealed: Sealed {
                nonce: [0; 24],
                ciphertext: vec![],
            },
        };
        let step = session.handle(&upload.encode());
        assert!(step.close);
        assert_eq!(
            code(&step),
            Some(ErrorCode::BadFrame),
            "seq {seq}: {step:?}"
        );
    }
}

/// No chunk has a cursor past 2^63 − 1, so a `Fetch` after one is an
/// empty page; it was an `Internal` refusal.
#[test]
fn a_fetch_after_a_cursor_past_i64_is_an_empty_page() {
    let (_dir, mut session) = joined();
    for after in [u64::MAX, 1 << 63] {
        let fetch = ClientFrame::Fetch {
            after: Cursor(after),
            limit: 10,
        };
        let step = session.handle(&fetch.encode());
        assert_eq!(
            step.frames,
            [ServerFrame::Chunks {
                items: vec![],
                more: false,
                next: Cursor(after)
            }],
            "after {after}"
        );
        assert!(!step.close);
    }
}

/// An envelope's admin key (new in protocol 2) was stored unchecked, and
/// read back as a key when its device came for it: a malformed one made
/// that device's every `Hello` with the replaced token (after its `Prove`)
/// an `Internal` error, "try again later", forever. It is the admin's
/// frame that is bad, `BadFrame`, as for a malformed ephemeral key.
#[test]
fn a_rotation_with_a_malformed_admin_key_is_a_bad_frame() {
    use rapport_protocol::{ChainLink, DevicePublicKey, Envelope, PUBLIC_KEY_LEN};

    let (_dir, mut session) = joined();
    let device = TestDevice::from_seed(4);
    let marker = [0xab; PUBLIC_KEY_LEN - 1];
    let sealed = Sealed {
        nonce: [6; 24],
        ciphertext: vec![6; 48],
    };
    let rotate = ClientFrame::RotateKey {
        admin_secret: AdminSecret::from_bytes([3; 32]),
        epoch: 1,
        new_token_hash: token_hash(&access_token(&TeamKey::from_bytes([9; 32]), TEAM)),
        envelopes: vec![Envelope {
            device: device.id(),
            ephemeral: TestDevice::from_seed(5).public_key(),
            admin: DevicePublicKey::from_bytes(&[[0x04].as_slice(), &marker].concat()).unwrap(),
            sealed: sealed.clone(),
        }],
        link: ChainLink { epoch: 1, sealed },
    };
    // The admin key as it may arrive: 3 bytes, which no constructor makes.
    let mut encoded = rotate.encode();
    let whole = [[65, 0x04].as_slice(), &marker].concat();
    let at = encoded
        .windows(whole.len())
        .position(|window| window == whole)
        .unwrap();
    encoded.splice(at..at + whole.len(), [3, 0x04, 0xab, 0xab]);
    assert!(ClientFrame::decode(&encoded).is_ok());

    let step = session.handle(&encoded);
    assert_eq!(code(&step), Some(ErrorCode::BadFrame), "{step:?}");
}
