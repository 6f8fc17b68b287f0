//! Rapport's sync protocol, shared by the browser app (wasm32) and the relay.
//!
//! A team's devices converge through a relay that stores and forwards
//! **opaque sealed chunks**: the relay keeps them in order and hands them to
//! the team's other devices, but it never holds the team key and so can
//! never read them. This crate is everything both sides must agree on:
//!
//! - **Typed ids and counters**: [`TeamId`] (16 random bytes, shown as hex)
//!   and [`DeviceId`] (derived from the device's public key), [`Seq`] (a device's own 1-based upload counter)
//!   and [`Cursor`] (the relay's per-team order).
//! - **What is plaintext and what is not**: [`Plain`] holds bytes only a
//!   device may see and has no serde impls, so it cannot end up in a frame
//!   by accident; [`Sealed`] is what travels and what the relay stores.
//!   [`TeamKey`] never goes on the wire either.
//! - **Sealing**: [`seal()`] and [`open()`] (XChaCha20-Poly1305). The team,
//!   device, seq and [`ChunkKind`] are bound in as associated data, so a
//!   chunk replayed under another team, device, seq or kind does not open.
//! - **Device identity**: [`DeviceId::of_key`], the [`Fingerprint`] people
//!   compare when a device joins, the [`hello_proof`] that the device holds
//!   its key, and its sealed card ([`seal_card`]).
//! - **Key rotation**: a new team key sealed to each device by the admin
//!   ([`seal_envelope`], authenticated with the admin's device key).
//! - **Relay access**: [`access_token`] derives the token a device shows the
//!   relay from the team key; the relay only ever stores [`token_hash`] of it.
//!   Team admin actions use a separate [`AdminSecret`].
//! - **Frames**: [`ClientFrame`] and [`ServerFrame`], encoded with postcard
//!   as binary WebSocket messages. The first client frame carries
//!   [`PROTOCOL_VERSION`].
//!
//! # A device's round trip
//!
//! ```
//! use rapport_protocol::*;
//!
//! // Random bytes come from the caller (the browser's crypto, or the OS),
//! // which keeps this crate free of a random source on wasm32.
//! let key = TeamKey::from_bytes([7; 32]);
//! let team = TeamId::from_bytes([1; 16]);
//! let device = DeviceId::of_key(&DevicePublicKey::from_bytes(&[4; 65]).unwrap());
//!
//! let plain = Plain::new(b"an automerge change".to_vec());
//! let sealed = seal(&key, team, device, Seq::FIRST, ChunkKind::Change, &plain, [9; 24]);
//!
//! // The first frame says who this is; the relay compares token hashes.
//! let hello = ClientFrame::Hello {
//!     version: PROTOCOL_VERSION,
//!     team,
//!     device,
//!     token: access_token(&key, team),
//!     public_key: DevicePublicKey::from_bytes(&[4; 65]).unwrap(),
//! };
//! let upload = ClientFrame::Upload { seq: Seq::FIRST, kind: ChunkKind::Change, sealed: sealed.clone() };
//! assert_eq!(ClientFrame::decode(&upload.encode())?, upload);
//! # let _ = hello;
//!
//! // Another device of the team, holding the same key, opens it.
//! let opened = open(&key, team, device, Seq::FIRST, ChunkKind::Change, &sealed)?;
//! assert_eq!(opened, plain);
//! # Ok::<(), ProtocolError>(())
//! ```
//!
//! Frames are postcard-encoded enums: new variants and fields may only be
//! appended, and anything else bumps [`PROTOCOL_VERSION`].

mod access;
mod chunk_kind;
mod client_frame;
mod cursor;
mod error;
mod error_code;
mod id;
mod identity;
mod plain;
mod rekey;
mod seal;
mod sealed;
mod seq;
mod server_frame;
mod team_key;
mod wire;

pub use access::{
    AccessToken, AdminHash, AdminSecret, Proof, TokenHash, access_token, admin_hash, token_hash,
};
pub use chunk_kind::ChunkKind;
pub use client_frame::{ClientFrame, PROTOCOL_VERSION};
pub use cursor::Cursor;
pub use error::ProtocolError;
pub use error_code::ErrorCode;
pub use id::{DeviceId, TeamId};
pub use identity::{Fingerprint, hello_proof, open_card, seal_card};
pub use plain::Plain;
pub use rekey::{
    ChainLink, DevicePublicKey, Envelope, EnvelopeSecrets, PUBLIC_KEY_LEN, Rotation, open_envelope,
    open_link, seal_envelope, seal_link,
};
pub use seal::{open, seal};
pub use sealed::Sealed;
pub use seq::Seq;
pub use server_frame::{EnrolledDevice, ServerFrame, StoredChunk, TeamDevice};
pub use team_key::TeamKey;
