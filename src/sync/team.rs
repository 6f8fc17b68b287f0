//! [`Membership`]: this device's place in a team, kept on the device only,
//! and [`Invite`]: what an invite link carries.
//!
//! An invite link is the app's address with `#join=<team>.<key>` (both in
//! hex). The part after `#` is a URL fragment, which browsers never send to
//! a server: the relay that serves the app never sees the key.

use rapport_protocol::{AdminSecret, DeviceId, TeamId, TeamKey};
use serde::{Deserialize, Serialize};

/// This device's membership of a team, as stored on the device.
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
}

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
        }
    }

    /// Joining the team of `invite`.
    pub fn join(invite: &Invite, device: DeviceId) -> Self {
        Self {
            team: invite.team,
            key: invite.key,
            device,
            admin: None,
            registered: true,
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
