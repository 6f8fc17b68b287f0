//! Helpers shared by the relay's integration tests: a relay on a random
//! port, a team with its secrets, and a WebSocket client that speaks frames.
//!
//! (`support/mod.rs` rather than `support.rs`: Cargo would build a top-level
//! `tests/support.rs` as a test binary of its own.)

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rapport_protocol::{
    AccessToken, AdminSecret, ChunkKind, ClientFrame, Cursor, DeviceId, ErrorCode,
    PROTOCOL_VERSION, Plain, Sealed, Seq, ServerFrame, StoredChunk, TeamId, TeamKey, access_token,
    admin_hash, open, seal, token_hash,
};
use rapport_relay::{Config, RelayError, TeamCreation, TestDevice};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long any single wait may take before the test fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A relay running in this process on 127.0.0.1 with a random port.
pub struct Relay {
    pub address: SocketAddr,
    pub data_dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), RelayError>>>,
}

impl Relay {
    pub async fn start() -> Relay {
        Relay::start_with(|config| config).await
    }

    pub async fn start_with(adjust: impl FnOnce(Config) -> Config) -> Relay {
        let data_dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        // The tests create their teams; a relay's default creates none.
        let mut config = Config::new(data_dir.path());
        config.team_creation = TeamCreation::Open;
        let config = adjust(config);
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(rapport_relay::serve(listener, config, async move {
            let _ = stop.await;
        }));
        Relay {
            address,
            data_dir,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/sync", self.address)
    }

    /// Shuts the relay down and waits for `serve` to return.
    pub async fn stop(mut self) {
        let _ = self.shutdown.take().unwrap().send(());
        let task = self.task.take().unwrap();
        tokio::time::timeout(PATIENCE, task)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
}

/// A team as its devices know it: the id and the secrets the relay never sees.
pub struct Team {
    pub id: TeamId,
    pub key: TeamKey,
    pub admin: AdminSecret,
}

impl Team {
    /// A team whose bytes all derive from `seed`, so tests stay readable.
    pub fn new(seed: u8) -> Team {
        Team {
            id: TeamId::from_bytes([seed; 16]),
            key: TeamKey::from_bytes([seed.wrapping_add(100); 32]),
            admin: AdminSecret::from_bytes([seed.wrapping_add(200); 32]),
        }
    }

    pub fn token(&self) -> AccessToken {
        access_token(&self.key, self.id)
    }

    pub fn create_frame(&self) -> ClientFrame {
        ClientFrame::CreateTeam {
            version: PROTOCOL_VERSION,
            team: self.id,
            token_hash: token_hash(&self.token()),
            admin_hash: admin_hash(&self.admin),
        }
    }

    pub fn hello(&self, device: DeviceId) -> ClientFrame {
        hello_as(self.id, device, self.token())
    }

    /// Seals `text` as a change; the nonce is unique per (device, seq), which
    /// is all a test needs (devices use random nonces).
    pub fn seal(&self, device: DeviceId, seq: Seq, kind: ChunkKind, text: &str) -> Sealed {
        let mut nonce = [0u8; 24];
        nonce[..16].copy_from_slice(device.as_bytes());
        nonce[16..].copy_from_slice(&seq.0.to_be_bytes());
        let plain = Plain::new(text.as_bytes().to_vec());
        seal(&self.key, self.id, device, seq, kind, &plain, nonce)
    }

    pub fn open(&self, chunk: &StoredChunk) -> String {
        let plain = open(
            &self.key,
            self.id,
            chunk.device,
            chunk.seq,
            chunk.kind,
            &chunk.sealed,
        )
        .expect("a stored chunk opens with the team key");
        String::from_utf8(plain.into_bytes()).unwrap()
    }
}

/// The id of the test device of `seed` (see [`identity`]).
pub fn device(seed: u8) -> DeviceId {
    let id = TestDevice::from_seed(seed).id();
    SEEDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(id, seed);
    id
}

/// The seed of each device [`device`] made.
static SEEDS: Mutex<BTreeMap<DeviceId, u8>> = Mutex::new(BTreeMap::new());

/// The key pair of a device [`device`] named: tests pass ids around, and
/// answering the relay's challenge needs the key behind one.
pub fn identity(device: DeviceId) -> TestDevice {
    let seed = SEEDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&device)
        .copied()
        .expect("a device made by support::device");
    TestDevice::from_seed(seed)
}

/// A `Hello` from `device` with `token`, naming the device's own key.
pub fn hello_as(team: TeamId, device: DeviceId, token: AccessToken) -> ClientFrame {
    ClientFrame::Hello {
        version: PROTOCOL_VERSION,
        team,
        device,
        token,
        public_key: identity(device).public_key(),
    }
}

/// One device's WebSocket connection to the relay.
pub struct Client {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Client {
    pub async fn connect(url: &str) -> Client {
        let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Client { socket }
    }

    /// Creates `team` and says hello as `device`.
    pub async fn create(url: &str, team: &Team, device: DeviceId) -> Client {
        let mut client = Client::connect(url).await;
        client.send(&team.create_frame()).await;
        let welcome = client.hello(&team.hello(device)).await;
        assert!(matches!(welcome, ServerFrame::Welcome { .. }));
        client
    }

    /// Says hello as `device` of `team`; returns the client and the Welcome.
    pub async fn join(url: &str, team: &Team, device: DeviceId) -> (Client, ServerFrame) {
        let mut client = Client::connect(url).await;
        let welcome = client.hello(&team.hello(device)).await;
        (client, welcome)
    }

    /// Sends `hello` and answers the relay's challenge as the device it
    /// names; returns the frame after (Welcome, Rekey or an Error).
    pub async fn hello(&mut self, hello: &ClientFrame) -> ServerFrame {
        let ClientFrame::Hello { team, device, .. } = hello else {
            panic!("not a Hello: {hello:?}");
        };
        let identity = identity(*device);
        self.send(hello).await;
        match self.recv().await {
            ServerFrame::Challenge { ephemeral } => {
                let proof = identity.prove(*team, &ephemeral).unwrap();
                self.send(&ClientFrame::Prove { proof }).await;
                self.recv().await
            }
            other => other,
        }
    }

    pub async fn send(&mut self, frame: &ClientFrame) {
        self.send_message(Message::binary(frame.encode())).await;
    }

    pub async fn send_message(&mut self, message: Message) {
        self.socket.send(message).await.unwrap();
    }

    /// The next frame, or `None` once the relay closed the connection.
    pub async fn next(&mut self) -> Option<ServerFrame> {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the relay answered in time");
            match message {
                Some(Ok(Message::Binary(bytes))) => {
                    return Some(ServerFrame::decode(&bytes).unwrap());
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(Message::Close(_))) => {
                    // Keep reading so tungstenite sends its answering Close,
                    // as a browser does; the relay then hangs up at once.
                    while let Ok(Some(Ok(_))) =
                        tokio::time::timeout(PATIENCE, self.socket.next()).await
                    {
                    }
                    return None;
                }
                None | Some(Err(_)) => return None,
                Some(Ok(other)) => panic!("unexpected message {other:?}"),
            }
        }
    }

    /// Reads for `time`, answering the relay's pings as a browser does;
    /// panics if a frame or the end of the connection comes instead.
    pub async fn idle_for(&mut self, time: Duration) {
        let deadline = tokio::time::Instant::now() + time;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return,
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
                Ok(other) => panic!("expected silence, got {other:?}"),
            }
        }
    }

    pub async fn recv(&mut self) -> ServerFrame {
        self.next().await.expect("a frame, not a closed connection")
    }

    /// Expects an Error frame and then the connection closing.
    pub async fn expect_error(&mut self) -> ErrorCode {
        let code = match self.recv().await {
            ServerFrame::Error { code, .. } => code,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(self.next().await, None, "the relay closes after an error");
        code
    }

    pub async fn upload(
        &mut self,
        team: &Team,
        device: DeviceId,
        seq: u64,
        text: &str,
    ) -> ServerFrame {
        let seq = Seq(seq);
        let sealed = team.seal(device, seq, ChunkKind::Change, text);
        self.send(&ClientFrame::Upload {
            seq,
            kind: ChunkKind::Change,
            sealed,
        })
        .await;
        self.recv().await
    }

    /// Fetches everything after `after`, following `next`, skipping pushes.
    pub async fn fetch_all(&mut self, after: Cursor) -> Vec<StoredChunk> {
        let mut after = after;
        let mut chunks = Vec::new();
        loop {
            self.send(&ClientFrame::Fetch { after, limit: 100 }).await;
            let (items, more, next) = loop {
                match self.recv().await {
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
}

/// Plain HTTP GET over a raw socket; returns (status, body).
pub async fn http_get(address: SocketAddr, path: &str) -> (u16, String) {
    let (status, _, body) = http_get_with(address, path, "").await;
    (status, body)
}

/// GET with extra request header lines (each ending in `\r\n`); returns the
/// status, the response head (lowercased) and the body.
pub async fn http_get_with(
    address: SocketAddr,
    path: &str,
    headers: &str,
) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_lowercase(), body.to_owned())
}

/// Every file in `dir` (the SQLite database and its WAL), concatenated.
pub fn read_all_files(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        if path.is_file() {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    bytes
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
