//! The team every `session` run starts with, and the credentials the
//! fuzzer may use: the helpers here are the only place that builds
//! `Hello`, so a change to the handshake is one edit.

use rapport_protocol::{
    AccessToken, AdminSecret, ClientFrame, DeviceId, PROTOCOL_VERSION, TeamId, TeamKey,
    access_token,
};

/// The team created before each run.
pub const TEAM: TeamId = TeamId::from_bytes([0x7e; 16]);

/// Another team id, unknown to the relay until a script creates it.
pub const OTHER_TEAM: TeamId = TeamId::from_bytes([0x0e; 16]);

/// The team's admin secret.
pub const SECRET: AdminSecret = AdminSecret::from_bytes([0x5e; 32]);

/// Team keys a script may use: the first is the team's at the start, the
/// others are what a `Rotate` or `RotateKey` may switch to, so that a later
/// `Hello` with them (or with the replaced one) reaches every branch.
pub const KEYS: [TeamKey; 3] = [
    TeamKey::from_bytes([0x10; 32]),
    TeamKey::from_bytes([0x11; 32]),
    TeamKey::from_bytes([0x12; 32]),
];

/// Device ids a script may use (few, so that frames about devices meet).
pub const DEVICES: [DeviceId; 4] = [
    DeviceId::from_bytes([0xd0; 16]),
    DeviceId::from_bytes([0xd1; 16]),
    DeviceId::from_bytes([0xd2; 16]),
    DeviceId::from_bytes([0xd3; 16]),
];

/// The access token of `key` for [`TEAM`].
pub fn token(key: &TeamKey) -> AccessToken {
    access_token(key, TEAM)
}

/// `Hello` from `device` of `team` showing `token`.
pub fn hello(team: TeamId, device: DeviceId, token: AccessToken) -> ClientFrame {
    ClientFrame::Hello {
        version: PROTOCOL_VERSION,
        team,
        device,
        token,
    }
}
