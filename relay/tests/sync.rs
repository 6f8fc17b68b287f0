//! The relay on a random port: devices upload, download and hear of each
//! other's chunks.

mod support;

use rapport_protocol::{ChunkKind, ClientFrame, Cursor, Seq, ServerFrame};
use support::{Client, Relay, Team, device, http_get, http_get_with};

#[tokio::test]
async fn uploads_come_back_to_another_device_and_retries_are_idempotent() {
    let relay = Relay::start().await;
    let team = Team::new(1);
    let (phone, laptop) = (device(1), device(2));

    let mut up = Client::create(&relay.url(), &team, phone).await;
    for (seq, text) in [
        (1, "acme: met the buyer"),
        (2, "acme: sent the quote"),
        (3, "zenith: called"),
    ] {
        let ack = up.upload(&team, phone, seq, text).await;
        assert_eq!(
            ack,
            ServerFrame::Ack {
                seq: Seq(seq),
                cursor: Cursor(seq)
            }
        );
    }
    // A retry after a lost Ack: same seq, same bytes, same cursor.
    let retry = up.upload(&team, phone, 2, "acme: sent the quote").await;
    assert_eq!(
        retry,
        ServerFrame::Ack {
            seq: Seq(2),
            cursor: Cursor(2)
        }
    );

    let (mut down, welcome) = Client::join(&relay.url(), &team, laptop).await;
    assert_eq!(
        welcome,
        ServerFrame::Welcome {
            head: Cursor(3),
            snapshot: None
        }
    );
    let chunks = down.fetch_all(Cursor::START).await;
    let texts: Vec<String> = chunks.iter().map(|chunk| team.open(chunk)).collect();
    assert_eq!(
        texts,
        [
            "acme: met the buyer",
            "acme: sent the quote",
            "zenith: called"
        ]
    );
    assert!(chunks.iter().all(|chunk| chunk.device == phone));
    assert!(down.fetch_all(Cursor(3)).await.is_empty());
    relay.stop().await;
}

#[tokio::test]
async fn the_same_seq_with_other_bytes_is_refused_and_says_where_the_device_stands() {
    let relay = Relay::start().await;
    let team = Team::new(1);
    let mut client = Client::create(&relay.url(), &team, device(1)).await;
    client.upload(&team, device(1), 1, "the original").await;

    let sealed = team.seal(device(1), Seq(1), ChunkKind::Change, "something else");
    client
        .send(&ClientFrame::Upload {
            seq: Seq(1),
            kind: ChunkKind::Change,
            sealed,
        })
        .await;
    let ServerFrame::SeqTaken { seq, highest, mine } = client.recv().await else {
        panic!("expected SeqTaken");
    };
    assert_eq!((seq, highest), (Seq(1), Seq(1)));
    assert_eq!(mine.len(), 1);
    assert_eq!(team.open(&mine[0]), "the original", "what the relay holds");
    // The connection stays open: the device goes on past the highest.
    assert!(matches!(
        client.upload(&team, device(1), 2, "sealed again").await,
        ServerFrame::Ack { seq: Seq(2), .. }
    ));

    // Another device of the team reads the original and what came after.
    let (mut other, _) = Client::join(&relay.url(), &team, device(2)).await;
    let chunks = other.fetch_all(Cursor::START).await;
    assert_eq!(chunks.len(), 2);
    assert_eq!(team.open(&chunks[0]), "the original");
    relay.stop().await;
}

#[tokio::test]
async fn a_landed_chunk_is_pushed_to_the_other_live_devices() {
    let relay = Relay::start().await;
    let team = Team::new(1);
    let mut phone = Client::create(&relay.url(), &team, device(1)).await;
    let (mut laptop, _) = Client::join(&relay.url(), &team, device(2)).await;
    let (mut tablet, _) = Client::join(&relay.url(), &team, device(3)).await;

    phone.upload(&team, device(1), 1, "new touch").await;
    assert_eq!(laptop.recv().await, ServerFrame::Notify { head: Cursor(1) });
    assert_eq!(tablet.recv().await, ServerFrame::Notify { head: Cursor(1) });

    // The uploader hears no echo of its own chunk: its next frame is the Ack.
    let ack = phone.upload(&team, device(1), 2, "another").await;
    assert_eq!(
        ack,
        ServerFrame::Ack {
            seq: Seq(2),
            cursor: Cursor(2)
        }
    );
    assert_eq!(laptop.recv().await, ServerFrame::Notify { head: Cursor(2) });

    // A retry stores nothing new, so it pushes nothing; the laptop's next
    // frame is its own fetch's answer.
    phone.upload(&team, device(1), 2, "another").await;
    let chunks = laptop.fetch_all(Cursor(1)).await;
    assert_eq!(chunks.len(), 1);
    relay.stop().await;
}

#[tokio::test]
async fn a_device_behind_a_snapshot_gets_it_first() {
    let relay = Relay::start().await;
    let team = Team::new(1);
    let mut phone = Client::create(&relay.url(), &team, device(1)).await;
    for seq in 1..=3 {
        phone
            .upload(&team, device(1), seq, &format!("change {seq}"))
            .await;
    }
    let kind = ChunkKind::Snapshot { covers: Cursor(3) };
    let sealed = team.seal(device(1), Seq(4), kind, "whole document at 3");
    phone
        .send(&ClientFrame::Upload {
            seq: Seq(4),
            kind,
            sealed,
        })
        .await;
    assert_eq!(
        phone.recv().await,
        ServerFrame::Ack {
            seq: Seq(4),
            cursor: Cursor(4)
        }
    );
    phone.upload(&team, device(1), 5, "change 5").await;

    let (mut laptop, welcome) = Client::join(&relay.url(), &team, device(2)).await;
    assert_eq!(
        welcome,
        ServerFrame::Welcome {
            head: Cursor(5),
            snapshot: Some(Cursor(3))
        }
    );
    let chunks = laptop.fetch_all(Cursor::START).await;
    let texts: Vec<String> = chunks.iter().map(|chunk| team.open(chunk)).collect();
    assert_eq!(texts, ["whole document at 3", "change 5"]);
    relay.stop().await;
}

#[tokio::test]
async fn health_and_the_app_are_served_over_http() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<title>Rapport</title>").unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log('rapport')").unwrap();
    let static_dir = dist.path().to_owned();
    let relay = Relay::start_with(|mut config| {
        config.static_dir = Some(static_dir);
        config
    })
    .await;

    assert_eq!(
        http_get(relay.address, "/health").await,
        (200, r#"{"status":"ok"}"#.into())
    );
    assert_eq!(
        http_get(relay.address, "/app.js").await,
        (200, "console.log('rapport')".into())
    );
    assert_eq!(
        http_get(relay.address, "/").await,
        (200, "<title>Rapport</title>".into())
    );
    // An app route loads the app; a missing asset stays missing.
    assert_eq!(
        http_get(relay.address, "/accounts/42").await,
        (200, "<title>Rapport</title>".into())
    );
    assert_eq!(http_get(relay.address, "/missing.js").await.0, 404);
    relay.stop().await;
}

#[tokio::test]
async fn the_precompressed_app_is_served_to_browsers_that_accept_gzip() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<title>Rapport</title>").unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log('rapport')").unwrap();
    // The bytes only need to differ from app.js: the relay does not look inside.
    std::fs::write(dist.path().join("app.js.gz"), "the gzip of app.js").unwrap();
    let static_dir = dist.path().to_owned();
    let relay = Relay::start_with(|mut config| {
        config.static_dir = Some(static_dir);
        config
    })
    .await;

    let (status, head, body) =
        http_get_with(relay.address, "/app.js", "Accept-Encoding: gzip, br\r\n").await;
    assert_eq!((status, body.as_str()), (200, "the gzip of app.js"));
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(head.contains("content-type: text/javascript"), "{head}");

    let (status, head, body) = http_get_with(relay.address, "/app.js", "").await;
    assert_eq!((status, body.as_str()), (200, "console.log('rapport')"));
    assert!(!head.contains("content-encoding"), "{head}");
    relay.stop().await;
}

#[tokio::test]
async fn the_service_worker_is_always_revalidated_and_the_manifest_is_typed() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<title>Rapport</title>").unwrap();
    std::fs::write(dist.path().join("sw.js"), "const BUILD = 'b1';").unwrap();
    std::fs::write(dist.path().join("sw.js.gz"), "the gzip of sw.js").unwrap();
    std::fs::create_dir(dist.path().join("public")).unwrap();
    std::fs::write(dist.path().join("public/manifest.webmanifest"), "{}").unwrap();
    let static_dir = dist.path().to_owned();
    let relay = Relay::start_with(|mut config| {
        config.static_dir = Some(static_dir);
        config
    })
    .await;

    for accept in ["", "Accept-Encoding: gzip\r\n"] {
        let (status, head, _) = http_get_with(relay.address, "/sw.js", accept).await;
        assert_eq!(status, 200, "{head}");
        assert!(head.contains("cache-control: no-cache"), "{head}");
        assert!(head.contains("content-type: text/javascript"), "{head}");
    }
    let (status, head, body) =
        http_get_with(relay.address, "/public/manifest.webmanifest", "").await;
    assert_eq!((status, body.as_str()), (200, "{}"));
    assert!(
        head.contains("content-type: application/manifest+json"),
        "{head}"
    );
    // Only the service worker: the files it caches keep their headers.
    let (_, head, _) = http_get_with(relay.address, "/", "").await;
    assert!(!head.contains("cache-control"), "{head}");
    relay.stop().await;
}

#[tokio::test]
async fn the_admin_lists_the_teams_devices_and_sees_a_revoked_one() {
    let relay = Relay::start().await;
    let team = Team::new(1);
    let mut phone = Client::create(&relay.url(), &team, device(1)).await;
    phone.upload(&team, device(1), 1, "from the phone").await;
    let (mut laptop, _) = Client::join(&relay.url(), &team, device(2)).await;

    phone
        .send(&ClientFrame::ListDevices {
            admin_secret: team.admin,
        })
        .await;
    let listed = |revoked: bool| ServerFrame::Devices {
        devices: vec![
            rapport_protocol::TeamDevice {
                device: device(1),
                revoked: false,
                chunks: 1,
            },
            rapport_protocol::TeamDevice {
                device: device(2),
                revoked,
                chunks: 0,
            },
        ],
    };
    assert_eq!(phone.recv().await, listed(false));

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
    phone
        .send(&ClientFrame::ListDevices {
            admin_secret: team.admin,
        })
        .await;
    assert_eq!(phone.recv().await, listed(true));

    // The team key alone does not list the devices.
    let (mut tablet, _) = Client::join(&relay.url(), &team, device(3)).await;
    tablet
        .send(&ClientFrame::ListDevices {
            admin_secret: rapport_protocol::AdminSecret::from_bytes([0; 32]),
        })
        .await;
    assert_eq!(
        tablet.expect_error().await,
        rapport_protocol::ErrorCode::Unauthorized
    );
    drop(laptop.next().await);
    relay.stop().await;
}
