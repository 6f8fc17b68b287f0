//! How many chunks per second one relay accepts over loopback, with acks.
//!
//! ```text
//! cargo run --release -p rapport-relay --example throughput [-- COUNT]
//! ```
//!
//! Starts a relay in this process on 127.0.0.1 with its SQLite file in a
//! temporary directory (on the same disk as the system temp dir), then
//! uploads COUNT (default 10,000) sealed chunks of 200 plaintext bytes from
//! one device: first one at a time (send, wait for the Ack), then pipelined
//! (send all, collect the acks). Every Ack means a committed, fsynced
//! transaction, so the figure is mostly the disk's fsync rate.

use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use rapport_protocol::{
    AdminSecret, ChunkKind, ClientFrame, PROTOCOL_VERSION, Plain, Seq, ServerFrame, TeamId,
    TeamKey, access_token, admin_hash, seal, token_hash,
};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() {
    let count: u64 = std::env::args()
        .nth(1)
        .map_or(10_000, |arg| arg.parse().expect("COUNT is a number"));
    let data_dir = tempfile::tempdir().expect("a temporary directory");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/sync", listener.local_addr().unwrap());
    let config = rapport_relay::Config::new(data_dir.path());
    tokio::spawn(rapport_relay::serve(
        listener,
        config,
        std::future::pending(),
    ));

    let key = TeamKey::from_bytes([1; 32]);
    let team = TeamId::from_bytes([2; 16]);
    let token = access_token(&key, team);
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();
    let create = ClientFrame::CreateTeam {
        version: PROTOCOL_VERSION,
        team,
        token_hash: token_hash(&token),
        admin_hash: admin_hash(&AdminSecret::from_bytes([3; 32])),
    };
    let identity = rapport_relay::TestDevice::from_seed(4);
    let device = identity.id();
    let hello = ClientFrame::Hello {
        version: PROTOCOL_VERSION,
        team,
        device,
        token,
        public_key: identity.public_key(),
    };
    socket.send(Message::binary(create.encode())).await.unwrap();
    socket.send(Message::binary(hello.encode())).await.unwrap();
    let ServerFrame::Challenge { ephemeral } = next_frame(&mut socket).await else {
        panic!("Hello is answered by a challenge");
    };
    let proof = identity.prove(team, &ephemeral).unwrap();
    let prove = ClientFrame::Prove { proof };
    socket.send(Message::binary(prove.encode())).await.unwrap();
    next_frame(&mut socket).await;

    // Sealed up front so the clock measures the relay, not the sealing.
    let uploads: Vec<Vec<u8>> = (1..=2 * count)
        .map(|seq| {
            let plain = Plain::new(vec![b'x'; 200]);
            let mut nonce = [0u8; 24];
            nonce[..8].copy_from_slice(&seq.to_be_bytes());
            let sealed = seal(
                &key,
                team,
                device,
                Seq(seq),
                ChunkKind::Change,
                &plain,
                nonce,
            );
            ClientFrame::Upload {
                seq: Seq(seq),
                kind: ChunkKind::Change,
                sealed,
            }
            .encode()
        })
        .collect();
    let (sequential, pipelined) = uploads.split_at(count as usize);

    let started = Instant::now();
    for upload in sequential {
        socket.send(Message::binary(upload.clone())).await.unwrap();
        assert!(matches!(
            next_frame(&mut socket).await,
            ServerFrame::Ack { .. }
        ));
    }
    report("one at a time", count, started);

    let started = Instant::now();
    let (mut sink, mut stream) = socket.split();
    let frames: Vec<Vec<u8>> = pipelined.to_vec();
    let writer = tokio::spawn(async move {
        for upload in frames {
            sink.send(Message::binary(upload)).await.unwrap();
        }
        sink
    });
    for _ in 0..count {
        let Some(Ok(Message::Binary(bytes))) = stream.next().await else {
            panic!("relay went away")
        };
        assert!(matches!(
            ServerFrame::decode(&bytes).unwrap(),
            ServerFrame::Ack { .. }
        ));
    }
    drop(writer.await.unwrap());
    report("pipelined", count, started);
}

async fn next_frame<S>(socket: &mut S) -> ServerFrame
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    match socket.next().await {
        Some(Ok(Message::Binary(bytes))) => ServerFrame::decode(&bytes).unwrap(),
        other => panic!("expected a frame, got {other:?}"),
    }
}

fn report(how: &str, count: u64, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{how}: {count} uploads of 200-byte chunks in {seconds:.2} s = {:.0} chunks/s (acked, fsynced)",
        count as f64 / seconds
    );
}
