//! Faults on one connection: each gets an Error frame with the right code,
//! that connection closes, everyone else carries on, and nothing stored
//! changes.

mod support;

use rapport_protocol::{
    AccessToken, ChunkKind, ClientFrame, Cursor, ErrorCode, PROTOCOL_VERSION, Sealed, Seq,
    ServerFrame, TeamKey, access_token, token_hash,
};
use support::{Client, Relay, Team, device, hello_as};
use tokio_tungstenite::tungstenite::Message;

/// A relay with team 1 holding two chunks from device 1, and that device's
/// connection still open (it must survive every fault on other connections).
async fn relay_with_two_chunks() -> (Relay, Team, Client) {
    let relay = Relay::start_with(|mut config| {
        config.max_frame_bytes = 64 * 1024;
        config
    })
    .await;
    let team = Team::new(1);
    let mut phone = Client::create(&relay.url(), &team, device(1)).await;
    phone.upload(&team, device(1), 1, "first").await;
    phone.upload(&team, device(1), 2, "second").await;
    (relay, team, phone)
}

/// The bystander still works, and the team holds exactly its two chunks
/// (as another device of the team sees them: a device is never sent its own
/// uploads back).
async fn nothing_changed(relay: &Relay, team: &Team, phone: &mut Client) {
    assert!(phone.fetch_all(Cursor::START).await.is_empty());
    let (mut observer, welcome) = Client::join(&relay.url(), team, device(99)).await;
    assert!(
        matches!(welcome, ServerFrame::Welcome { .. }),
        "{welcome:?}"
    );
    let chunks = observer.fetch_all(Cursor::START).await;
    let texts: Vec<String> = chunks.iter().map(|chunk| team.open(chunk)).collect();
    assert_eq!(texts, ["first", "second"]);
}

#[tokio::test]
async fn a_malformed_frame_is_a_bad_frame() {
    let (relay, team, mut phone) = relay_with_two_chunks().await;
    let mut client = Client::connect(&relay.url()).await;
    client
        .send_message(Message::binary(vec![0xff, 0x00, 0x13]))
        .await;
    assert_eq!(client.expect_error().await, ErrorCode::BadFrame);

    let mut texter = Client::connect(&relay.url()).await;
    texter
        .send_message(Message::text("{\"hello\": true}"))
        .await;
    assert_eq!(texter.expect_error().await, ErrorCode::BadFrame);

    // Garbage after a good Hello is refused too.
    let (mut joined, _) = Client::join(&relay.url(), &team, device(2)).await;
    joined
        .send_message(Message::binary(vec![2, 0xff, 0xff]))
        .await;
    assert_eq!(joined.expect_error().await, ErrorCode::BadFrame);
    nothing_changed(&relay, &team, &mut phone).await;
    relay.stop().await;
}

#[tokio::test]
async fn a_frame_before_hello_is_unauthorized() {
    let (relay, team, mut phone) = relay_with_two_chunks().await;
    let mut client = Client::connect(&relay.url()).await;
    client
        .send(&ClientFrame::Fetch {
            after: Cursor::START,
            limit: 10,
        })
        .await;
    assert_eq!(client.expect_error().await, ErrorCode::Unauthorized);

    let mut uploader = Client::connect(&relay.url()).await;
    let sealed = team.seal(device(9), Seq(1), ChunkKind::Change, "sneaky");
    uploader
        .send(&ClientFrame::Upload {
            seq: Seq(1),
            kind: ChunkKind::Change,
            sealed,
        })
        .await;
    assert_eq!(uploader.expect_error().await, ErrorCode::Unauthorized);
    nothing_changed(&relay, &team, &mut phone).await;
    relay.stop().await;
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized() {
    let (relay, team, mut phone) = relay_with_two_chunks().await;
    let mut client = Client::connect(&relay.url()).await;
    let wrong_key = TeamKey::from_bytes([0; 32]);
    let refusal = client
        .hello(&hello_as(
            team.id,
            device(2),
            access_token(&wrong_key, team.id),
        ))
        .await;
    assert!(matches!(
        refusal,
        ServerFrame::Error {
            code: ErrorCode::Unauthorized,
            ..
        }
    ));
    nothing_changed(&relay, &team, &mut phone).await;
    relay.stop().await;
}

#[tokio::test]
async fn unknown_teams_old_versions_and_taken_ids_have_their_codes() {
    let (relay, team, mut phone) = relay_with_two_chunks().await;
    let stranger = Team::new(7);
    let (mut client, refusal) = Client::join(&relay.url(), &stranger, device(2)).await;
    assert!(matches!(
        refusal,
        ServerFrame::Error {
            code: ErrorCode::UnknownTeam,
            ..
        }
    ));
    assert_eq!(client.next().await, None);

    let mut old = Client::connect(&relay.url()).await;
    let mut hello = team.hello(device(2));
    if let ClientFrame::Hello { version, .. } = &mut hello {
        *version = 0;
    }
    old.send(&hello).await;
    assert_eq!(old.expect_error().await, ErrorCode::UnsupportedVersion);

    // Re-creating a team cannot replace its token.
    let mut thief = Client::connect(&relay.url()).await;
    let thief_token = AccessToken::from_bytes([1; 32]);
    thief
        .send(&ClientFrame::CreateTeam {
            version: PROTOCOL_VERSION,
            team: team.id,
            token_hash: token_hash(&thief_token),
            admin_hash: rapport_protocol::admin_hash(&rapport_protocol::AdminSecret::from_bytes(
                [1; 32],
            )),
        })
        .await;
    assert_eq!(thief.expect_error().await, ErrorCode::TeamExists);
    nothing_changed(&relay, &team, &mut phone).await;
    relay.stop().await;
}

#[tokio::test]
async fn one_team_cannot_reach_another() {
    let (relay, team_a, mut phone) = relay_with_two_chunks().await;
    let team_b = Team::new(2);
    let mut b = Client::create(&relay.url(), &team_b, device(5)).await;
    b.upload(&team_b, device(5), 1, "team b's own").await;

    // B's team only ever sees B's log (B's own device is not sent its own
    // upload back; another of B's devices reads it).
    assert!(b.fetch_all(Cursor::START).await.is_empty());
    let (mut b2, _) = Client::join(&relay.url(), &team_b, device(6)).await;
    let chunks = b2.fetch_all(Cursor::START).await;
    assert_eq!(chunks.len(), 1);
    assert_eq!(team_b.open(&chunks[0]), "team b's own");

    // B's token does not open A's team.
    let mut intruder = Client::connect(&relay.url()).await;
    let refusal = intruder
        .hello(&hello_as(team_a.id, device(5), team_b.token()))
        .await;
    assert!(matches!(
        refusal,
        ServerFrame::Error {
            code: ErrorCode::Unauthorized,
            ..
        }
    ));

    // A never hears of B's upload.
    b.upload(&team_b, device(5), 2, "more of b").await;
    nothing_changed(&relay, &team_a, &mut phone).await;
    relay.stop().await;
}

#[tokio::test]
async fn an_oversize_frame_is_too_large() {
    let (relay, team, mut phone) = relay_with_two_chunks().await;
    let (mut client, _) = Client::join(&relay.url(), &team, device(2)).await;
    // Over the 64 KiB limit, under the transport's hard stop at twice that.
    let sealed = Sealed {
        nonce: [0; 24],
        ciphertext: vec![7; 70 * 1024],
    };
    client
        .send(&ClientFrame::Upload {
            seq: Seq(1),
            kind: ChunkKind::Change,
            sealed,
        })
        .await;
    assert_eq!(client.expect_error().await, ErrorCode::TooLarge);

    // Past the hard stop the transport refuses before reading the payload,
    // so the socket may be reset before the Error arrives; either way the
    // connection ends and nothing is stored.
    let (mut huge, _) = Client::join(&relay.url(), &team, device(3)).await;
    let sealed = Sealed {
        nonce: [0; 24],
        ciphertext: vec![7; 200 * 1024],
    };
    huge.send(&ClientFrame::Upload {
        seq: Seq(1),
        kind: ChunkKind::Change,
        sealed,
    })
    .await;
    match huge.next().await {
        None
        | Some(ServerFrame::Error {
            code: ErrorCode::TooLarge,
            ..
        }) => {}
        other => panic!("expected TooLarge or a closed connection, got {other:?}"),
    }
    nothing_changed(&relay, &team, &mut phone).await;
    relay.stop().await;
}

#[tokio::test]
async fn a_revoked_device_is_disconnected_and_refused() {
    let (relay, team, mut phone) = relay_with_two_chunks().await;
    let (mut lost_laptop, _) = Client::join(&relay.url(), &team, device(2)).await;

    phone
        .send(&ClientFrame::Revoke {
            admin_secret: team.admin,
            device: device(2),
        })
        .await;
    assert_eq!(
        phone.recv().await,
        ServerFrame::DeviceRevoked { device: device(2) }
    );
    assert_eq!(lost_laptop.expect_error().await, ErrorCode::Revoked);

    let (mut again, refusal) = Client::join(&relay.url(), &team, device(2)).await;
    assert!(matches!(
        refusal,
        ServerFrame::Error {
            code: ErrorCode::Revoked,
            ..
        }
    ));
    assert_eq!(again.next().await, None);

    // Revoking needs the admin secret, not just the team key.
    let (mut laptop, _) = Client::join(&relay.url(), &team, device(3)).await;
    let guess = rapport_protocol::AdminSecret::from_bytes([0; 32]);
    laptop
        .send(&ClientFrame::Revoke {
            admin_secret: guess,
            device: device(1),
        })
        .await;
    assert_eq!(laptop.expect_error().await, ErrorCode::Unauthorized);
    nothing_changed(&relay, &team, &mut phone).await;
    relay.stop().await;
}

#[tokio::test]
async fn after_a_rotation_the_old_token_is_refused() {
    let (relay, team, mut phone) = relay_with_two_chunks().await;
    let (mut laptop, _) = Client::join(&relay.url(), &team, device(2)).await;

    let new_key = TeamKey::from_bytes([42; 32]);
    let new_token = access_token(&new_key, team.id);
    phone
        .send(&ClientFrame::Rotate {
            admin_secret: team.admin,
            new_token_hash: token_hash(&new_token),
        })
        .await;
    assert_eq!(phone.recv().await, ServerFrame::TokenRotated);
    // Connections that proved the old token are closed.
    assert_eq!(laptop.expect_error().await, ErrorCode::Unauthorized);

    let (mut stale, refusal) = Client::join(&relay.url(), &team, device(2)).await;
    assert!(matches!(
        refusal,
        ServerFrame::Error {
            code: ErrorCode::Unauthorized,
            ..
        }
    ));
    assert_eq!(stale.next().await, None);

    let mut fresh = Client::connect(&relay.url()).await;
    assert_eq!(
        fresh.hello(&hello_as(team.id, device(2), new_token)).await,
        ServerFrame::Welcome {
            head: Cursor(2),
            snapshot: None
        }
    );
    // The phone's own chunks are not sent back to it; the rotated device
    // reads both.
    assert!(phone.fetch_all(Cursor::START).await.is_empty());
    let chunks = fresh.fetch_all(Cursor::START).await;
    let texts: Vec<String> = chunks.iter().map(|chunk| team.open(chunk)).collect();
    assert_eq!(texts, ["first", "second"]);
    relay.stop().await;
}
