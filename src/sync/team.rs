//! [`Membership`]: this device's place in a team, kept on the device only,
//! and [`Invite`]: what an invite link carries.
//!
//! An invite link is the app's address with `#join=<team>.<key>` (both in
//! hex). The part after `#` is a URL fragment, which browsers never send to
//! a server: the relay that serves the app never sees the key.

use rapport_protocol::{AdminSecret, DeviceId, TeamId, TeamKey};
use serde::{Deserialize, Serialize};

/// This device's membership of a team, as stored on the device
/// ([`Membership::encode`]).
#[derive(Clone, Serialize, Deserialize)]
pub struct Membership {
    /// The team.
    pub team: TeamId,
    /// The team key's bytes (see [`Membership::key`]).
    key: [u8; 32],
    /// This device, as the relay knows it.
    pub device: DeviceId,
    /// Held by the device that created the team: lets it revoke devices.
    pub admin: Option<AdminSecret>,
    /// Whether the relay has confirmed the team exists (the creator sends
    /// `CreateTeam` until it has).
    pub registered: bool,
    /// The key's epoch: how many times the team key was rotated.
    pub epoch: u32,
    /// The keys before it, newest first: chunks sealed before a rotation
    /// open with them.
    older: Vec<[u8; 32]>,
}

/// The version byte [`Membership::encode`] writes first.
const STORED_V2: u8 = 2;

impl std::fmt::Debug for Membership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Membership")
            .field("team", &self.team)
            .field("device", &self.device)
            .field("admin", &self.admin.is_some())
            .field("registered", &self.registered)
            .finish_non_exhaustive()
    }
}

impl Membership {
    /// A new team made on this device from `random` bytes (16 team id, 32
    /// key, 32 admin secret).
    pub fn create(device: DeviceId, random: [u8; 80]) -> Self {
        let mut team = [0; 16];
        let mut key = [0; 32];
        let mut admin = [0; 32];
        team.copy_from_slice(&random[..16]);
        key.copy_from_slice(&random[16..48]);
        admin.copy_from_slice(&random[48..]);
        Self {
            team: TeamId::from_bytes(team),
            key,
            device,
            admin: Some(AdminSecret::from_bytes(admin)),
            registered: false,
            epoch: 0,
            older: Vec::new(),
        }
    }

    /// The bytes to store: a version byte, then the fields.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![STORED_V2];
        bytes.extend(postcard::to_allocvec(self).unwrap_or_default());
        bytes
    }

    /// A membership stored by [`Membership::encode`].
    pub fn decode(bytes: &[u8]) -> Option<Membership> {
        match bytes.split_first() {
            Some((&STORED_V2, fields)) => postcard::from_bytes(fields).ok(),
            _ => None,
        }
    }

    /// A membership the first sync client stored: the same fields up to
    /// `registered`, untagged. An empty key ring of epoch 0 completes it
    /// (postcard writes each as one zero byte), so one decoder reads both.
    pub fn decode_v1(bytes: &[u8]) -> Option<Membership> {
        postcard::from_bytes(&[bytes, &[0, 0]].concat()).ok()
    }

    /// The keys before the current one, newest first.
    pub fn older_keys(&self) -> Vec<TeamKey> {
        self.older.iter().map(|k| TeamKey::from_bytes(*k)).collect()
    }

    /// Keeps the key ring a rotation or the key chain gave (`keys[0]` is
    /// of `epoch`). An empty ring changes nothing.
    pub fn set_keys(&mut self, epoch: u32, keys: &[TeamKey]) {
        let Some((newest, older)) = keys.split_first() else {
            return;
        };
        self.key = *newest.as_bytes();
        self.epoch = epoch;
        self.older = older.iter().map(|k| *k.as_bytes()).collect();
    }

    /// Joining the team of `invite`.
    pub fn join(invite: &Invite, device: DeviceId) -> Self {
        Self {
            team: invite.team,
            key: invite.key,
            device,
            admin: None,
            registered: true,
            epoch: 0,
            older: Vec::new(),
        }
    }

    /// The team key.
    pub fn key(&self) -> TeamKey {
        TeamKey::from_bytes(self.key)
    }

    /// The invite that lets another device join.
    pub fn invite(&self) -> Invite {
        Invite {
            team: self.team,
            key: self.key,
        }
    }
}

/// What an invite link carries: the team and its key.
#[derive(Clone, PartialEq, Eq)]
pub struct Invite {
    /// The team.
    pub team: TeamId,
    key: [u8; 32],
}

impl std::fmt::Debug for Invite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Invite({}, ..)", self.team)
    }
}

/// An invite link that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this invite link is incomplete or damaged; ask for a new one")]
pub struct BadInvite;

impl Invite {
    /// The URL fragment, without `#`: `join=<team hex>.<key hex>`.
    pub fn fragment(&self) -> String {
        let key: String = self.key.iter().map(|b| format!("{b:02x}")).collect();
        format!("join={}.{key}", self.team)
    }

    /// The invite in a URL fragment (with or without `#`).
    pub fn parse(fragment: &str) -> Result<Invite, BadInvite> {
        let body = fragment.trim_start_matches('#').trim();
        let (team, key) = body
            .strip_prefix("join=")
            .and_then(|rest| rest.split_once('.'))
            .ok_or(BadInvite)?;
        let team: TeamId = team.parse().map_err(|_| BadInvite)?;
        if key.len() != 64 || !key.is_ascii() {
            return Err(BadInvite);
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&key[2 * i..2 * i + 2], 16).map_err(|_| BadInvite)?;
        }
        Ok(Invite { team, key: bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invite_round_trips_through_its_link() {
        let mut random = [0u8; 80];
        for (i, b) in random.iter_mut().enumerate() {
            *b = i as u8 * 3;
        }
        let creator = Membership::create(DeviceId::from_bytes([1; 16]), random);
        let invite = creator.invite();
        let parsed = Invite::parse(&format!("#{}", invite.fragment())).unwrap();
        assert_eq!(parsed, invite);
        let joined = Membership::join(&parsed, DeviceId::from_bytes([2; 16]));
        assert_eq!(joined.key().as_bytes(), creator.key().as_bytes());
        assert!(joined.admin.is_none() && creator.admin.is_some());
        assert!(!format!("{creator:?} {invite:?}").contains(&invite.fragment()[70..]));
    }

    #[test]
    fn a_membership_keeps_its_key_ring_and_an_old_one_is_migrated() {
        let mut m = Membership::create(DeviceId::from_bytes([1; 16]), [7; 80]);
        let keys = [TeamKey::from_bytes([9; 32]), TeamKey::from_bytes([7; 32])];
        m.set_keys(1, &keys);
        let back = Membership::decode(&m.encode()).unwrap();
        assert_eq!((back.epoch, back.key()), (1, keys[0].clone()));
        assert_eq!(back.older_keys(), [keys[1].clone()]);

        #[derive(Serialize)]
        struct Old(TeamId, [u8; 32], DeviceId, Option<AdminSecret>, bool);
        let old = Old(m.team, [3; 32], m.device, m.admin, true);
        let migrated = Membership::decode_v1(&postcard::to_allocvec(&old).unwrap()).unwrap();
        assert_eq!(migrated.key(), TeamKey::from_bytes([3; 32]));
        assert_eq!((migrated.epoch, migrated.older_keys().len()), (0, 0));
        assert!(migrated.registered && migrated.admin.is_some());
    }

    #[test]
    fn damaged_links_are_refused() {
        let good = Membership::create(DeviceId::from_bytes([1; 16]), [7; 80])
            .invite()
            .fragment();
        for bad in [
            "",
            "#",
            "join=",
            "join=abc.def",
            &good[..good.len() - 1],
            &good.replace("join=", "jion="),
            &format!("{}zz", &good[..good.len() - 2]),
            &format!("{good}00"),
        ] {
            assert_eq!(Invite::parse(bad), Err(BadInvite), "{bad:?}");
        }
    }
}
