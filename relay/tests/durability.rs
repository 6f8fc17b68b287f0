//! The built `rapport-relay` binary as a child process: acknowledged uploads
//! survive `kill -9`, and neither its files nor its logs ever hold plaintext.

mod support;

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rapport_protocol::{ChunkKind, ClientFrame, Cursor, Seq, ServerFrame};
use support::{Client, Team, contains, device, identity, read_all_files};
use tokio_tungstenite::tungstenite::Message;

/// Every test chunk's plaintext starts with this; finding it anywhere the
/// relay writes would mean plaintext reached the relay.
const MARKER: &str = "RAPPORT-PLAINTEXT-MARKER";

/// A `rapport-relay` process with its stdout and stderr captured.
struct RelayProcess {
    child: Child,
    address: SocketAddr,
}

impl RelayProcess {
    fn spawn(data_dir: &Path, output: Arc<Mutex<Vec<u8>>>) -> RelayProcess {
        // Output is shared across restarts; look only at this process's part.
        let start = output.lock().unwrap().len();
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport-relay"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--verbose",
                "--open-team-creation",
            ])
            .arg("--data-dir")
            .arg(data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the relay binary starts");
        capture(child.stdout.take().unwrap(), Arc::clone(&output));
        capture(child.stderr.take().unwrap(), Arc::clone(&output));

        let started = Instant::now();
        let address = loop {
            let text = String::from_utf8_lossy(&output.lock().unwrap()[start..]).into_owned();
            if let Some((_, rest)) = text.rsplit_once("listening on http://") {
                let address: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
                break address.parse().unwrap();
            }
            assert!(
                started.elapsed() < support::PATIENCE,
                "relay did not start: {text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        RelayProcess { child, address }
    }

    fn url(&self) -> String {
        format!("ws://{}/sync", self.address)
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs, exactly like a crash or `kill -9`.
    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Copies everything from a pipe into `output`, on a thread of its own.
fn capture(mut pipe: impl Read + Send + 'static, output: Arc<Mutex<Vec<u8>>>) {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(read) = pipe.read(&mut buffer) {
            if read == 0 {
                break;
            }
            output.lock().unwrap().extend_from_slice(&buffer[..read]);
        }
    });
}

/// About 200 bytes of plaintext for `seq`, starting with the marker.
fn plaintext(seq: u64) -> String {
    format!("{MARKER}-{seq:06}-{}", "x".repeat(170))
}

#[tokio::test]
async fn acknowledged_uploads_survive_kill_9() {
    const UPLOADS: u64 = 3000;
    const KILL_AFTER_ACKS: usize = 200;
    let data_dir = tempfile::tempdir().unwrap();
    let output = Arc::new(Mutex::new(Vec::new()));
    let relay = RelayProcess::spawn(data_dir.path(), Arc::clone(&output));
    let team = Team::new(1);
    let phone = device(1);
    drop(Client::create(&relay.url(), &team, phone).await);

    let (mut socket, _) = tokio_tungstenite::connect_async(relay.url()).await.unwrap();
    socket
        .send(Message::binary(team.hello(phone).encode()))
        .await
        .unwrap();
    let challenge = socket.next().await.unwrap().unwrap().into_data();
    let ServerFrame::Challenge { ephemeral } = ServerFrame::decode(&challenge).unwrap() else {
        panic!("Hello is answered by a challenge");
    };
    let proof = identity(phone).prove(team.id, &ephemeral).unwrap();
    socket
        .send(Message::binary(ClientFrame::Prove { proof }.encode()))
        .await
        .unwrap();
    let welcome = socket.next().await.unwrap().unwrap().into_data();
    assert!(matches!(
        ServerFrame::decode(&welcome).unwrap(),
        ServerFrame::Welcome { .. }
    ));
    let (mut sink, mut stream) = socket.split();

    // Upload without waiting for acks, as fast as the relay takes them.
    let sealer = Team::new(1);
    let writer = tokio::spawn(async move {
        for seq in 1..=UPLOADS {
            let sealed = sealer.seal(phone, Seq(seq), ChunkKind::Change, &plaintext(seq));
            let frame = ClientFrame::Upload {
                seq: Seq(seq),
                kind: ChunkKind::Change,
                sealed,
            };
            if sink.send(Message::binary(frame.encode())).await.is_err() {
                return;
            }
        }
    });

    let mut acked: Vec<(Seq, Cursor)> = Vec::new();
    let mut relay = Some(relay);
    while let Ok(Some(Ok(message))) = tokio::time::timeout(support::PATIENCE, stream.next()).await {
        let Message::Binary(bytes) = message else {
            continue;
        };
        match ServerFrame::decode(&bytes).unwrap() {
            ServerFrame::Ack { seq, cursor } => acked.push((seq, cursor)),
            other => panic!("expected acks, got {other:?}"),
        }
        if acked.len() == KILL_AFTER_ACKS {
            relay.take().unwrap().kill_9();
        }
    }
    writer.await.unwrap();
    let acked_count = acked.len();
    assert!(
        acked_count >= KILL_AFTER_ACKS,
        "only {acked_count} acks before the connection broke"
    );
    assert!(
        acked_count < UPLOADS as usize,
        "all {UPLOADS} uploads were acknowledged before the kill; upload more to kill mid-stream"
    );

    let relay = RelayProcess::spawn(data_dir.path(), Arc::clone(&output));
    let (mut reader, _) = Client::join(&relay.url(), &team, device(2)).await;
    let stored: HashMap<Seq, (Cursor, String)> = reader
        .fetch_all(Cursor::START)
        .await
        .iter()
        .map(|chunk| (chunk.seq, (chunk.cursor, team.open(chunk))))
        .collect();
    for (seq, cursor) in &acked {
        let (stored_cursor, text) = stored
            .get(seq)
            .unwrap_or_else(|| panic!("acked seq {seq} lost"));
        assert_eq!(stored_cursor, cursor, "seq {seq} moved");
        assert_eq!(text, &plaintext(seq.0));
    }
    println!(
        "kill -9 after {KILL_AFTER_ACKS} acks: {acked_count} acknowledged, {} stored after restart, \
         all acknowledged present",
        stored.len()
    );
    relay.kill_9();
}

#[tokio::test]
async fn the_relay_never_holds_plaintext() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = Arc::new(Mutex::new(Vec::new()));
    let relay = RelayProcess::spawn(data_dir.path(), Arc::clone(&output));
    let team = Team::new(1);

    // Every path that stores or logs: uploads, a retry, a snapshot, a
    // reused seq, a wrong token, fetches.
    let mut phone = Client::create(&relay.url(), &team, device(1)).await;
    for seq in 1..=20 {
        phone.upload(&team, device(1), seq, &plaintext(seq)).await;
    }
    phone.upload(&team, device(1), 20, &plaintext(20)).await;
    let kind = ChunkKind::Snapshot { covers: Cursor(10) };
    let sealed = team.seal(device(1), Seq(21), kind, &format!("{MARKER}-snapshot"));
    phone
        .send(&ClientFrame::Upload {
            seq: Seq(21),
            kind,
            sealed: sealed.clone(),
        })
        .await;
    assert!(matches!(phone.recv().await, ServerFrame::Ack { .. }));
    let (mut laptop, _) = Client::join(&relay.url(), &team, device(2)).await;
    let fetched = laptop.fetch_all(Cursor::START).await;
    assert_eq!(fetched.len(), 11, "the snapshot, then changes 11 to 20");
    // Seq 15 is past what the snapshot covers, so still there to be taken.
    let other = format!("{MARKER}-other");
    let taken = phone.upload(&team, device(1), 15, &other).await;
    assert!(
        matches!(
            &taken,
            ServerFrame::SeqTaken { seq: Seq(15), highest: Seq(21), mine } if mine.len() == 7
        ),
        "{taken:?}"
    );
    let mut stranger = Client::connect(&relay.url()).await;
    let refusal = stranger.hello(&Team::new(9).hello(device(3))).await;
    assert!(matches!(refusal, ServerFrame::Error { .. }));

    // Let the last log lines reach the pipes, then look everywhere.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let files = read_all_files(data_dir.path());
    let logs = output.lock().unwrap().clone();
    assert!(
        contains(&files, &sealed.ciphertext),
        "the search would find stored bytes"
    );
    assert!(contains(&logs, b"device joined"), "the logs were captured");
    assert!(
        !contains(&files, MARKER.as_bytes()),
        "plaintext in the relay's files"
    );
    assert!(
        !contains(&logs, MARKER.as_bytes()),
        "plaintext in the relay's logs"
    );
    let token_hex: String = team
        .token()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        !contains(&files, team.token().as_bytes()),
        "the access token itself is never stored"
    );
    assert!(
        !contains(&logs, token_hex.as_bytes()),
        "the access token in the logs"
    );
    assert!(
        !contains(&files, team.key.as_bytes()),
        "the team key on the relay"
    );
    relay.kill_9();
}
