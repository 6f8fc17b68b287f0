//! The team every `session` run starts with, and the credentials the
//! fuzzer may use: the helpers here are the only place that builds
//! `Hello` and `Prove`, so a change to the handshake is one edit.
//!
//! Devices are [`TestDevice`]s with fixed seeds: since protocol 2 a
//! device's id is its public key's, and it must prove to the relay that it
//! holds the private half, which random bytes never do.

use std::sync::LazyLock;

use rapport_protocol::{
    AccessToken, AdminSecret, ClientFrame, DeviceId, DevicePublicKey, PROTOCOL_VERSION, Proof,
    TeamId, TeamKey, access_token,
};
use rapport_relay::TestDevice;

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

/// A device a script may use: its key pair, with its id and public key
/// computed once (a P-256 multiplication each, slow under a sanitizer).
pub struct Device {
    key: TestDevice,
    /// Its id, [`DeviceId::of_key`] of its public key.
    pub id: DeviceId,
    /// Its public key, as `Hello` names it.
    pub public_key: DevicePublicKey,
}

impl Device {
    /// The answer to the relay's challenge `ephemeral` for `team`.
    pub fn prove(&self, team: TeamId, ephemeral: &DevicePublicKey) -> Option<Proof> {
        self.key.prove(team, ephemeral)
    }

    /// This device's `Hello` to `team`, showing `token`.
    pub fn hello(&self, team: TeamId, token: AccessToken) -> ClientFrame {
        hello(team, self.id, self.public_key.clone(), token)
    }
}

/// Devices a script may use (few, so that frames about devices meet).
pub static DEVICES: LazyLock<[Device; 4]> = LazyLock::new(|| {
    [0xd0, 0xd1, 0xd2, 0xd3].map(|seed| {
        let key = TestDevice::from_seed(seed);
        Device {
            id: key.id(),
            public_key: key.public_key(),
            key,
        }
    })
});

/// The device of [`DEVICES`] whose id is `id`, if any.
pub fn device_with(id: DeviceId) -> Option<&'static Device> {
    DEVICES.iter().find(|device| device.id == id)
}

/// The access token of `key` for [`TEAM`].
pub fn token(key: &TeamKey) -> AccessToken {
    access_token(key, TEAM)
}

/// `Hello` naming `device` and `public_key` (which a real device keeps
/// matched: see [`Device::hello`]) of `team`, showing `token`.
pub fn hello(
    team: TeamId,
    device: DeviceId,
    public_key: DevicePublicKey,
    token: AccessToken,
) -> ClientFrame {
    ClientFrame::Hello {
        version: PROTOCOL_VERSION,
        team,
        device,
        token,
        public_key,
    }
}

/// The last `Challenge` a connection got, with the `Hello` it answered:
/// what a `Prove` on that connection must answer.
#[derive(Clone, Debug)]
pub struct Challenge {
    /// The team the `Hello` named.
    pub team: TeamId,
    /// The device the `Hello` named.
    pub device: DeviceId,
    /// The relay's ephemeral key.
    pub ephemeral: DevicePublicKey,
    /// The proof the relay expects, computed once.
    right: Option<Proof>,
}

impl Challenge {
    /// The challenge `ephemeral` to a `Hello` from `device` of `team`.
    pub fn new(team: TeamId, device: DeviceId, ephemeral: DevicePublicKey) -> Challenge {
        let right = proof(team, device, &ephemeral);
        Challenge {
            team,
            device,
            ephemeral,
            right,
        }
    }

    /// The proof the relay expects, if the device is one of [`DEVICES`]
    /// (a `Hello` the relay challenges names a device by its key's id, so
    /// no other device gets this far without a key nobody here holds).
    pub fn proof(&self) -> Option<Proof> {
        self.right
    }
}

/// `device`'s answer to the challenge `ephemeral` for `team`, if it is
/// one of [`DEVICES`].
pub fn proof(team: TeamId, device: DeviceId, ephemeral: &DevicePublicKey) -> Option<Proof> {
    device_with(device)?.prove(team, ephemeral)
}
