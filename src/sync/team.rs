//! [`Membership`]: this device's place in a team, kept on the device only,
//! and [`Invite`]: what an invite link carries.
//!
//! An invite link is the app's address with `#join=<team>.<key>.<admin>`
//! (all in hex: the team id, its key, and the admin's device id). The part
//! after `#` is a URL fragment, which browsers never send to a server: the
//! relay that serves the app never sees the key. The admin's device id is
//! what the joining device pins: a new team key is accepted only when that
//! device sealed it.
//!
//! The admin's device also keeps the team's device list itself, the
//! [`PinnedDevice`]s it approved after two people compared fingerprints,
//! and seals new keys only to those, never to what the relay lists.

use rapport_protocol::{AdminSecret, DeviceId, DevicePublicKey, TeamId, TeamKey};
use serde::{Deserialize, Serialize};

/// A device of the team as its admin approved it: the key it pinned, and
/// whose device it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedDevice {
    /// The device (the id of `public_key`).
    pub device: DeviceId,
    /// Its key, as the admin compared its fingerprint.
    pub public_key: DevicePublicKey,
    /// The rep it belongs to, as its card said when it was approved.
    pub member: String,
    /// Removed from the team: it gets no new key.
    pub removed: bool,
}

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
    /// The admin's device, pinned at join (this device, for the admin).
    /// `None` for a membership made before devices pinned it: such a
    /// device refuses every new key and needs a new invite after one.
    pub admin_device: Option<DeviceId>,
    /// The rep's name this device tells the admin (its card).
    pub member: String,
    /// The admin's list of the team's devices (empty on other devices).
    pub roster: Vec<PinnedDevice>,
    /// The relay operator's team creation code the rep gave, shown when
    /// connecting until the relay has created the team (empty: none).
    pub creation_code: String,
}

/// The fields of a membership stored before device identity (version 2).
#[derive(Deserialize)]
struct StoredV2 {
    team: TeamId,
    key: [u8; 32],
    device: DeviceId,
    admin: Option<AdminSecret>,
    registered: bool,
    epoch: u32,
    older: Vec<[u8; 32]>,
}

/// The version byte [`Membership::encode`] writes first.
const STORED_V3: u8 = 3;
/// The version byte of a membership stored before device identity.
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
    /// key, 32 admin secret), with this device (of `public_key`) as its
    /// first pinned device.
    pub fn create(public_key: &DevicePublicKey, member: &str, random: [u8; 80]) -> Self {
        let device = DeviceId::of_key(public_key);
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
            admin_device: Some(device),
            member: member.to_owned(),
            roster: vec![PinnedDevice {
                device,
                public_key: public_key.clone(),
                member: member.to_owned(),
                removed: false,
            }],
            creation_code: String::new(),
        }
    }

    /// The bytes to store: a version byte, then the fields.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![STORED_V3];
        bytes.extend(postcard::to_allocvec(self).unwrap_or_default());
        bytes
    }

    /// A membership stored by [`Membership::encode`], or by the version
    /// before device identity (see [`Membership::from_v2`]).
    pub fn decode(bytes: &[u8]) -> Option<Membership> {
        match bytes.split_first() {
            Some((&STORED_V3, fields)) => postcard::from_bytes(fields).ok(),
            Some((&STORED_V2, fields)) => postcard::from_bytes(fields).ok().map(Self::from_v2),
            _ => None,
        }
    }

    /// A membership the first sync client stored: the same fields up to
    /// `registered`, untagged. An empty key ring of epoch 0 completes it
    /// (postcard writes each as one zero byte), so one decoder reads both.
    pub fn decode_v1(bytes: &[u8]) -> Option<Membership> {
        postcard::from_bytes(&[bytes, &[0, 0]].concat())
            .ok()
            .map(Self::from_v2)
    }

    /// A membership from before device identity. Its device id was random;
    /// the worker moves it to its key's id ([`Membership::rebind`]). The
    /// admin pins itself; another device pinned nobody and so refuses new
    /// keys until it joins again by a new invite.
    fn from_v2(old: StoredV2) -> Membership {
        Membership {
            team: old.team,
            key: old.key,
            device: old.device,
            admin_device: old.admin.is_some().then_some(old.device),
            admin: old.admin,
            registered: old.registered,
            epoch: old.epoch,
            older: old.older,
            member: String::new(),
            roster: Vec::new(),
            creation_code: String::new(),
        }
    }

    /// Moves this membership to the id of `public_key` (this device's),
    /// which the relay requires; the admin pins itself anew. Returns the id
    /// it had, if it changed.
    pub fn rebind(&mut self, public_key: &DevicePublicKey) -> Option<DeviceId> {
        let device = DeviceId::of_key(public_key);
        if device == self.device {
            return None;
        }
        let old = std::mem::replace(&mut self.device, device);
        if self.admin.is_some() {
            self.admin_device = Some(device);
            self.roster.retain(|d| d.device != old);
            if !self.roster.iter().any(|d| d.device == device) {
                self.roster.insert(
                    0,
                    PinnedDevice {
                        device,
                        public_key: public_key.clone(),
                        member: self.member.clone(),
                        removed: false,
                    },
                );
            }
        }
        Some(old)
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

    /// Joining the team of `invite` as the device of `public_key`.
    pub fn join(invite: &Invite, public_key: &DevicePublicKey, member: &str) -> Self {
        Self {
            team: invite.team,
            key: invite.key,
            device: DeviceId::of_key(public_key),
            admin: None,
            registered: true,
            epoch: 0,
            older: Vec::new(),
            admin_device: Some(invite.admin),
            member: member.to_owned(),
            roster: Vec::new(),
            creation_code: String::new(),
        }
    }

    /// The team key.
    pub fn key(&self) -> TeamKey {
        TeamKey::from_bytes(self.key)
    }

    /// The invite that lets another device join; `None` while this device
    /// pinned no admin (a membership from before device identity).
    pub fn invite(&self) -> Option<Invite> {
        Some(Invite {
            team: self.team,
            key: self.key,
            admin: self.admin_device?,
        })
    }

    /// The devices a new key is sealed to: the admin's pinned devices that
    /// are not removed, other than this one.
    pub fn sealed_to(&self) -> impl Iterator<Item = &PinnedDevice> {
        self.roster
            .iter()
            .filter(|d| !d.removed && d.device != self.device)
    }
}

/// What an invite link carries: the team, its key, and its admin's device.
#[derive(Clone, PartialEq, Eq)]
pub struct Invite {
    /// The team.
    pub team: TeamId,
    key: [u8; 32],
    /// The admin's device id: what the joining device pins.
    pub admin: DeviceId,
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
    /// The URL fragment, without `#`: `join=<team hex>.<key hex>.<admin hex>`.
    pub fn fragment(&self) -> String {
        let key: String = self.key.iter().map(|b| format!("{b:02x}")).collect();
        format!("join={}.{key}.{}", self.team, self.admin)
    }

    /// The invite in a URL fragment (with or without `#`).
    pub fn parse(fragment: &str) -> Result<Invite, BadInvite> {
        let body = fragment.trim_start_matches('#').trim();
        let mut parts = body.strip_prefix("join=").ok_or(BadInvite)?.split('.');
        let (Some(team), Some(key), Some(admin), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(BadInvite);
        };
        let team: TeamId = team.parse().map_err(|_| BadInvite)?;
        let admin: DeviceId = admin.parse().map_err(|_| BadInvite)?;
        if key.len() != 64 || !key.is_ascii() {
            return Err(BadInvite);
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&key[2 * i..2 * i + 2], 16).map_err(|_| BadInvite)?;
        }
        Ok(Invite {
            team,
            key: bytes,
            admin,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public_key(fill: u8) -> DevicePublicKey {
        let mut bytes = [fill; rapport_protocol::PUBLIC_KEY_LEN];
        bytes[0] = 0x04;
        DevicePublicKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn an_invite_round_trips_through_its_link_and_pins_the_admin() {
        let mut random = [0u8; 80];
        for (i, b) in random.iter_mut().enumerate() {
            *b = i as u8 * 3;
        }
        let creator = Membership::create(&public_key(1), "Анна", random);
        assert_eq!(creator.device, DeviceId::of_key(&public_key(1)));
        let invite = creator.invite().unwrap();
        let parsed = Invite::parse(&format!("#{}", invite.fragment())).unwrap();
        assert_eq!(parsed, invite);
        let joined = Membership::join(&parsed, &public_key(2), "Борис");
        assert_eq!(joined.key().as_bytes(), creator.key().as_bytes());
        assert!(joined.admin.is_none() && creator.admin.is_some());
        assert_eq!(joined.admin_device, Some(creator.device));
        assert_eq!(joined.device, DeviceId::of_key(&public_key(2)));
        assert!(!format!("{creator:?} {invite:?}").contains(&invite.fragment()[40..100]));
        assert_eq!(
            creator.sealed_to().count(),
            0,
            "the admin seals to others only"
        );
    }

    #[test]
    fn a_membership_keeps_its_key_ring_and_roster_and_older_ones_are_migrated() {
        let mut m = Membership::create(&public_key(1), "Анна", [7; 80]);
        let keys = [TeamKey::from_bytes([9; 32]), TeamKey::from_bytes([7; 32])];
        m.set_keys(1, &keys);
        m.roster.push(PinnedDevice {
            device: DeviceId::of_key(&public_key(2)),
            public_key: public_key(2),
            member: "Борис".into(),
            removed: false,
        });
        let back = Membership::decode(&m.encode()).unwrap();
        assert_eq!((back.epoch, back.key()), (1, keys[0].clone()));
        assert_eq!(back.older_keys(), [keys[1].clone()]);
        assert_eq!(back.roster, m.roster);
        assert_eq!(back.sealed_to().count(), 1);

        #[derive(Serialize)]
        struct Old(TeamId, [u8; 32], DeviceId, Option<AdminSecret>, bool);
        let random_id = DeviceId::from_bytes([5; 16]);
        let old = Old(m.team, [3; 32], random_id, m.admin, true);
        let mut migrated = Membership::decode_v1(&postcard::to_allocvec(&old).unwrap()).unwrap();
        assert_eq!(migrated.key(), TeamKey::from_bytes([3; 32]));
        assert_eq!((migrated.epoch, migrated.older_keys().len()), (0, 0));
        assert!(migrated.registered && migrated.admin.is_some());
        // The old random id moves to the key's; the admin pins itself.
        assert_eq!(migrated.rebind(&public_key(1)), Some(random_id));
        assert_eq!(migrated.device, DeviceId::of_key(&public_key(1)));
        assert_eq!(migrated.admin_device, Some(migrated.device));
        assert_eq!(migrated.roster.len(), 1);
        assert_eq!(migrated.rebind(&public_key(1)), None, "once");

        #[derive(Serialize)]
        struct V2(
            TeamId,
            [u8; 32],
            DeviceId,
            Option<AdminSecret>,
            bool,
            u32,
            Vec<[u8; 32]>,
        );
        let member = V2(m.team, [3; 32], random_id, None, true, 2, vec![[4; 32]]);
        let mut bytes = vec![STORED_V2];
        bytes.extend(postcard::to_allocvec(&member).unwrap());
        let member = Membership::decode(&bytes).unwrap();
        assert_eq!((member.epoch, member.older_keys().len()), (2, 1));
        assert_eq!(
            member.admin_device, None,
            "a member from before pinned nobody"
        );
        assert!(member.invite().is_none());
    }

    #[test]
    fn damaged_links_are_refused() {
        let good = Membership::create(&public_key(1), "", [7; 80])
            .invite()
            .unwrap()
            .fragment();
        let without_admin = good.rsplit_once('.').unwrap().0.to_owned();
        for bad in [
            "",
            "#",
            "join=",
            "join=abc.def",
            &good[..good.len() - 1],
            &good.replace("join=", "jion="),
            &format!("{}zz", &good[..good.len() - 2]),
            &format!("{good}00"),
            &format!("{good}.00"),
            &without_admin,
        ] {
            assert_eq!(Invite::parse(bad), Err(BadInvite), "{bad:?}");
        }
    }
}
