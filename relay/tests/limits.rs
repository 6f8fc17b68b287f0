//! The relay under floods and bad input: each limit refuses the abuser with
//! its own code while an honest device of another connection keeps
//! syncing, and a garbage snapshot costs no change during the retention
//! window.
//!
//! Abusers speak raw TCP here (a hand-made WebSocket handshake and frames),
//! because a well-behaved client library cannot trickle headers, stop
//! answering pings, or claim a frame it never sends. Timeouts are
//! configured short so the whole file runs in seconds.

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rapport_protocol::{ChunkKind, ClientFrame, Cursor, ErrorCode, Sealed, Seq, ServerFrame};
use rapport_relay::{Clock, Config, TeamCreation};
use support::{Client, PATIENCE, Relay, Team, device, http_get};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A connection that speaks WebSocket by hand, to misbehave precisely.
struct Raw {
    stream: TcpStream,
}

/// One frame as the relay sent it.
#[derive(Debug, PartialEq)]
enum RawFrame {
    Frame(ServerFrame),
    Ping,
    Close,
    /// The relay hung up (EOF or reset).
    Gone,
}

impl Raw {
    /// A TCP connection, nothing sent yet.
    async fn connect(address: SocketAddr) -> Raw {
        Raw {
            stream: TcpStream::connect(address).await.unwrap(),
        }
    }

    /// Connects and upgrades `path` to a WebSocket.
    async fn upgrade(address: SocketAddr, path: &str) -> Raw {
        let mut raw = Raw::connect(address).await;
        raw.send_upgrade(address, path).await;
        raw
    }

    async fn send_upgrade(&mut self, address: SocketAddr, path: &str) {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        );
        self.stream.write_all(request.as_bytes()).await.unwrap();
        let head = self.read_head().await;
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    }

    /// Reads an HTTP response head, byte by byte so no frame is swallowed.
    async fn read_head(&mut self) -> String {
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let byte = tokio::time::timeout(PATIENCE, self.stream.read_u8())
                .await
                .expect("the relay answered in time")
                .expect("a response head");
            head.push(byte);
        }
        String::from_utf8(head).unwrap()
    }

    /// Writes a masked binary frame header claiming `length` bytes.
    async fn send_header(&mut self, length: u64) {
        let mut header = vec![0x82, 0x80 | 127];
        header.extend_from_slice(&length.to_be_bytes());
        header.extend_from_slice(&[0; 4]); // a zero mask leaves bytes as they are
        self.stream.write_all(&header).await.unwrap();
    }

    /// Says `Hello` as `device` of `team` and answers the challenge; the
    /// frame after the proof (`Welcome`, or a refusal).
    async fn hello(&mut self, team: &Team, device: rapport_protocol::DeviceId) -> RawFrame {
        let identity = support::identity(device);
        self.send(&team.hello(device)).await;
        loop {
            match self.next().await {
                RawFrame::Ping => continue,
                RawFrame::Frame(ServerFrame::Challenge { ephemeral }) => {
                    let proof = identity.prove(team.id, &ephemeral).unwrap();
                    self.send(&ClientFrame::Prove { proof }).await;
                    loop {
                        match self.next().await {
                            RawFrame::Ping => continue,
                            other => return other,
                        }
                    }
                }
                other => return other,
            }
        }
    }

    async fn send(&mut self, frame: &ClientFrame) {
        let bytes = frame.encode();
        self.send_header(bytes.len() as u64).await;
        self.stream.write_all(&bytes).await.unwrap();
    }

    /// The next frame from the relay.
    async fn next(&mut self) -> RawFrame {
        let read = async {
            let mut head = [0u8; 2];
            if self.stream.read_exact(&mut head).await.is_err() {
                return RawFrame::Gone;
            }
            let length = match head[1] & 0x7f {
                126 => u64::from(self.stream.read_u16().await.unwrap()),
                127 => self.stream.read_u64().await.unwrap(),
                short => u64::from(short),
            };
            let mut payload = vec![0; usize::try_from(length).unwrap()];
            if self.stream.read_exact(&mut payload).await.is_err() {
                return RawFrame::Gone;
            }
            match head[0] & 0x0f {
                0x2 => RawFrame::Frame(ServerFrame::decode(&payload).unwrap()),
                0x8 => RawFrame::Close,
                0x9 => RawFrame::Ping,
                other => panic!("unexpected opcode {other}"),
            }
        };
        tokio::time::timeout(PATIENCE, read)
            .await
            .expect("the relay answered in time")
    }

    /// The code of the next Error frame, skipping pings; the relay must
    /// close after it.
    async fn expect_error(&mut self) -> ErrorCode {
        loop {
            match self.next().await {
                RawFrame::Ping => continue,
                RawFrame::Frame(ServerFrame::Error { code, .. }) => {
                    assert!(matches!(
                        self.next().await,
                        RawFrame::Close | RawFrame::Gone
                    ));
                    return code;
                }
                other => panic!("expected an error, got {other:?}"),
            }
        }
    }

    /// True once the relay closed the TCP connection (within PATIENCE).
    async fn closed(&mut self) -> bool {
        let mut byte = [0u8; 256];
        loop {
            match tokio::time::timeout(PATIENCE, self.stream.read(&mut byte)).await {
                Err(_) => return false,
                Ok(Ok(0) | Err(_)) => return true,
                Ok(Ok(_)) => continue,
            }
        }
    }
}

/// A relay adjusted by `adjust`, team 1 created and its phone (device 1)
/// joined with one chunk uploaded.
async fn relay_with_honest_phone(adjust: impl FnOnce(Config) -> Config) -> (Relay, Team, Client) {
    let relay = Relay::start_with(adjust).await;
    let team = Team::new(1);
    let mut phone = Client::create(&relay.url(), &team, device(1)).await;
    let ack = phone.upload(&team, device(1), 1, "first").await;
    assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    (relay, team, phone)
}

/// The honest phone can still upload `seq` and a laptop sees everything.
async fn still_syncs(relay: &Relay, team: &Team, phone: &mut Client, seq: u64) {
    let ack = phone
        .upload(team, device(1), seq, &format!("change {seq}"))
        .await;
    assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    let (mut laptop, welcome) = Client::join(&relay.url(), team, device(2)).await;
    assert!(
        matches!(welcome, ServerFrame::Welcome { .. }),
        "{welcome:?}"
    );
    assert_eq!(laptop.fetch_all(Cursor::START).await.len() as u64, seq);
}

#[tokio::test]
async fn before_hello_a_connection_may_send_a_few_kib_and_no_more_is_read() {
    let (relay, team, mut phone) = relay_with_honest_phone(|config| config).await;
    // A frame claiming 1 MiB, of which 8 KiB arrive: a relay that buffered
    // the whole frame would wait for the rest and never answer.
    let mut flooder = Raw::upgrade(relay.address, "/sync").await;
    flooder.send_header(1 << 20).await;
    flooder.stream.write_all(&[0; 8 << 10]).await.unwrap();
    assert_eq!(flooder.expect_error().await, ErrorCode::TooLarge);

    // A whole frame over the cap is refused the same way.
    let mut big = Client::connect(&relay.url()).await;
    big.send_message(tokio_tungstenite::tungstenite::Message::binary(vec![
        0;
        5 << 10
    ]))
    .await;
    assert_eq!(big.expect_error().await, ErrorCode::TooLarge);

    // After Hello the frame limit is the relay's usual one.
    let large = "x".repeat(64 << 10);
    let ack = phone.upload(&team, device(1), 2, &large).await;
    assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    still_syncs(&relay, &team, &mut phone, 3).await;
    relay.stop().await;
}

#[tokio::test]
async fn a_connection_without_hello_is_closed_at_the_deadline() {
    let (relay, team, mut phone) = relay_with_honest_phone(|mut config| {
        config.connections.hello_timeout = Duration::from_millis(200);
        config
    })
    .await;
    let started = Instant::now();
    let mut silent = Raw::upgrade(relay.address, "/sync").await;
    assert_eq!(silent.expect_error().await, ErrorCode::TimedOut);
    assert!(started.elapsed() >= Duration::from_millis(200));
    // The phone, joined long ago by now, is not affected by the deadline.
    tokio::time::sleep(Duration::from_millis(300)).await;
    still_syncs(&relay, &team, &mut phone, 2).await;
    relay.stop().await;
}

#[tokio::test]
async fn a_socket_that_answers_no_ping_is_closed_and_one_that_does_stays() {
    let (relay, team, mut phone) = relay_with_honest_phone(|mut config| {
        config.connections.ping_interval = Duration::from_millis(100);
        config.connections.idle_timeout = Duration::from_millis(400);
        config
    })
    .await;
    let mut deaf = Raw::upgrade(relay.address, "/sync").await;
    let welcome = deaf.hello(&Team::new(1), device(3)).await;
    assert!(
        matches!(welcome, RawFrame::Frame(ServerFrame::Welcome { .. })),
        "{welcome:?}"
    );
    let deaf_part = async {
        // It reads nothing (so answers no ping) for a second.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let mut frames = vec!["welcome"];
        loop {
            match deaf.next().await {
                RawFrame::Ping => frames.push("ping"),
                RawFrame::Frame(ServerFrame::Welcome { .. }) => frames.push("welcome"),
                RawFrame::Frame(ServerFrame::Error { code, .. }) => {
                    assert_eq!(code, ErrorCode::TimedOut);
                    return frames;
                }
                other => panic!("{other:?} after {frames:?}"),
            }
        }
    };
    // Meanwhile the phone answers every ping (its client does, as a browser
    // does) and sends nothing else, for longer than the idle timeout.
    let (frames, ()) = tokio::join!(deaf_part, phone.idle_for(Duration::from_millis(1500)));
    assert_eq!(frames[0], "welcome");
    assert!(frames.contains(&"ping"), "the relay pinged: {frames:?}");
    still_syncs(&relay, &team, &mut phone, 2).await;
    relay.stop().await;
}

#[tokio::test]
async fn a_device_sending_one_large_frame_slowly_is_not_idle() {
    let relay = Relay::start_with(|mut config| {
        config.connections.ping_interval = Duration::from_millis(100);
        config.connections.idle_timeout = Duration::from_millis(400);
        config
    })
    .await;
    let team = Team::new(1);
    drop(Client::create(&relay.url(), &team, device(1)).await);
    let mut slow = Raw::upgrade(relay.address, "/sync").await;
    let welcome = slow.hello(&team, device(2)).await;
    assert!(
        matches!(welcome, RawFrame::Frame(ServerFrame::Welcome { .. })),
        "{welcome:?}"
    );
    let seq = Seq(1);
    let sealed = team.seal(device(2), seq, ChunkKind::Change, &"s".repeat(12 << 10));
    let bytes = ClientFrame::Upload {
        seq,
        kind: ChunkKind::Change,
        sealed,
    }
    .encode();
    // Over 1.2 s, three times the idle timeout, and no pong meanwhile.
    slow.send_header(bytes.len() as u64).await;
    for part in bytes.chunks(1 << 10) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        slow.stream.write_all(part).await.unwrap();
    }
    let mut answers = Vec::new();
    loop {
        match slow.next().await {
            RawFrame::Ping => continue,
            RawFrame::Frame(frame @ ServerFrame::Welcome { .. }) => answers.push(frame),
            RawFrame::Frame(frame) => {
                answers.push(frame);
                break;
            }
            other => panic!("{other:?} after {answers:?}"),
        }
    }
    assert!(
        matches!(answers[..], [ServerFrame::Ack { .. }]),
        "{answers:?}"
    );
    relay.stop().await;
}

#[tokio::test]
async fn slow_request_headers_are_cut_off() {
    let relay = Relay::start_with(|mut config| {
        config.connections.header_read_timeout = Duration::from_millis(300);
        config
    })
    .await;
    let started = Instant::now();
    let mut trickler = Raw::connect(relay.address).await;
    trickler
        .stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: relay\r\nX-Slow: ")
        .await
        .unwrap();
    let mut mute = Raw::connect(relay.address).await;
    assert!(trickler.closed().await, "the relay hung up on the trickler");
    assert!(mute.closed().await, "and on a client that sent nothing");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(waited < PATIENCE, "{waited:?}");
    // A prompt request is served as usual.
    assert_eq!(http_get(relay.address, "/health").await.0, 200);
    relay.stop().await;
}

#[tokio::test]
async fn connections_are_capped_in_all_and_per_address() {
    // In all: 300, held by the phone and 299 connections that said nothing
    // (all from 127.0.0.1, so the per-address cap is off here).
    let (relay, team, mut phone) = relay_with_honest_phone(|mut config| {
        config.connections.max_total = 300;
        config.connections.max_per_address = 0;
        config
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..299 {
        idle.push(Raw::upgrade(relay.address, "/sync").await);
    }
    let mut late = Raw::upgrade(relay.address, "/sync").await;
    assert_eq!(late.expect_error().await, ErrorCode::TooManyConnections);
    let (status, body) = http_get(relay.address, "/health").await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("as many connections as it allows (300)"),
        "{body}"
    );
    // The phone, admitted before, syncs on; once one idle connection goes,
    // a new one is admitted (the laptop in `still_syncs`).
    let ack = phone.upload(&team, device(1), 2, "second").await;
    assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    drop(idle.pop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    still_syncs(&relay, &team, &mut phone, 3).await;
    drop(idle);
    relay.stop().await;

    // Per address: 3.
    let (relay, team, mut phone) = relay_with_honest_phone(|mut config| {
        config.connections.max_per_address = 3;
        config
    })
    .await;
    let _two = [
        Raw::upgrade(relay.address, "/sync").await,
        Raw::upgrade(relay.address, "/sync").await,
    ];
    let mut fourth = Client::connect(&relay.url()).await;
    assert_eq!(fourth.expect_error().await, ErrorCode::TooManyConnections);
    let ack = phone.upload(&team, device(1), 2, "second").await;
    assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    relay.stop().await;
}

#[tokio::test]
async fn team_quotas_refuse_bytes_and_devices_with_quota_exceeded() {
    let (relay, team, mut phone) = relay_with_honest_phone(|mut config| {
        config.quotas.team_bytes = 4 << 10;
        config.quotas.team_devices = 2;
        config
    })
    .await;
    let kib = "k".repeat(1 << 10);
    for seq in 2..=3 {
        let ack = phone.upload(&team, device(1), seq, &kib).await;
        assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    }
    let over = "o".repeat(2 << 10);
    match phone.upload(&team, device(1), 4, &over).await {
        ServerFrame::Error { code, message } => {
            assert_eq!(code, ErrorCode::QuotaExceeded);
            assert!(message.contains("4.0 KiB per team"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let (mut laptop, welcome) = Client::join(&relay.url(), &team, device(2)).await;
    assert!(matches!(welcome, ServerFrame::Welcome { .. }));
    let (mut third, refused) = Client::join(&relay.url(), &team, device(3)).await;
    assert!(
        matches!(
            refused,
            ServerFrame::Error {
                code: ErrorCode::QuotaExceeded,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(third.next().await, None);
    assert_eq!(
        laptop.fetch_all(Cursor::START).await.len(),
        3,
        "nothing of seq 4"
    );

    // Another team has its own quota.
    let other = Team::new(2);
    let mut desk = Client::create(&relay.url(), &other, device(1)).await;
    let ack = desk.upload(&other, device(1), 1, &kib).await;
    assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    relay.stop().await;
}

#[tokio::test]
async fn a_team_over_its_chunk_rate_is_rate_limited_and_others_are_not() {
    let (relay, team, mut phone) = relay_with_honest_phone(|mut config| {
        config.quotas.team_chunks_per_minute = 5;
        config
    })
    .await;
    for seq in 2..=5 {
        let ack = phone.upload(&team, device(1), seq, "fast").await;
        assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    }
    let refused = phone.upload(&team, device(1), 6, "too fast").await;
    assert!(
        matches!(
            refused,
            ServerFrame::Error {
                code: ErrorCode::RateLimited,
                ..
            }
        ),
        "{refused:?}"
    );
    let other = Team::new(2);
    let mut desk = Client::create(&relay.url(), &other, device(1)).await;
    for seq in 1..=5 {
        let ack = desk.upload(&other, device(1), seq, "its own pace").await;
        assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    }
    let (mut laptop, _) = Client::join(&relay.url(), &team, device(2)).await;
    assert_eq!(laptop.fetch_all(Cursor::START).await.len(), 5);
    relay.stop().await;
}

#[tokio::test]
async fn below_the_free_space_floor_uploads_are_refused_and_nothing_is_stored() {
    let relay = Relay::start_with(|mut config| {
        // More than any disk has free.
        config.quotas.min_free_bytes = u64::MAX / 2;
        config
    })
    .await;
    let team = Team::new(1);
    let mut phone = Client::create(&relay.url(), &team, device(1)).await;
    match phone.upload(&team, device(1), 1, "nowhere to go").await {
        ServerFrame::Error { code, message } => {
            assert_eq!(code, ErrorCode::RelayFull);
            assert!(message.contains("disk is nearly full"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Reading still works: a device can fetch what the team has (nothing).
    let (mut laptop, welcome) = Client::join(&relay.url(), &team, device(2)).await;
    assert!(matches!(
        welcome,
        ServerFrame::Welcome {
            head: Cursor(0),
            ..
        }
    ));
    assert!(laptop.fetch_all(Cursor::START).await.is_empty());
    relay.stop().await;
}

/// Opens `/sync` (with `query`), sends CreateTeam and Hello; returns the
/// first answer.
async fn try_create(relay: &Relay, query: &str, team: &Team) -> ServerFrame {
    let mut client = Client::connect(&format!("{}{query}", relay.url())).await;
    client.send(&team.create_frame()).await;
    client.hello(&team.hello(device(1))).await
}

fn refusal(frame: &ServerFrame) -> (ErrorCode, &str) {
    match frame {
        ServerFrame::Error { code, message } => (*code, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn team_creation_needs_the_operators_secret() {
    const SECRET: &str = "0123456789abcdef0123";
    let relay = Relay::start_with(|mut config| {
        config.team_creation = TeamCreation::Secret(SECRET.into());
        config
    })
    .await;
    let stranger = Team::new(7);
    let none = try_create(&relay, "", &stranger).await;
    let (code, message) = refusal(&none);
    assert_eq!(code, ErrorCode::TeamCreationClosed);
    assert!(message.contains("none was given"), "{message}");
    let wrong = try_create(&relay, "?create=0123456789abcdef0124", &stranger).await;
    let (code, message) = refusal(&wrong);
    assert_eq!(code, ErrorCode::TeamCreationClosed);
    assert!(message.contains("not this relay's"), "{message}");
    // Nothing was created: the stranger's team is unknown.
    let (_, unknown) = Client::join(&relay.url(), &stranger, device(1)).await;
    assert_eq!(refusal(&unknown).0, ErrorCode::UnknownTeam);

    // With the secret, the team is created, and its devices join (and
    // sync) without it.
    let team = Team::new(1);
    let welcome = try_create(&relay, &format!("?create={SECRET}"), &team).await;
    assert!(
        matches!(welcome, ServerFrame::Welcome { .. }),
        "{welcome:?}"
    );
    let (mut phone, _) = Client::join(&relay.url(), &team, device(1)).await;
    still_syncs(&relay, &team, &mut phone, 1).await;
    relay.stop().await;

    // A relay that creates no teams refuses even with a secret.
    let relay = Relay::start_with(|mut config| {
        config.team_creation = TeamCreation::Closed;
        config
    })
    .await;
    let closed = try_create(&relay, &format!("?create={SECRET}"), &team).await;
    let (code, message) = refusal(&closed);
    assert_eq!(code, ErrorCode::TeamCreationClosed);
    assert!(message.contains("does not create new teams"), "{message}");
    relay.stop().await;
}

/// Fetches with `FetchAll` from the start, following `next`.
async fn fetch_everything(client: &mut Client) -> Vec<rapport_protocol::StoredChunk> {
    let mut after = Cursor::START;
    let mut chunks = Vec::new();
    loop {
        client
            .send(&ClientFrame::FetchAll { after, limit: 2 })
            .await;
        let (items, more, next) = loop {
            match client.recv().await {
                ServerFrame::Chunks { items, more, next } => break (items, more, next),
                ServerFrame::Notify { .. } => continue,
                other => panic!("expected chunks, got {other:?}"),
            }
        };
        chunks.extend(items);
        after = next;
        if !more {
            return chunks;
        }
    }
}

#[tokio::test]
async fn a_garbage_snapshot_loses_no_change_during_the_retention_window() {
    const DAY: Duration = Duration::from_secs(24 * 3600);
    let clock = Clock::manual(1_800_000_000);
    let relay = Relay::start_with({
        let clock = clock.clone();
        move |mut config| {
            config.snapshot_retention = 7 * DAY;
            config.clock = clock;
            config
        }
    })
    .await;
    let team = Team::new(1);
    let mut phone = Client::create(&relay.url(), &team, device(1)).await;
    for seq in 1..=5 {
        phone
            .upload(&team, device(1), seq, &format!("change {seq}"))
            .await;
    }
    // A buggy or hostile member claims a snapshot of everything, with bytes
    // that open to nothing.
    let (mut liar, _) = Client::join(&relay.url(), &team, device(6)).await;
    liar.send(&ClientFrame::Upload {
        seq: Seq(1),
        kind: ChunkKind::Snapshot { covers: Cursor(5) },
        sealed: Sealed {
            nonce: [9; 24],
            ciphertext: vec![9; 64],
        },
    })
    .await;
    assert!(matches!(liar.recv().await, ServerFrame::Ack { .. }));

    // A device behind the snapshot still gets it first from Fetch...
    let (mut laptop, welcome) = Client::join(&relay.url(), &team, device(2)).await;
    assert!(matches!(
        welcome,
        ServerFrame::Welcome {
            snapshot: Some(Cursor(5)),
            ..
        }
    ));
    let first = laptop.fetch_all(Cursor::START).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].device, device(6));
    // ...and finding it unreadable, every change under it with FetchAll.
    clock.advance(6 * DAY);
    let everything = fetch_everything(&mut laptop).await;
    let changes: Vec<String> = everything
        .iter()
        .filter(|chunk| chunk.kind == ChunkKind::Change)
        .map(|chunk| team.open(chunk))
        .collect();
    assert_eq!(
        changes,
        ["change 1", "change 2", "change 3", "change 4", "change 5"]
    );

    // After the window, the next upload prunes what the snapshot covers.
    clock.advance(DAY + Duration::from_secs(1));
    let mut answer = phone.upload(&team, device(1), 6, "change 6").await;
    // The phone was told of the snapshot first.
    while let ServerFrame::Notify { .. } = answer {
        answer = phone.recv().await;
    }
    assert!(matches!(answer, ServerFrame::Ack { .. }), "{answer:?}");
    let after: Vec<u64> = fetch_everything(&mut laptop)
        .await
        .iter()
        .map(|chunk| chunk.cursor.0)
        .collect();
    assert_eq!(after, [6, 7], "the snapshot and change 6");
    relay.stop().await;
}

/// Uploads 200 chunks from `first_seq` on, one at a time; the p50, p99 and
/// max of the time from sending each to its Ack.
async fn ack_latencies(
    team: &Team,
    phone: &mut Client,
    first_seq: u64,
) -> (Duration, Duration, Duration) {
    let mut latencies = Vec::new();
    for seq in first_seq..first_seq + 200 {
        let started = Instant::now();
        let ack = phone.upload(team, device(1), seq, "honest work").await;
        latencies.push(started.elapsed());
        assert!(matches!(ack, ServerFrame::Ack { .. }), "{ack:?}");
    }
    latencies.sort_unstable();
    (latencies[100], latencies[197], latencies[199])
}

/// The resident memory of this process (relay and clients), from /proc.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn an_honest_device_keeps_its_ack_latency_while_300_abusers_hold_on() {
    let (relay, team, mut phone) = relay_with_honest_phone(|mut config| {
        // Long enough that the abusers stay for the whole measurement.
        config.connections.hello_timeout = Duration::from_secs(60);
        config.connections.header_read_timeout = Duration::from_secs(60);
        config
    })
    .await;
    let quiet = ack_latencies(&team, &mut phone, 2).await;
    let before = resident_kib();
    let mut held = Vec::new();
    for n in 0..300 {
        match n % 3 {
            // Upgraded, never says Hello.
            0 => held.push(Raw::upgrade(relay.address, "/sync").await),
            // Trickles its headers.
            1 => {
                let mut raw = Raw::connect(relay.address).await;
                raw.stream
                    .write_all(b"GET /sync HTTP/1.1\r\nHost: relay\r\n")
                    .await
                    .unwrap();
                held.push(raw);
            }
            // Claims a 30 MiB frame before Hello and sends 4 KiB of it.
            _ => {
                let mut raw = Raw::upgrade(relay.address, "/sync").await;
                raw.send_header(30 << 20).await;
                raw.stream.write_all(&[0; 4 << 10]).await.unwrap();
                held.push(raw);
            }
        }
    }
    let loaded = resident_kib();

    let loaded_latencies = ack_latencies(&team, &mut phone, 202).await;
    let (p50, p99, max) = loaded_latencies;
    eprintln!(
        "ack latency of 200 uploads, quiet: p50 {:?}, p99 {:?}, max {:?}; with 300 abusive \
         connections held: p50 {p50:?}, p99 {p99:?}, max {max:?}; resident memory of the test \
         process {before:?} KiB before them, {loaded:?} KiB with them",
        quiet.0, quiet.1, quiet.2
    );
    assert!(p99 < Duration::from_secs(5), "p99 {p99:?}");
    drop(held);
    relay.stop().await;
}
