//! Team sync as the leading tab runs it: the team lifecycle (create, join,
//! rejoin after being refused), this device's membership and the sync
//! engine's state in storage, the relay link's life (connect, backoff,
//! close), and carrying out the [`SyncEngine`]'s actions — key rotation's
//! ECDH included.
//!
//! The engine's contract (`src/sync/engine.rs`) holds here: its actions
//! are carried out in order, so a [`Action::Persist`] is stored before the
//! [`Action::Send`] after it leaves; only this device's own changes are
//! handed to [`SyncEngine::local_changes`]; one tab per device runs an
//! engine (the one holding the sync lock). Each [`Action::Apply`] is
//! stored and applied, then confirmed ([`SyncEngine::applied`]) or refused
//! ([`SyncEngine::apply_failed`]); a refused page is fetched again
//! ([`SyncEngine::retry`]) on the `Reconnect` after the link's backoff,
//! each retry a round for the reports.

use std::collections::VecDeque;

use rapport_protocol::{
    ClientFrame, DeviceId, DevicePublicKey, EnrolledDevice, EnvelopeSecrets, PROTOCOL_VERSION,
    TeamKey, access_token, admin_hash, open_card, token_hash,
};

use crate::state::worker::reports::Reports;
use crate::state::worker::{Effect, Host, LinkEvent, Storage, WorkerCore};
use crate::state::{Notice, Refusal};
use crate::sync::{
    Action, EngineState, Invite, Membership, PinnedDevice, SyncEngine, SyncError, SyncEvent,
    SyncStatus,
};

/// Keys of the team sync store.
/// This device's membership ([`Membership::encode`]).
pub const MEMBERSHIP: &str = "membership-v2";
/// Where the first sync client kept it, untagged ([`Membership::decode_v1`]).
pub const MEMBERSHIP_V1: &str = "membership";
/// The sync engine's state ([`EngineState::encode`]).
pub const ENGINE: &str = "engine-v2";
/// Where the first sync client kept it, untagged ([`EngineState::decode_v1`]).
pub const ENGINE_V1: &str = "engine";

/// The first wait before reconnecting; it doubles with each failure.
const FIRST_BACKOFF_MS: u32 = 1_000;
/// The longest wait before reconnecting.
const MAX_BACKOFF_MS: u32 = 60_000;

/// Sync with the team, while this tab leads it.
pub(super) struct Team<K> {
    pub membership: Membership,
    pub engine: SyncEngine,
    pub status: SyncStatus,
    /// Devices the relay lists that the admin has not approved yet, with
    /// the rep's name their card gave (admin only).
    pub candidates: Vec<Candidate>,
    /// This device's key pair: its id is derived from it, it proves who
    /// this device is to the relay, and new team keys are sealed to it.
    pub device_key: Option<K>,
    /// Its public key (for the fingerprint the team panel shows).
    pub public_key: Option<DevicePublicKey>,
    /// What the engine reported, and whether it persists.
    pub reports: Reports,
    /// The next reconnect waits this long.
    backoff_ms: u32,
}

/// A device that joined the team and waits for the admin's approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The device and the key it proved to the relay.
    pub device: EnrolledDevice,
    /// The rep's name from its card, if it opened.
    pub member: String,
}

impl<K> Team<K> {
    fn new(membership: Membership, engine: SyncEngine, status: SyncStatus) -> Self {
        Self {
            membership,
            engine,
            status,
            candidates: Vec::new(),
            device_key: None,
            public_key: None,
            reports: Reports::default(),
            backoff_ms: FIRST_BACKOFF_MS,
        }
    }

    /// The wait before the next reconnect, doubling the one after it.
    fn retry_later(&mut self) -> Effect {
        let ms = self.backoff_ms;
        self.backoff_ms = (self.backoff_ms * 2).min(MAX_BACKOFF_MS);
        Effect::RetryIn { ms }
    }
}

impl<H: Host> WorkerCore<H> {
    /// Stores a new membership and starts syncing (if this tab leads).
    pub(super) async fn set_up_team(&mut self, membership: Membership) {
        if !self.store {
            return self.notice(Notice::Refused(Refusal::NeedsStorage));
        }
        if load_membership(&self.host).await.is_some() {
            // A device the team no longer takes may join again by a fresh
            // invite, as a new device (the relay refuses its old id).
            match &self.team {
                // Refused, or never created on the relay (its operator's
                // code was missing or wrong): a new team or invite replaces
                // it.
                Some(team) if team.status.refused() || !team.membership.registered => {
                    self.host.emit(Effect::Close);
                    self.team = None;
                }
                _ => {
                    return self.notice(Notice::Refused(Refusal::AlreadyInTeam));
                }
            }
        }
        if let Err(e) = self.host.save_sync(MEMBERSHIP, &membership.encode()).await {
            return self.report(e);
        }
        let _ = self
            .host
            .save_sync(ENGINE, &EngineState::fresh().encode())
            .await;
        self.tell_other_tabs();
        if self.leader {
            self.start_sync().await;
            // What this device wrote before joining goes to the team too.
            if self.workspace.heads() != crate::document::empty_heads() {
                self.upload_snapshot().await;
            }
        } else {
            self.post_sync().await;
        }
    }

    /// A team of this device's own, from fresh random bytes.
    pub(super) async fn create_team(&mut self, member: &str, code: &str) {
        let mut random = [0u8; 80];
        if !self.host.random(&mut random) {
            return self.notice(Notice::Refused(Refusal::NoRandomness));
        }
        let Some(public_key) = self.device_public_key(false).await else {
            return self.notice(Notice::Refused(Refusal::NoRandomness));
        };
        let mut membership = Membership::create(&public_key, member, random);
        membership.creation_code = code.to_owned();
        self.set_up_team(membership).await;
    }

    /// Joins the team of an invite link's fragment.
    pub(super) async fn join_team(&mut self, fragment: &str, member: &str) {
        match Invite::parse(fragment) {
            Ok(invite) => {
                // A device the team refused joins again as a new device,
                // with a new key (its id is the key's): the relay refuses
                // its old id for good.
                let refused = self.team.as_ref().is_some_and(|t| t.status.refused());
                let Some(public_key) = self.device_public_key(refused).await else {
                    return self.notice(Notice::Refused(Refusal::NoRandomness));
                };
                self.set_up_team(Membership::join(&invite, &public_key, member))
                    .await;
            }
            Err(_) => self.notice(Notice::Refused(Refusal::BadInvite)),
        }
    }

    /// This device's key pair, made once and kept (in the browser, the
    /// private half cannot be read out); a new one if `fresh`.
    async fn device_pair(&mut self, fresh: bool) -> Option<H::KeyPair> {
        if !fresh && let Some(pair) = self.host.load_device_key().await.ok().flatten() {
            return Some(pair);
        }
        let pair = self.host.generate().await?;
        self.host.save_device_key(&pair).await.ok()?;
        Some(pair)
    }

    async fn device_public_key(&mut self, fresh: bool) -> Option<DevicePublicKey> {
        let pair = self.device_pair(fresh).await?;
        self.host.public(&pair)
    }

    /// Reads this device's membership and, if there is one, connects.
    pub(super) async fn start_sync(&mut self) {
        if !self.store {
            return;
        }
        let Some(membership) = load_membership(&self.host).await else {
            return self.post_sync().await;
        };
        let state = load_stored(
            &self.host,
            ENGINE,
            EngineState::decode,
            ENGINE_V1,
            EngineState::decode_v1,
        )
        .await
        .unwrap_or_else(EngineState::fresh);
        let device_key = self.device_pair(false).await;
        let public = device_key.as_ref().and_then(|pair| self.host.public(pair));
        let mut membership = membership;
        let mut state = state;
        // A membership from before device identity had a random id: it
        // moves to its key's, and what it had not uploaded yet is sealed
        // again under the new id (the relay would refuse the old one).
        if let Some(public) = &public
            && let Some(old) = membership.rebind(public)
        {
            state.rebind(
                old,
                membership.device,
                membership.team,
                &membership.key(),
                || self.nonce(),
            );
            self.host.emit(Effect::Log(format!(
                "team sync: this device's id moved from {old} to {}, its key's",
                membership.device
            )));
            if self.store {
                let _ = self.host.save_sync(MEMBERSHIP, &membership.encode()).await;
                let _ = self.host.save_sync(ENGINE, &state.encode()).await;
            }
        }
        let mut engine =
            SyncEngine::new(membership.team, membership.device, membership.key(), state)
                .with_key_ring(membership.epoch, membership.older_keys());
        if let Some(public) = public.clone() {
            engine = engine.with_public_key(public);
        }
        if let Some(admin) = membership.admin_device {
            engine = engine.with_admin(admin);
        }
        let mut status = SyncStatus::default().on(SyncEvent::TeamJoined);
        let waiting = engine.waiting_changes();
        if waiting > 0 {
            status = status.on(SyncEvent::LocalChange(waiting));
        }
        if !self.host.online() {
            status = status.on(SyncEvent::Offline);
        }
        // Changes another tab stored that no leader sealed (it closed first),
        // or that a crash kept from being sealed: they go up now.
        let unsealed = engine
            .state()
            .synced_heads
            .as_deref()
            .map(|heads| self.workspace.change_bytes_past(heads))
            .unwrap_or_default();
        let mut team = Team::new(membership, engine, status);
        team.device_key = device_key;
        team.public_key = public;
        self.host.emit(connect_effect(&team.membership));
        self.team = Some(team);
        self.upload(unsealed).await;
        self.post_sync().await;
    }

    /// What the relay link reports.
    pub(super) async fn link_event(&mut self, event: LinkEvent) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        let actions = match event {
            LinkEvent::Open => {
                team.backoff_ms = FIRST_BACKOFF_MS;
                team.reports.connected();
                if !team.membership.registered {
                    let m = &team.membership;
                    if let Some(admin) = &m.admin {
                        let create = ClientFrame::CreateTeam {
                            version: PROTOCOL_VERSION,
                            team: m.team,
                            token_hash: token_hash(&access_token(&m.key(), m.team)),
                            admin_hash: admin_hash(admin),
                        };
                        self.host.emit(Effect::Send(create.encode()));
                    }
                }
                team.engine.connected()
            }
            LinkEvent::Message(bytes) => team.engine.received(&bytes),
            LinkEvent::Closed => {
                team.status = team.status.clone().on(SyncEvent::Disconnected);
                self.host.emit(Effect::Close);
                if self.host.online() {
                    self.host.emit(team.retry_later());
                }
                team.engine.disconnected()
            }
            LinkEvent::Unreachable => {
                self.host.emit(team.retry_later());
                Vec::new()
            }
            LinkEvent::Reconnect => {
                self.host.emit(connect_effect(&team.membership));
                // A page that could not be stored is fetched again: a new
                // round for the reports, so one that keeps failing is shown.
                if team.engine.is_stalled() {
                    team.reports.connected();
                }
                team.engine.retry()
            }
        };
        self.run_actions(actions).await;
    }

    /// The browser went online or offline.
    pub(super) async fn network(&mut self, online: bool) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        let event = if online {
            SyncEvent::Online
        } else {
            SyncEvent::Offline
        };
        team.status = team.status.clone().on(event);
        if online {
            self.host.emit(connect_effect(&team.membership));
        }
        self.run_actions(Vec::new()).await;
    }

    /// Asks the relay for the team's devices and their keys (the team's
    /// creator only): new ones wait for approval.
    pub(super) async fn list_devices(&mut self) {
        if let Some(team) = &self.team
            && let Some(admin) = &team.membership.admin
        {
            let actions = team.engine.device_keys(admin);
            self.run_actions(actions).await;
        }
    }

    /// Approves a device that joined: its key (which the relay listed, the
    /// device proved, and two people compared by fingerprint) is pinned,
    /// and new team keys are sealed to it from now on.
    pub(super) async fn approve_device(&mut self, device: [u8; 16]) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        if team.membership.admin.is_none() {
            return self.notice(Notice::Refused(Refusal::NotAdmin));
        }
        let device = DeviceId::from_bytes(device);
        let Some(at) = team
            .candidates
            .iter()
            .position(|c| c.device.device == device)
        else {
            return;
        };
        let candidate = team.candidates.remove(at);
        team.membership.roster.push(PinnedDevice {
            device,
            public_key: candidate.device.public_key,
            member: candidate.member,
            removed: false,
        });
        self.save_membership().await;
        self.post_sync().await;
    }

    /// Removes a device, then rotates the key: the device is refused and
    /// could not read anything new even with another's access.
    pub(super) async fn revoke_device(&mut self, device: [u8; 16]) {
        self.remove_devices(&[DeviceId::from_bytes(device)]).await;
    }

    /// Removes every device of `member` (pinned or waiting), then rotates
    /// the key once.
    pub(super) async fn remove_member(&mut self, member: &str) {
        let Some(team) = self.team.as_ref() else {
            return;
        };
        let this = team.membership.device;
        let devices: Vec<DeviceId> = team
            .membership
            .roster
            .iter()
            .filter(|d| d.member == member && !d.removed)
            .map(|d| d.device)
            .chain(
                team.candidates
                    .iter()
                    .filter(|c| c.member == member)
                    .map(|c| c.device.device),
            )
            .filter(|&d| d != this)
            .collect();
        if !devices.is_empty() {
            self.remove_devices(&devices).await;
        }
    }

    async fn remove_devices(&mut self, devices: &[DeviceId]) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        let Some(admin) = team.membership.admin else {
            return self.notice(Notice::Refused(Refusal::NotAdmin));
        };
        let mut actions = Vec::new();
        for &device in devices {
            if device == team.membership.device {
                continue;
            }
            for pinned in &mut team.membership.roster {
                if pinned.device == device {
                    pinned.removed = true;
                }
            }
            // A device refused before it was approved stays in the list,
            // as removed, so the admin sees what became of it.
            if let Some(at) = team
                .candidates
                .iter()
                .position(|c| c.device.device == device)
            {
                let refused = team.candidates.remove(at);
                team.membership.roster.push(PinnedDevice {
                    device,
                    public_key: refused.device.public_key,
                    member: refused.member,
                    removed: true,
                });
            }
            actions.extend(team.engine.revoke(&admin, device));
        }
        self.save_membership().await;
        self.run_actions(actions).await;
        if let Some(more) = self.rotate_key().await {
            self.run_actions(more).await;
        }
    }

    async fn save_membership(&mut self) {
        let Some(team) = self.team.as_ref() else {
            return;
        };
        let bytes = team.membership.encode();
        if self.store
            && let Err(e) = self.host.save_sync(MEMBERSHIP, &bytes).await
        {
            self.report(e);
        }
    }

    /// Hands this device's new changes to the relay (if it syncs).
    pub(super) async fn upload(&mut self, changes: Vec<Vec<u8>>) {
        if self.team.is_none() || changes.is_empty() {
            return;
        }
        let Some(nonce) = self.nonce() else { return };
        let Some(team) = self.team.as_mut() else {
            return;
        };
        let actions = team.engine.local_changes(changes, nonce);
        self.run_actions(actions).await;
    }

    /// Sends the whole document as a snapshot (after bulk changes: a demo,
    /// an import, joining with data of one's own).
    pub(super) async fn upload_snapshot(&mut self) {
        if self.team.is_none() {
            return;
        }
        let Some(nonce) = self.nonce() else { return };
        let document = self.host.pack_or_keep(self.workspace.save()).await;
        let Some(team) = self.team.as_mut() else {
            return;
        };
        // While a change waits for its predecessors, the document does not
        // hold everything up to the cursor: it then covers nothing, so the
        // relay prunes nothing.
        let covers = if self.workspace.nothing_waiting() {
            team.engine.state().cursor
        } else {
            rapport_protocol::Cursor::START
        };
        let actions = team.engine.snapshot(document, covers, nonce);
        self.run_actions(actions).await;
    }

    /// Carries out the engine's actions in order, then shows where sync
    /// stands.
    pub(super) async fn run_actions(&mut self, actions: Vec<Action>) {
        let mut queue: VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Send(bytes) => {
                    // Unsent frames are not lost: pending uploads go again
                    // on the next connection.
                    if self.team.is_some() {
                        self.host.emit(Effect::Send(bytes));
                    }
                }
                Action::Apply { page, items } => {
                    let result = self.apply_remote(items).await;
                    if let Some(team) = self.team.as_mut() {
                        queue.extend(match result {
                            Ok(()) => team.engine.applied(page),
                            Err(reason) => {
                                // The engine fetches it again on the
                                // `Reconnect` after this wait.
                                self.host.emit(team.retry_later());
                                team.engine.apply_failed(page, &reason)
                            }
                        });
                    }
                }
                Action::Reseal { nonces } => {
                    let nonces: Option<Vec<[u8; 24]>> = (0..nonces).map(|_| self.nonce()).collect();
                    if let (Some(nonces), Some(team)) = (nonces, self.team.as_mut()) {
                        let mut nonces = nonces.into_iter();
                        queue.extend(team.engine.reseal(|| nonces.next().unwrap_or_default()));
                    }
                }
                Action::Persist(mut state) => {
                    // Everything in the document now is sealed, sent or
                    // received: this tab seals other tabs' changes as they
                    // are stored, and applied what it received before this.
                    state.synced_heads = Some(self.workspace.head_bytes());
                    if self.store
                        && let Err(e) = self.host.save_sync(ENGINE, &state.encode()).await
                    {
                        self.report(e);
                    }
                }
                Action::Status(event) => {
                    let connected = event == SyncEvent::Connected;
                    self.sync_event(event).await;
                    if connected {
                        queue.extend(self.introduce());
                    }
                }
                // The relay's own list (seqs and revocations) is not what
                // the admin's view is built from: its pinned devices are.
                Action::Devices(_) => {}
                Action::Settled => {
                    let now = self.host.now();
                    self.sync_event(SyncEvent::Settled(now)).await;
                    if let Some(team) = self.team.as_mut() {
                        team.reports.settled();
                    }
                    // Caught up: now fold what came into one snapshot.
                    if self.log.should_compact() {
                        self.compact().await;
                    }
                    let complete = self.workspace.nothing_waiting();
                    let due = self
                        .team
                        .as_ref()
                        .and_then(|t| t.engine.snapshot_due(complete));
                    if let Some(covers) = due
                        && let Some(nonce) = self.nonce()
                    {
                        let document = self.host.pack_or_keep(self.workspace.save()).await;
                        if let Some(team) = self.team.as_mut() {
                            queue.extend(team.engine.snapshot(document, covers, nonce));
                        }
                    }
                }
                Action::Keys { epoch, keys } => {
                    if let Some(team) = self.team.as_mut() {
                        team.membership.set_keys(epoch, &keys);
                        let bytes = team.membership.encode();
                        if self.store
                            && let Err(e) = self.host.save_sync(MEMBERSHIP, &bytes).await
                        {
                            self.report(e);
                        }
                    }
                }
                Action::Unwrap { epoch, envelope } => {
                    let pair = self.team.as_ref().and_then(|t| t.device_key.clone());
                    let secrets = match pair {
                        Some(pair) => {
                            self.secrets(&pair, &envelope.ephemeral, &envelope.admin)
                                .await
                        }
                        None => None,
                    };
                    if let (Some(secrets), Some(team)) = (secrets, self.team.as_mut()) {
                        queue.extend(team.engine.rekeyed(epoch, &envelope, &secrets));
                    }
                }
                Action::Prove { ephemeral } => {
                    let pair = self.team.as_ref().and_then(|t| t.device_key.clone());
                    let shared = match pair {
                        Some(pair) => self.host.shared(&pair, &ephemeral).await,
                        None => None,
                    };
                    if let (Some(shared), Some(team)) = (shared, self.team.as_mut()) {
                        queue.extend(team.engine.prove(&ephemeral, &shared));
                    }
                }
                Action::DeviceKeys(devices) => self.candidates(devices),
                Action::Report(error) => self.sync_report(&error),
            }
        }
        self.post_sync().await;
    }

    /// Logs what the engine reported; the sync view shows it once it
    /// persists (see [`Reports`]).
    fn sync_report(&mut self, error: &SyncError) {
        let persists = self
            .team
            .as_mut()
            .is_some_and(|team| team.reports.report(error));
        self.host.emit(Effect::Log(if persists {
            format!("team sync: {error} (again and again: the rep is told)")
        } else {
            format!("team sync: {error}")
        }));
    }

    /// The devices the relay lists that the admin has not pinned or
    /// removed: they wait for approval. A listed key that is not its
    /// device's (a relay's invention) is dropped at once.
    fn candidates(&mut self, devices: Vec<EnrolledDevice>) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        let membership = &team.membership;
        let mut keys = vec![membership.key()];
        keys.extend(membership.older_keys());
        team.candidates = devices
            .into_iter()
            .filter(|d| DeviceId::of_key(&d.public_key) == d.device)
            .filter(|d| !membership.roster.iter().any(|p| p.device == d.device))
            .map(|device| {
                let member = device
                    .card
                    .as_ref()
                    .and_then(|card| {
                        keys.iter()
                            .find_map(|key| open_card(key, membership.team, device.device, card))
                    })
                    .unwrap_or_default();
                Candidate { device, member }
            })
            .collect();
    }

    /// This device's card for the admin, sent at each `Welcome`.
    fn introduce(&self) -> Vec<Action> {
        let Some(team) = self.team.as_ref() else {
            return Vec::new();
        };
        match self.nonce() {
            Some(nonce) => team.engine.introduce(&team.membership.member, nonce),
            None => Vec::new(),
        }
    }

    /// The two ECDH secrets an envelope is sealed with: of `pair` (this
    /// device's) with the rotation's ephemeral key and with the admin's.
    async fn secrets(
        &self,
        pair: &H::KeyPair,
        ephemeral: &DevicePublicKey,
        admin: &DevicePublicKey,
    ) -> Option<EnvelopeSecrets> {
        Some(EnvelopeSecrets {
            ephemeral: self.host.shared(pair, ephemeral).await?,
            admin: self.host.shared(pair, admin).await?,
        })
    }

    /// Seals a new team key to each device the admin pinned and did not
    /// remove: never to a key only the relay listed.
    async fn rotate_key(&mut self) -> Option<Vec<Action>> {
        let team = self.team.as_ref()?;
        let admin = team.membership.admin?;
        let own = team.device_key.clone()?;
        let pinned: Vec<PinnedDevice> = team.membership.sealed_to().cloned().collect();
        let mut key = [0u8; 32];
        if !self.host.random(&mut key) {
            return None;
        }
        let ephemeral = self.host.generate().await?;
        let ephemeral_public = self.host.public(&ephemeral)?;
        let mut sealed_to = Vec::with_capacity(pinned.len());
        for device in &pinned {
            // A pinned key that is not a valid point gets no envelope; that
            // device will need a new invite.
            let ephemeral_secret = self.host.shared(&ephemeral, &device.public_key).await;
            let admin_secret = self.host.shared(&own, &device.public_key).await;
            if let (Some(ephemeral), Some(admin)) = (ephemeral_secret, admin_secret) {
                sealed_to.push((device.device, EnvelopeSecrets { ephemeral, admin }));
            }
        }
        // One nonce per envelope and one for the chain link, drawn up front
        // so that no seal goes ahead with a guessable one.
        let nonces: Vec<[u8; 24]> = (0..=sealed_to.len())
            .map(|_| self.nonce())
            .collect::<Option<_>>()?;
        let mut nonces = nonces.into_iter();
        let team = self.team.as_mut()?;
        Some(team.engine.rotate_key(
            &admin,
            TeamKey::from_bytes(key),
            &ephemeral_public,
            &sealed_to,
            || nonces.next().unwrap_or_default(),
        ))
    }

    async fn sync_event(&mut self, event: SyncEvent) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        if event == SyncEvent::Connected && !team.membership.registered {
            team.membership.registered = true;
            // The operator's code did its work; it is not kept.
            team.membership.creation_code.clear();
            let bytes = team.membership.encode();
            if self.store {
                let _ = self.host.save_sync(MEMBERSHIP, &bytes).await;
            }
        }
        let Some(team) = self.team.as_mut() else {
            return;
        };
        team.status = team.status.clone().on(event);
    }

    /// 24 fresh random bytes for sealing one chunk; none if the platform has
    /// no random source (then nothing is sealed: a guessable nonce could
    /// repeat).
    fn nonce(&self) -> Option<[u8; 24]> {
        let mut bytes = [0u8; 24];
        self.host.random(&mut bytes).then_some(bytes)
    }
}

/// How to reach the relay: with the operator's creation code while the
/// relay has not created this device's team (and a code was given).
fn connect_effect(membership: &Membership) -> Effect {
    if !membership.registered && !membership.creation_code.is_empty() {
        Effect::ConnectCreating {
            code: membership.creation_code.clone(),
        }
    } else {
        Effect::Connect
    }
}

/// This device's membership, in whichever form it was stored.
pub(super) async fn load_membership(store: &impl Storage) -> Option<Membership> {
    load_stored(
        store,
        MEMBERSHIP,
        Membership::decode,
        MEMBERSHIP_V1,
        Membership::decode_v1,
    )
    .await
}

/// A team sync value stored under `key`, or, if there is none, in the first
/// sync client's form under `old_key`.
async fn load_stored<T>(
    store: &impl Storage,
    key: &str,
    decode: fn(&[u8]) -> Option<T>,
    old_key: &str,
    decode_old: fn(&[u8]) -> Option<T>,
) -> Option<T> {
    match store.load_sync(key).await.ok().flatten() {
        Some(bytes) => decode(&bytes),
        None => decode_old(&store.load_sync(old_key).await.ok().flatten()?),
    }
}
