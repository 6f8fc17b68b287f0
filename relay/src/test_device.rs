//! [`TestDevice`]: a device identity with a native P-256 key, for the
//! relay's tests, the app's network simulation and tools such as the
//! throughput example. Browsers hold their keys in WebCrypto instead.

use p256::elliptic_curve::sec1::ToEncodedPoint;
use rapport_protocol::{DeviceId, DevicePublicKey, Proof, TeamId, hello_proof};

/// A device's key pair, made from a seed so that tests stay reproducible.
#[derive(Clone)]
pub struct TestDevice {
    secret: p256::SecretKey,
}

impl std::fmt::Debug for TestDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TestDevice({})", self.id())
    }
}

impl TestDevice {
    /// The device of `seed`, one per seed: its private scalar is 0x01,
    /// then 0x5a bytes, then `seed` (never zero, far below the curve's
    /// order).
    pub fn from_seed(seed: u8) -> TestDevice {
        let mut bytes = [0x5a; 32];
        bytes[0] = 0x01;
        bytes[31] = seed;
        let secret = p256::SecretKey::from_slice(&bytes).expect("a scalar below the order");
        TestDevice { secret }
    }

    /// A device with a fresh random key.
    pub fn random() -> TestDevice {
        TestDevice {
            secret: p256::SecretKey::random(&mut rand_core::OsRng),
        }
    }

    /// Its public key, as it names it in `Hello`.
    pub fn public_key(&self) -> DevicePublicKey {
        let point = self.secret.public_key().to_encoded_point(false);
        DevicePublicKey::from_bytes(point.as_bytes()).expect("an uncompressed point")
    }

    /// Its id: the id of its public key.
    pub fn id(&self) -> DeviceId {
        DeviceId::of_key(&self.public_key())
    }

    /// The ECDH secret with `other`; `None` if it is not a P-256 point.
    pub fn shared(&self, other: &DevicePublicKey) -> Option<[u8; 32]> {
        let other = p256::PublicKey::from_sec1_bytes(other.as_bytes()).ok()?;
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), other.as_affine());
        Some((*shared.raw_secret_bytes()).into())
    }

    /// The answer to the relay's challenge `ephemeral` in `team`.
    pub fn prove(&self, team: TeamId, ephemeral: &DevicePublicKey) -> Option<Proof> {
        let shared = self.shared(ephemeral)?;
        Some(hello_proof(&shared, team, self.id(), ephemeral))
    }
}
