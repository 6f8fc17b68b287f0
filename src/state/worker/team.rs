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
    ClientFrame, DeviceId, EnrolledDevice, PROTOCOL_VERSION, TeamDevice, TeamKey, access_token,
    admin_hash, token_hash,
};

use crate::state::worker::reports::Reports;
use crate::state::worker::{Effect, Host, LinkEvent, Storage, WorkerCore};
use crate::state::{Notice, Refusal};
use crate::sync::{
    Action, EngineState, Invite, Membership, SyncEngine, SyncError, SyncEvent, SyncStatus,
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
    /// The team's devices, as the relay last listed them (admin only).
    pub devices: Vec<TeamDevice>,
    /// This device's ECDH key pair, for key rotations.
    pub device_key: Option<K>,
    /// The admin removed a device: the next `DeviceKeys` answer rotates
    /// the key.
    pub rotate_on_keys: bool,
    /// What the engine reported, and whether it persists.
    pub reports: Reports,
    /// The next reconnect waits this long.
    backoff_ms: u32,
}

impl<K> Team<K> {
    fn new(membership: Membership, engine: SyncEngine, status: SyncStatus) -> Self {
        Self {
            membership,
            engine,
            status,
            devices: Vec::new(),
            device_key: None,
            rotate_on_keys: false,
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
                Some(team) if team.status.refused() => {
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
    pub(super) async fn create_team(&mut self) {
        let mut random = [0u8; 80];
        if !self.host.random(&mut random) {
            return self.notice(Notice::Refused(Refusal::NoRandomness));
        }
        let device = self.device.unwrap_or_else(|| self.random_device());
        let membership = Membership::create(device, random);
        self.set_up_team(membership).await;
    }

    /// Joins the team of an invite link's fragment.
    pub(super) async fn join_team(&mut self, fragment: &str) {
        match Invite::parse(fragment) {
            Ok(invite) => {
                // A device the team refused joins again as a new device:
                // the relay refuses its old id for good.
                let refused = self.team.as_ref().is_some_and(|t| t.status.refused());
                let device = match self.device {
                    Some(device) if !refused => device,
                    _ => self.random_device(),
                };
                self.set_up_team(Membership::join(&invite, device)).await;
            }
            Err(_) => self.notice(Notice::Refused(Refusal::BadInvite)),
        }
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
        // This device's key pair for rotations: made once, kept (in the
        // browser, the private half cannot be read out).
        let device_key = match self.host.load_device_key().await.ok().flatten() {
            Some(pair) => Some(pair),
            None => match self.host.generate().await {
                Some(pair) => self.host.save_device_key(&pair).await.ok().map(|()| pair),
                None => None,
            },
        };
        let mut engine =
            SyncEngine::new(membership.team, membership.device, membership.key(), state)
                .with_key_ring(membership.epoch, membership.older_keys());
        if let Some(public) = device_key.as_ref().and_then(|pair| self.host.public(pair)) {
            engine = engine.with_public_key(public);
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
        self.host.emit(Effect::Connect);
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
                self.host.emit(Effect::Connect);
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
            self.host.emit(Effect::Connect);
        }
        self.run_actions(Vec::new()).await;
    }

    /// Asks the relay for the team's devices (the team's creator only).
    pub(super) async fn list_devices(&mut self) {
        if let Some(team) = &self.team
            && let Some(admin) = &team.membership.admin
        {
            let actions = team.engine.list_devices(admin);
            self.run_actions(actions).await;
        }
    }

    /// Removes a device, then rotates the key: the device is refused and
    /// could not read anything new even with another's access.
    pub(super) async fn revoke_device(&mut self, device: [u8; 16]) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        let Some(admin) = team.membership.admin else {
            return self.notice(Notice::Refused(Refusal::NotAdmin));
        };
        let mut actions = team.engine.revoke(&admin, DeviceId::from_bytes(device));
        actions.extend(team.engine.device_keys(&admin));
        team.rotate_on_keys = true;
        self.run_actions(actions).await;
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
                Action::Status(event) => self.sync_event(event).await,
                Action::Devices(devices) => {
                    if let Some(team) = self.team.as_mut() {
                        team.devices = devices;
                    }
                }
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
                    let shared = match pair {
                        Some(pair) => self.host.shared(&pair, &envelope.ephemeral).await,
                        None => None,
                    };
                    if let (Some(shared), Some(team)) = (shared, self.team.as_mut()) {
                        queue.extend(team.engine.rekeyed(epoch, &envelope, &shared));
                    }
                }
                Action::DeviceKeys(devices) => {
                    if let Some(more) = self.rotate_key(devices).await {
                        queue.extend(more);
                    }
                }
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

    /// Seals a new team key to each of `devices` (the team's remaining
    /// ones), if this device asked for them to rotate the key.
    async fn rotate_key(&mut self, devices: Vec<EnrolledDevice>) -> Option<Vec<Action>> {
        let team = self.team.as_mut()?;
        if !std::mem::take(&mut team.rotate_on_keys) {
            return None;
        }
        let admin = team.membership.admin?;
        let mut key = [0u8; 32];
        if !self.host.random(&mut key) {
            return None;
        }
        let ephemeral = self.host.generate().await?;
        let ephemeral_public = self.host.public(&ephemeral)?;
        let mut shared = Vec::with_capacity(devices.len());
        for device in &devices {
            // A device whose enrolled key is not a valid point gets no
            // envelope; it will need a new invite.
            if let Some(secret) = self.host.shared(&ephemeral, &device.public_key).await {
                shared.push((device.device, secret));
            }
        }
        // One nonce per envelope and one for the chain link, drawn up front
        // so that no seal goes ahead with a guessable one.
        let nonces: Vec<[u8; 24]> = (0..=shared.len())
            .map(|_| self.nonce())
            .collect::<Option<_>>()?;
        let mut nonces = nonces.into_iter();
        let team = self.team.as_mut()?;
        Some(team.engine.rotate_key(
            &admin,
            TeamKey::from_bytes(key),
            &ephemeral_public,
            &shared,
            || nonces.next().unwrap_or_default(),
        ))
    }

    async fn sync_event(&mut self, event: SyncEvent) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        if event == SyncEvent::Connected && !team.membership.registered {
            team.membership.registered = true;
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

    /// A new random id for this device on the relay.
    fn random_device(&self) -> DeviceId {
        let mut bytes = [0u8; 16];
        if !self.host.random(&mut bytes) {
            bytes = fastrand::u128(..).to_le_bytes();
        }
        DeviceId::from_bytes(bytes)
    }

    /// 24 fresh random bytes for sealing one chunk; none if the platform has
    /// no random source (then nothing is sealed: a guessable nonce could
    /// repeat).
    fn nonce(&self) -> Option<[u8; 24]> {
        let mut bytes = [0u8; 24];
        self.host.random(&mut bytes).then_some(bytes)
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
