//! [`SqliteStore`]: the relay's storage in one SQLite file.
//!
//! Durability is the point: the database runs in WAL mode with
//! `synchronous = FULL`, so a committed transaction has been fsynced to the
//! write-ahead log before `commit` returns. The relay acknowledges an upload
//! only after that, so an acknowledged chunk survives `kill -9` and power
//! loss.
//!
//! One connection behind a mutex serves every team: SQLite allows one writer
//! at a time anyway, each call is short, and the cost that dominates an
//! upload is the fsync, which more connections would not share.
//!
//! Quotas are checked inside the transaction that would exceed them, so two
//! devices uploading at once cannot both slip under a team's limit.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::config::{Clock, DEFAULT_SNAPSHOT_RETENTION};

use rapport_protocol::{
    AdminHash, ChainLink, ChunkKind, Cursor, DeviceId, DevicePublicKey, EnrolledDevice, Envelope,
    Sealed, Seq, StoredChunk, TeamDevice, TeamId, TokenHash,
};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::store::{Budget, Credentials, Scan, Store, StoreError, Stored, TeamHead};

/// Tables as the design names them, plus `teams.head` (the last cursor
/// handed out, so cursors never repeat even after pruning). `STRICT` makes
/// SQLite refuse a value of the wrong type instead of storing it.
///
/// Key rotation added tables rather than columns, so a relay's existing
/// database gains them on the next start: `device_keys` (each device's
/// enrolled public key), `rotations` (one row per new key: the token hash it
/// replaced and the chain link to the key before), `envelopes` (the new key
/// sealed to each remaining device). Device identity added `device_cards`
/// (each device's sealed card for the admin) and `envelope_admins` (the
/// admin's device key each envelope was sealed with).
///
/// Limits added two more: `team_usage` (the sealed bytes each team stores,
/// kept up to date by every upload and prune, so the quota check costs one
/// row), and `retained` (one row per snapshot still inside its retention
/// window: what it covers and when it landed, in seconds since the epoch).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS teams (
    team       BLOB PRIMARY KEY NOT NULL,
    token_hash BLOB NOT NULL,
    admin_hash BLOB NOT NULL,
    head       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS devices (
    team    BLOB NOT NULL REFERENCES teams (team),
    device  BLOB NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (team, device)
) STRICT;
CREATE TABLE IF NOT EXISTS chunks (
    team         BLOB NOT NULL REFERENCES teams (team),
    cursor       INTEGER NOT NULL,
    device       BLOB NOT NULL,
    seq          INTEGER NOT NULL,
    kind         INTEGER NOT NULL,
    covers       INTEGER,
    sealed_nonce BLOB NOT NULL,
    sealed_bytes BLOB NOT NULL,
    PRIMARY KEY (team, cursor),
    UNIQUE (team, device, seq)
) STRICT;
CREATE INDEX IF NOT EXISTS snapshots ON chunks (team, covers) WHERE kind = 1;
CREATE TABLE IF NOT EXISTS device_keys (
    team       BLOB NOT NULL REFERENCES teams (team),
    device     BLOB NOT NULL,
    public_key BLOB NOT NULL,
    PRIMARY KEY (team, device)
) STRICT;
CREATE TABLE IF NOT EXISTS rotations (
    team           BLOB NOT NULL REFERENCES teams (team),
    epoch          INTEGER NOT NULL,
    old_token_hash BLOB NOT NULL,
    link_nonce     BLOB NOT NULL,
    link_bytes     BLOB NOT NULL,
    PRIMARY KEY (team, epoch)
) STRICT;
CREATE TABLE IF NOT EXISTS envelopes (
    team      BLOB NOT NULL REFERENCES teams (team),
    epoch     INTEGER NOT NULL,
    device    BLOB NOT NULL,
    ephemeral BLOB NOT NULL,
    nonce     BLOB NOT NULL,
    bytes     BLOB NOT NULL,
    PRIMARY KEY (team, epoch, device)
) STRICT;
CREATE TABLE IF NOT EXISTS device_cards (
    team   BLOB NOT NULL REFERENCES teams (team),
    device BLOB NOT NULL,
    nonce  BLOB NOT NULL,
    bytes  BLOB NOT NULL,
    PRIMARY KEY (team, device)
) STRICT;
CREATE TABLE IF NOT EXISTS envelope_admins (
    team   BLOB NOT NULL REFERENCES teams (team),
    epoch  INTEGER NOT NULL,
    device BLOB NOT NULL,
    admin  BLOB NOT NULL,
    PRIMARY KEY (team, epoch, device)
) STRICT;
CREATE TABLE IF NOT EXISTS team_usage (
    team  BLOB PRIMARY KEY NOT NULL REFERENCES teams (team),
    bytes INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS retained (
    team      BLOB NOT NULL REFERENCES teams (team),
    covers    INTEGER NOT NULL,
    landed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS retained_by_time ON retained (landed_at);
";

/// Fills `team_usage` for teams stored before it existed (or all of them, on
/// a new database: none).
const BACKFILL_USAGE: &str = "
INSERT INTO team_usage (team, bytes)
SELECT t.team,
       (SELECT COALESCE(SUM(length(c.sealed_bytes) + 24), 0) FROM chunks c WHERE c.team = t.team)
FROM teams t WHERE true
ON CONFLICT (team) DO NOTHING;
";

/// The bytes a chunk counts for in a team's quota: its ciphertext and nonce.
fn stored_size(sealed: &Sealed) -> u64 {
    u64::try_from(sealed.ciphertext.len() + sealed.nonce.len()).unwrap_or(u64::MAX)
}

/// What a store enforces on its own: quotas that need the stored rows, and
/// how long what a snapshot covers is kept.
#[derive(Clone, Debug)]
pub struct StoreLimits {
    /// The most sealed bytes per team (snapshots up to twice that); 0 for
    /// no limit.
    pub team_bytes: u64,
    /// The most devices per team that are not revoked; 0 for no limit.
    pub team_devices: u64,
    /// How long after a snapshot landed the chunks it covers are pruned.
    pub retention: Duration,
    /// The time that retention goes by.
    pub clock: Clock,
}

impl Default for StoreLimits {
    /// No quotas, the default retention, the system clock.
    fn default() -> Self {
        StoreLimits {
            team_bytes: 0,
            team_devices: 0,
            retention: DEFAULT_SNAPSHOT_RETENTION,
            clock: Clock::system(),
        }
    }
}

/// `chunks.kind` of a change.
const KIND_CHANGE: i64 = 0;
/// `chunks.kind` of a snapshot (whose `covers` is then set).
const KIND_SNAPSHOT: i64 = 1;

/// Columns that make up a [`StoredChunk`], in [`chunk_from_row`]'s order.
const CHUNK_COLUMNS: &str = "cursor, device, seq, kind, covers, sealed_nonce, sealed_bytes";

/// The relay's SQLite storage. See the module docs for its guarantees.
pub struct SqliteStore {
    connection: Mutex<Connection>,
    limits: StoreLimits,
}

impl SqliteStore {
    /// Opens (or creates) the database file at `path` and its tables, with
    /// no quotas and the default retention ([`StoreLimits::default`]).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, StoreLimits::default())
    }

    /// [`SqliteStore::open`] with quotas and a retention window.
    pub fn open_with(path: &Path, limits: StoreLimits) -> Result<Self, StoreError> {
        let connection = Connection::open(path).map_err(sqlite("opening the database"))?;
        let mode: String = connection
            .pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))
            .map_err(sqlite("switching to write-ahead logging"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::NoWal {
                path: path.display().to_string(),
                mode,
            });
        }
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(sqlite("setting synchronous = FULL"))?;
        connection
            .pragma_update(None, "foreign_keys", true)
            .map_err(sqlite("enabling foreign keys"))?;
        // Another process (a backup, an operator's sqlite3 shell) may hold a
        // lock briefly; wait for it rather than fail the upload.
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(sqlite("setting the busy timeout"))?;
        connection
            .execute_batch(SCHEMA)
            .map_err(sqlite("creating the tables"))?;
        connection
            .execute_batch(BACKFILL_USAGE)
            .map_err(sqlite("counting the bytes each team stores"))?;
        Ok(Self {
            connection: Mutex::new(connection),
            limits,
        })
    }

    /// The newest moment a snapshot may have landed for what it covers to
    /// be pruned now.
    fn retention_cutoff(&self) -> Option<u64> {
        self.limits
            .clock
            .now()
            .checked_sub(self.limits.retention.as_secs())
    }

    /// Prunes what `team`'s snapshots cover whose retention window has
    /// passed; returns how many chunks went.
    fn prune_expired(&self, tx: &Connection, team: TeamId) -> Result<u64, StoreError> {
        let Some(cutoff) = self.retention_cutoff() else {
            return Ok(0);
        };
        let covers: Option<u64> = tx
            .query_row(
                "SELECT MAX(covers) FROM retained WHERE team = ?1 AND landed_at <= ?2",
                params![team.as_bytes(), cutoff],
                |row| row.get(0),
            )
            .map_err(sqlite("finding snapshots past their retention"))?;
        let Some(covers) = covers else {
            return Ok(0);
        };
        let pruned = prune(tx, team, Cursor(covers))?;
        tx.execute(
            "DELETE FROM retained WHERE team = ?1 AND (landed_at <= ?2 OR covers <= ?3)",
            params![team.as_bytes(), cutoff, covers],
        )
        .map_err(sqlite("forgetting snapshots past their retention"))?;
        Ok(pruned)
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held dropped its transaction, which
        // rolled back, so the connection is still consistent.
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for SqliteStore {
    fn create_team(
        &self,
        team: TeamId,
        token_hash: TokenHash,
        admin_hash: AdminHash,
    ) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite("starting to create a team"))?;
        let inserted = tx
            .execute(
                "INSERT INTO teams (team, token_hash, admin_hash) VALUES (?1, ?2, ?3)
                 ON CONFLICT (team) DO NOTHING",
                params![
                    team.as_bytes(),
                    token_hash.as_bytes(),
                    admin_hash.as_bytes()
                ],
            )
            .map_err(sqlite("creating a team"))?;
        if inserted == 0 {
            return Err(StoreError::TeamExists { team });
        }
        tx.execute(
            "INSERT INTO team_usage (team, bytes) VALUES (?1, 0)",
            [team.as_bytes()],
        )
        .map_err(sqlite("creating a team"))?;
        tx.commit().map_err(sqlite("committing a new team"))
    }

    fn credentials(&self, team: TeamId) -> Result<Option<Credentials>, StoreError> {
        self.connection()
            .query_row(
                "SELECT token_hash, admin_hash FROM teams WHERE team = ?1",
                [team.as_bytes()],
                |row| {
                    Ok(Credentials {
                        token_hash: TokenHash::from_bytes(row.get(0)?),
                        admin_hash: AdminHash::from_bytes(row.get(1)?),
                    })
                },
            )
            .optional()
            .map_err(sqlite("reading a team's credentials"))
    }

    fn join(&self, team: TeamId, device: DeviceId) -> Result<TeamHead, StoreError> {
        let mut connection = self.connection();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite("starting a join"))?;
        let head = team_head(&tx, team)?.ok_or(StoreError::UnknownTeam { team })?;
        let known: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE team = ?1 AND device = ?2)",
                params![team.as_bytes(), device.as_bytes()],
                |row| row.get(0),
            )
            .map_err(sqlite("looking up a device"))?;
        if !known && self.limits.team_devices > 0 {
            let devices: u64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM devices WHERE team = ?1 AND revoked = 0",
                    [team.as_bytes()],
                    |row| row.get(0),
                )
                .map_err(sqlite("counting a team's devices"))?;
            if devices >= self.limits.team_devices {
                return Err(StoreError::TooManyDevices {
                    team,
                    limit: self.limits.team_devices,
                });
            }
        }
        tx.execute(
            "INSERT INTO devices (team, device) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![team.as_bytes(), device.as_bytes()],
        )
        .map_err(sqlite("recording a device"))?;
        if is_revoked(&tx, team, device)? {
            return Err(StoreError::Revoked { team, device });
        }
        let snapshot: Option<u64> = tx
            .query_row(
                "SELECT MAX(covers) FROM chunks WHERE team = ?1 AND kind = 1",
                [team.as_bytes()],
                |row| row.get(0),
            )
            .map_err(sqlite("finding the newest snapshot"))?;
        tx.commit().map_err(sqlite("committing a join"))?;
        Ok(TeamHead {
            head,
            snapshot: snapshot.map(Cursor),
        })
    }

    fn upload(
        &self,
        team: TeamId,
        device: DeviceId,
        seq: Seq,
        kind: ChunkKind,
        sealed: &Sealed,
    ) -> Result<Stored, StoreError> {
        let (kind_code, covers) = match kind {
            ChunkKind::Change => (KIND_CHANGE, None),
            ChunkKind::Snapshot { covers } => (KIND_SNAPSHOT, Some(covers.0)),
        };
        let mut connection = self.connection();
        // IMMEDIATE takes the write lock up front, so reading the head and
        // writing head + 1 cannot interleave with another writer.
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite("starting an upload"))?;
        if is_revoked(&tx, team, device)? {
            return Err(StoreError::Revoked { team, device });
        }

        let earlier = tx
            .query_row(
                "SELECT cursor, kind, covers, sealed_nonce, sealed_bytes FROM chunks
                 WHERE team = ?1 AND device = ?2 AND seq = ?3",
                params![team.as_bytes(), device.as_bytes(), seq.0],
                |row| {
                    Ok((
                        Cursor(row.get(0)?),
                        row.get::<_, i64>(1)?,
                        row.get::<_, Option<u64>>(2)?,
                        row.get::<_, [u8; 24]>(3)?,
                        row.get::<_, Vec<u8>>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(sqlite("looking for an earlier upload of this seq"))?;
        if let Some((cursor, earlier_kind, earlier_covers, nonce, bytes)) = earlier {
            // Dropping `tx` rolls back: a retry or a conflict writes nothing.
            let same = earlier_kind == kind_code
                && earlier_covers == covers
                && nonce == sealed.nonce
                && bytes == sealed.ciphertext;
            return if same {
                Ok(Stored {
                    cursor,
                    fresh: false,
                })
            } else {
                Err(StoreError::Conflict {
                    device,
                    seq,
                    cursor,
                })
            };
        }

        let head = team_head(&tx, team)?.ok_or(StoreError::UnknownTeam { team })?;
        if let ChunkKind::Snapshot { covers } = kind
            && covers > head
        {
            return Err(StoreError::CoversAhead { covers, head });
        }
        // What expired goes first, so it frees its bytes for this chunk.
        self.prune_expired(&tx, team)?;
        let size = stored_size(sealed);
        let used = team_usage(&tx, team)?;
        let quota = self.limits.team_bytes;
        let allowed = match kind {
            ChunkKind::Change => quota,
            // Compacting must stay possible for a team at its quota.
            ChunkKind::Snapshot { .. } => quota.saturating_mul(2),
        };
        if quota > 0 && used.saturating_add(size) > allowed {
            return Err(StoreError::TeamFull {
                team,
                used,
                limit: quota,
            });
        }
        let cursor = Cursor(head.0 + 1);
        tx.execute(
            "INSERT INTO chunks (team, cursor, device, seq, kind, covers, sealed_nonce, sealed_bytes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                team.as_bytes(),
                cursor.0,
                device.as_bytes(),
                seq.0,
                kind_code,
                covers,
                sealed.nonce,
                sealed.ciphertext
            ],
        )
        .map_err(sqlite("storing a chunk"))?;
        tx.execute(
            "UPDATE teams SET head = ?2 WHERE team = ?1",
            params![team.as_bytes(), cursor.0],
        )
        .map_err(sqlite("advancing the team's head"))?;
        tx.execute(
            "UPDATE team_usage SET bytes = bytes + ?2 WHERE team = ?1",
            params![team.as_bytes(), size],
        )
        .map_err(sqlite("counting a team's bytes"))?;
        if let Some(covers) = covers {
            if self.limits.retention.is_zero() {
                prune(&tx, team, Cursor(covers))?;
            } else {
                // Kept for the retention window: the snapshot may turn out
                // unreadable, and the relay cannot check what it covers.
                tx.execute(
                    "INSERT INTO retained (team, covers, landed_at) VALUES (?1, ?2, ?3)",
                    params![team.as_bytes(), covers, self.limits.clock.now()],
                )
                .map_err(sqlite("recording what a snapshot covers"))?;
            }
        }
        tx.commit().map_err(sqlite("committing an upload"))?;
        Ok(Stored {
            cursor,
            fresh: true,
        })
    }

    fn latest_snapshot(&self, team: TeamId) -> Result<Option<StoredChunk>, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(&format!(
                "SELECT {CHUNK_COLUMNS} FROM chunks WHERE team = ?1 AND kind = 1
                 ORDER BY covers DESC, cursor DESC LIMIT 1"
            ))
            .map_err(sqlite("finding the newest snapshot"))?;
        let mut rows = statement
            .query([team.as_bytes()])
            .map_err(sqlite("finding the newest snapshot"))?;
        match rows.next().map_err(sqlite("reading the newest snapshot"))? {
            Some(row) => chunk_from_row(team, row).map(Some),
            None => Ok(None),
        }
    }

    fn chunks_after(
        &self,
        team: TeamId,
        after: Cursor,
        budget: Budget,
    ) -> Result<Scan, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(&format!(
                "SELECT {CHUNK_COLUMNS} FROM chunks WHERE team = ?1 AND cursor > ?2
                 ORDER BY cursor"
            ))
            .map_err(sqlite("listing chunks"))?;
        let mut rows = statement
            // SQLite's integers are signed and no cursor is past i64::MAX,
            // so a larger `after` (a device's to choose) means the same.
            .query(params![team.as_bytes(), after.0.min(i64::MAX as u64)])
            .map_err(sqlite("listing chunks"))?;
        let mut items: Vec<StoredChunk> = Vec::new();
        let mut bytes = 0usize;
        while let Some(row) = rows.next().map_err(sqlite("reading a chunk"))? {
            let chunk = chunk_from_row(team, row)?;
            let over_bytes = !items.is_empty() && bytes + chunk.sealed.len() > budget.bytes;
            if items.len() >= budget.items || over_bytes {
                return Ok(Scan {
                    items,
                    rest: Some(chunk.cursor),
                });
            }
            bytes += chunk.sealed.len();
            items.push(chunk);
        }
        Ok(Scan { items, rest: None })
    }

    fn revoke(&self, team: TeamId, device: DeviceId) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite("starting a revoke"))?;
        team_head(&tx, team)?.ok_or(StoreError::UnknownTeam { team })?;
        tx.execute(
            "INSERT INTO devices (team, device, revoked) VALUES (?1, ?2, 1)
             ON CONFLICT (team, device) DO UPDATE SET revoked = 1",
            params![team.as_bytes(), device.as_bytes()],
        )
        .map_err(sqlite("revoking a device"))?;
        tx.commit().map_err(sqlite("committing a revoke"))
    }

    fn devices(&self, team: TeamId) -> Result<Vec<TeamDevice>, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(
                "SELECT d.device, d.revoked,
                        (SELECT COUNT(*) FROM chunks c WHERE c.team = d.team AND c.device = d.device)
                 FROM devices d WHERE d.team = ?1 ORDER BY d.rowid",
            )
            .map_err(sqlite("listing a team's devices"))?;
        let rows = statement
            .query_map(params![team.as_bytes()], |row| {
                Ok(TeamDevice {
                    device: DeviceId::from_bytes(row.get(0)?),
                    revoked: row.get::<_, i64>(1)? != 0,
                    chunks: row.get::<_, i64>(2)?.try_into().unwrap_or(0),
                })
            })
            .map_err(sqlite("listing a team's devices"))?;
        rows.collect::<Result<_, _>>()
            .map_err(sqlite("reading a team's devices"))
    }

    fn rotate(&self, team: TeamId, token_hash: TokenHash) -> Result<(), StoreError> {
        let updated = self
            .connection()
            .execute(
                "UPDATE teams SET token_hash = ?2 WHERE team = ?1",
                params![team.as_bytes(), token_hash.as_bytes()],
            )
            .map_err(sqlite("rotating a team's token"))?;
        if updated == 0 {
            return Err(StoreError::UnknownTeam { team });
        }
        Ok(())
    }

    fn sweep(&self) -> Result<u64, StoreError> {
        let Some(cutoff) = self.retention_cutoff() else {
            return Ok(0);
        };
        let teams: Vec<[u8; 16]> = {
            let connection = self.connection();
            let mut statement = connection
                .prepare_cached("SELECT DISTINCT team FROM retained WHERE landed_at <= ?1")
                .map_err(sqlite("finding snapshots past their retention"))?;
            statement
                .query_map([cutoff], |row| row.get(0))
                .map_err(sqlite("finding snapshots past their retention"))?
                .collect::<Result<_, _>>()
                .map_err(sqlite("finding snapshots past their retention"))?
        };
        let mut pruned = 0;
        // One transaction per team, so uploads wait for one team at most.
        for team in teams.into_iter().map(TeamId::from_bytes) {
            let mut connection = self.connection();
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sqlite("starting a sweep"))?;
            pruned += self.prune_expired(&tx, team)?;
            tx.commit().map_err(sqlite("committing a sweep"))?;
        }
        Ok(pruned)
    }
}

impl SqliteStore {
    fn epoch(connection: &Connection, team: TeamId) -> Result<u32, StoreError> {
        connection
            .query_row(
                "SELECT COALESCE(MAX(epoch), 0) FROM rotations WHERE team = ?1",
                [team.as_bytes()],
                |row| row.get(0),
            )
            .map_err(sqlite("reading a team's key epoch"))
    }
}

impl crate::store::KeyStore for SqliteStore {
    fn enroll(
        &self,
        team: TeamId,
        device: DeviceId,
        public_key: &DevicePublicKey,
    ) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite("starting an enrolment"))?;
        team_head(&tx, team)?.ok_or(StoreError::UnknownTeam { team })?;
        if is_revoked(&tx, team, device)? {
            return Err(StoreError::Revoked { team, device });
        }
        let stored: Option<Vec<u8>> = tx
            .query_row(
                "SELECT public_key FROM device_keys WHERE team = ?1 AND device = ?2",
                params![team.as_bytes(), device.as_bytes()],
                |row| row.get(0),
            )
            .optional()
            .map_err(sqlite("reading a device's key"))?;
        match stored {
            Some(bytes) if bytes == public_key.as_bytes() => return Ok(()),
            Some(_) => return Err(StoreError::KeyTaken { device }),
            None => {}
        }
        tx.execute(
            "INSERT INTO device_keys (team, device, public_key) VALUES (?1, ?2, ?3)",
            params![team.as_bytes(), device.as_bytes(), public_key.as_bytes()],
        )
        .map_err(sqlite("enrolling a device's key"))?;
        tx.commit().map_err(sqlite("committing an enrolment"))
    }

    fn set_card(&self, team: TeamId, device: DeviceId, card: &Sealed) -> Result<(), StoreError> {
        let connection = self.connection();
        connection
            .execute(
                "INSERT INTO device_cards (team, device, nonce, bytes) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (team, device) DO UPDATE SET nonce = ?3, bytes = ?4",
                params![
                    team.as_bytes(),
                    device.as_bytes(),
                    card.nonce,
                    card.ciphertext
                ],
            )
            .map_err(sqlite("storing a device's card"))?;
        Ok(())
    }

    fn device_keys(&self, team: TeamId) -> Result<Vec<EnrolledDevice>, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(
                "SELECT k.device, k.public_key, c.nonce, c.bytes FROM device_keys k
                 JOIN devices d ON d.team = k.team AND d.device = k.device
                 LEFT JOIN device_cards c ON c.team = k.team AND c.device = k.device
                 WHERE k.team = ?1 AND d.revoked = 0 ORDER BY d.rowid",
            )
            .map_err(sqlite("listing devices' keys"))?;
        let rows = statement
            .query_map(params![team.as_bytes()], |row| {
                Ok((
                    row.get::<_, [u8; 16]>(0)?,
                    row.get::<_, Vec<u8>>(1)?,
                    row.get::<_, Option<[u8; 24]>>(2)?,
                    row.get::<_, Option<Vec<u8>>>(3)?,
                ))
            })
            .map_err(sqlite("listing devices' keys"))?;
        let mut devices = Vec::new();
        for row in rows {
            let (device, key, nonce, bytes) = row.map_err(sqlite("reading devices' keys"))?;
            let card = nonce
                .zip(bytes)
                .map(|(nonce, ciphertext)| Sealed { nonce, ciphertext });
            let public_key = DevicePublicKey::from_bytes(&key).ok_or(StoreError::Damaged {
                team,
                what: "a device's public key".into(),
            })?;
            devices.push(EnrolledDevice {
                device: DeviceId::from_bytes(device),
                public_key,
                card,
            });
        }
        Ok(devices)
    }

    fn rotate_key(
        &self,
        team: TeamId,
        epoch: u32,
        token_hash: TokenHash,
        envelopes: &[Envelope],
        link: &ChainLink,
    ) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite("starting a key rotation"))?;
        let old: [u8; 32] = tx
            .query_row(
                "SELECT token_hash FROM teams WHERE team = ?1",
                [team.as_bytes()],
                |row| row.get(0),
            )
            .optional()
            .map_err(sqlite("reading a team's token"))?
            .ok_or(StoreError::UnknownTeam { team })?;
        let current = Self::epoch(&tx, team)?;
        if epoch != current + 1 || link.epoch != epoch {
            return Err(StoreError::StaleEpoch {
                team,
                expected: current + 1,
                got: epoch,
            });
        }
        tx.execute(
            "INSERT INTO rotations (team, epoch, old_token_hash, link_nonce, link_bytes)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                team.as_bytes(),
                epoch,
                old,
                link.sealed.nonce,
                link.sealed.ciphertext
            ],
        )
        .map_err(sqlite("recording a key rotation"))?;
        for envelope in envelopes {
            tx.execute(
                "INSERT INTO envelopes (team, epoch, device, ephemeral, nonce, bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![
                    team.as_bytes(),
                    epoch,
                    envelope.device.as_bytes(),
                    envelope.ephemeral.as_bytes(),
                    envelope.sealed.nonce,
                    envelope.sealed.ciphertext
                ],
            )
            .map_err(sqlite("storing a key envelope"))?;
            tx.execute(
                "INSERT INTO envelope_admins (team, epoch, device, admin)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                params![
                    team.as_bytes(),
                    epoch,
                    envelope.device.as_bytes(),
                    envelope.admin.as_bytes(),
                ],
            )
            .map_err(sqlite("storing a key envelope's admin"))?;
        }
        tx.execute(
            "UPDATE teams SET token_hash = ?2 WHERE team = ?1",
            params![team.as_bytes(), token_hash.as_bytes()],
        )
        .map_err(sqlite("replacing a team's token"))?;
        tx.commit().map_err(sqlite("committing a key rotation"))
    }

    fn rekey(
        &self,
        team: TeamId,
        device: DeviceId,
        old_token_hash: TokenHash,
    ) -> Result<Option<(u32, Envelope)>, StoreError> {
        let connection = self.connection();
        let earlier: bool = connection
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM rotations WHERE team = ?1 AND old_token_hash = ?2)",
                params![team.as_bytes(), old_token_hash.as_bytes()],
                |row| row.get(0),
            )
            .map_err(sqlite("checking an earlier token"))?;
        if !earlier || is_revoked(&connection, team, device)? {
            return Ok(None);
        }
        let epoch = Self::epoch(&connection, team)?;
        // Ephemeral key, admin key, nonce, sealed bytes.
        type EnvelopeRow = (Vec<u8>, Vec<u8>, [u8; 24], Vec<u8>);
        let row: Option<EnvelopeRow> = connection
            .query_row(
                "SELECT e.ephemeral, a.admin, e.nonce, e.bytes FROM envelopes e
                 JOIN envelope_admins a
                   ON a.team = e.team AND a.epoch = e.epoch AND a.device = e.device
                 WHERE e.team = ?1 AND e.epoch = ?2 AND e.device = ?3",
                params![team.as_bytes(), epoch, device.as_bytes()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()
            .map_err(sqlite("reading a key envelope"))?;
        let Some((ephemeral, admin, nonce, ciphertext)) = row else {
            return Ok(None);
        };
        let damaged = |what: &str| StoreError::Damaged {
            team,
            what: what.into(),
        };
        let ephemeral = DevicePublicKey::from_bytes(&ephemeral)
            .ok_or_else(|| damaged("an envelope's ephemeral key"))?;
        let admin = DevicePublicKey::from_bytes(&admin)
            .ok_or_else(|| damaged("an envelope's admin key"))?;
        Ok(Some((
            epoch,
            Envelope {
                device,
                ephemeral,
                admin,
                sealed: Sealed { nonce, ciphertext },
            },
        )))
    }

    fn key_chain(&self, team: TeamId) -> Result<(u32, Vec<ChainLink>), StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(
                "SELECT epoch, link_nonce, link_bytes FROM rotations
                 WHERE team = ?1 ORDER BY epoch",
            )
            .map_err(sqlite("reading a team's key chain"))?;
        let links = statement
            .query_map(params![team.as_bytes()], |row| {
                Ok(ChainLink {
                    epoch: row.get(0)?,
                    sealed: Sealed {
                        nonce: row.get(1)?,
                        ciphertext: row.get(2)?,
                    },
                })
            })
            .map_err(sqlite("reading a team's key chain"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sqlite("reading a team's key chain"))?;
        Ok((links.last().map_or(0, |link| link.epoch), links))
    }
}

/// Wraps a SQLite error with what the store was doing.
fn sqlite(doing: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |source| StoreError::Sqlite { doing, source }
}

/// Deletes `team`'s chunks at or before `upto` and takes their bytes off
/// the team's usage; returns how many went.
fn prune(tx: &Connection, team: TeamId, upto: Cursor) -> Result<u64, StoreError> {
    let (count, bytes): (u64, u64) = tx
        .query_row(
            "SELECT COUNT(*), COALESCE(SUM(length(sealed_bytes) + 24), 0) FROM chunks
             WHERE team = ?1 AND cursor <= ?2",
            params![team.as_bytes(), upto.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .map_err(sqlite("measuring chunks a snapshot covers"))?;
    tx.execute(
        "DELETE FROM chunks WHERE team = ?1 AND cursor <= ?2",
        params![team.as_bytes(), upto.0],
    )
    .map_err(sqlite("pruning chunks a snapshot covers"))?;
    tx.execute(
        "UPDATE team_usage SET bytes = MAX(bytes - ?2, 0) WHERE team = ?1",
        params![team.as_bytes(), bytes],
    )
    .map_err(sqlite("counting a team's bytes"))?;
    Ok(count)
}

fn team_usage(connection: &Connection, team: TeamId) -> Result<u64, StoreError> {
    connection
        .query_row(
            "SELECT bytes FROM team_usage WHERE team = ?1",
            [team.as_bytes()],
            |row| row.get(0),
        )
        .optional()
        .map_err(sqlite("reading a team's bytes"))
        .map(Option::unwrap_or_default)
}

fn team_head(connection: &Connection, team: TeamId) -> Result<Option<Cursor>, StoreError> {
    connection
        .query_row(
            "SELECT head FROM teams WHERE team = ?1",
            [team.as_bytes()],
            |row| row.get(0).map(Cursor),
        )
        .optional()
        .map_err(sqlite("reading a team's head"))
}

fn is_revoked(connection: &Connection, team: TeamId, device: DeviceId) -> Result<bool, StoreError> {
    let revoked: Option<bool> = connection
        .query_row(
            "SELECT revoked FROM devices WHERE team = ?1 AND device = ?2",
            params![team.as_bytes(), device.as_bytes()],
            |row| row.get(0),
        )
        .optional()
        .map_err(sqlite("checking whether a device is revoked"))?;
    Ok(revoked == Some(true))
}

/// Reads [`CHUNK_COLUMNS`] back into a chunk.
fn chunk_from_row(team: TeamId, row: &Row<'_>) -> Result<StoredChunk, StoreError> {
    let read = |row: &Row<'_>| -> rusqlite::Result<_> {
        Ok((
            Cursor(row.get(0)?),
            DeviceId::from_bytes(row.get(1)?),
            Seq(row.get(2)?),
            row.get::<_, i64>(3)?,
            row.get::<_, Option<u64>>(4)?,
            Sealed {
                nonce: row.get(5)?,
                ciphertext: row.get(6)?,
            },
        ))
    };
    let (cursor, device, seq, kind, covers, sealed) =
        read(row).map_err(sqlite("reading a chunk"))?;
    let kind = match (kind, covers) {
        (KIND_CHANGE, None) => ChunkKind::Change,
        (KIND_SNAPSHOT, Some(covers)) => ChunkKind::Snapshot {
            covers: Cursor(covers),
        },
        (kind, covers) => {
            return Err(StoreError::Damaged {
                team,
                what: format!("chunk at cursor {cursor} has kind {kind} with covers {covers:?}"),
            });
        }
    };
    Ok(StoredChunk {
        cursor,
        device,
        seq,
        kind,
        sealed,
    })
}

#[cfg(test)]
mod tests {
    use rapport_protocol::{AccessToken, AdminSecret, admin_hash, token_hash};

    use super::*;

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);
    const PHONE: DeviceId = DeviceId::from_bytes([2; 16]);
    const LAPTOP: DeviceId = DeviceId::from_bytes([3; 16]);
    const ALL: Budget = Budget {
        items: usize::MAX,
        bytes: usize::MAX,
    };

    fn store() -> (tempfile::TempDir, SqliteStore) {
        store_with(StoreLimits::default())
    }

    fn store_with(limits: StoreLimits) -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_with(&dir.path().join("relay.sqlite3"), limits).unwrap();
        store
            .create_team(
                TEAM,
                token_hash(&AccessToken::from_bytes([5; 32])),
                admin_hash(&AdminSecret::from_bytes([6; 32])),
            )
            .unwrap();
        (dir, store)
    }

    fn sealed(byte: u8) -> Sealed {
        Sealed {
            nonce: [byte; 24],
            ciphertext: vec![byte; 40],
        }
    }

    fn cursors(store: &SqliteStore, after: u64) -> Vec<u64> {
        let scan = store.chunks_after(TEAM, Cursor(after), ALL).unwrap();
        scan.items.iter().map(|chunk| chunk.cursor.0).collect()
    }

    #[test]
    fn a_team_is_created_once() {
        let (_dir, store) = store();
        let again = store.create_team(
            TEAM,
            TokenHash::from_bytes([0; 32]),
            AdminHash::from_bytes([0; 32]),
        );
        assert!(matches!(again, Err(StoreError::TeamExists { .. })));
        let kept = store.credentials(TEAM).unwrap().unwrap();
        assert_eq!(
            kept.token_hash,
            token_hash(&AccessToken::from_bytes([5; 32]))
        );
    }

    #[test]
    fn uploads_take_the_next_cursor_and_retries_keep_theirs() {
        let (_dir, store) = store();
        store.join(TEAM, PHONE).unwrap();
        let first = store
            .upload(TEAM, PHONE, Seq(1), ChunkKind::Change, &sealed(1))
            .unwrap();
        let second = store
            .upload(TEAM, PHONE, Seq(2), ChunkKind::Change, &sealed(2))
            .unwrap();
        assert_eq!(
            first,
            Stored {
                cursor: Cursor(1),
                fresh: true
            }
        );
        assert_eq!(
            second,
            Stored {
                cursor: Cursor(2),
                fresh: true
            }
        );

        let retry = store
            .upload(TEAM, PHONE, Seq(1), ChunkKind::Change, &sealed(1))
            .unwrap();
        assert_eq!(
            retry,
            Stored {
                cursor: Cursor(1),
                fresh: false
            }
        );
        assert_eq!(cursors(&store, 0), [1, 2]);
        assert_eq!(store.join(TEAM, LAPTOP).unwrap().head, Cursor(2));
    }

    #[test]
    fn the_same_seq_with_other_bytes_is_a_conflict_and_stores_nothing() {
        let (_dir, store) = store();
        store
            .upload(TEAM, PHONE, Seq(1), ChunkKind::Change, &sealed(1))
            .unwrap();
        let other_bytes = store.upload(TEAM, PHONE, Seq(1), ChunkKind::Change, &sealed(9));
        assert!(matches!(
            other_bytes,
            Err(StoreError::Conflict {
                cursor: Cursor(1),
                ..
            })
        ));
        let other_kind = ChunkKind::Snapshot { covers: Cursor(1) };
        let relabelled = store.upload(TEAM, PHONE, Seq(1), other_kind, &sealed(1));
        assert!(matches!(relabelled, Err(StoreError::Conflict { .. })));
        assert_eq!(cursors(&store, 0), [1]);
        // Another device may use the same seq: seqs are per device.
        store
            .upload(TEAM, LAPTOP, Seq(1), ChunkKind::Change, &sealed(9))
            .unwrap();
    }

    #[test]
    fn a_snapshot_prunes_what_it_covers_and_nothing_newer() {
        let (_dir, store) = store_with(StoreLimits {
            retention: Duration::ZERO,
            ..StoreLimits::default()
        });
        for seq in 1..=5 {
            store
                .upload(TEAM, PHONE, Seq(seq), ChunkKind::Change, &sealed(1))
                .unwrap();
        }
        let covers_3 = ChunkKind::Snapshot { covers: Cursor(3) };
        let snapshot = store
            .upload(TEAM, LAPTOP, Seq(1), covers_3, &sealed(7))
            .unwrap();
        assert_eq!(snapshot.cursor, Cursor(6));
        assert_eq!(cursors(&store, 0), [4, 5, 6]);

        // A later snapshot removes the older one only if it covers it.
        let covers_5 = ChunkKind::Snapshot { covers: Cursor(5) };
        store
            .upload(TEAM, PHONE, Seq(6), covers_5, &sealed(8))
            .unwrap();
        assert_eq!(cursors(&store, 0), [6, 7], "snapshot 6 is newer than 5");
        let latest = store.latest_snapshot(TEAM).unwrap().unwrap();
        assert_eq!(latest.cursor, Cursor(7));
        assert_eq!(store.join(TEAM, PHONE).unwrap().snapshot, Some(Cursor(5)));

        let covers_7 = ChunkKind::Snapshot { covers: Cursor(7) };
        store
            .upload(TEAM, LAPTOP, Seq(2), covers_7, &sealed(9))
            .unwrap();
        assert_eq!(cursors(&store, 0), [8]);
        // The head never goes back, even though older rows are gone.
        let next = store
            .upload(TEAM, PHONE, Seq(7), ChunkKind::Change, &sealed(1))
            .unwrap();
        assert_eq!(next.cursor, Cursor(9));
    }

    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn what_a_snapshot_covers_stays_for_the_retention_window() {
        let clock = Clock::manual(1_000_000);
        let (_dir, store) = store_with(StoreLimits {
            retention: 7 * DAY,
            clock: clock.clone(),
            ..StoreLimits::default()
        });
        for seq in 1..=4 {
            store
                .upload(TEAM, PHONE, Seq(seq), ChunkKind::Change, &sealed(1))
                .unwrap();
        }
        let everything = ChunkKind::Snapshot { covers: Cursor(4) };
        store
            .upload(TEAM, LAPTOP, Seq(1), everything, &sealed(7))
            .unwrap();
        assert_eq!(
            cursors(&store, 0),
            [1, 2, 3, 4, 5],
            "kept within the window"
        );
        clock.advance(6 * DAY);
        assert_eq!(store.sweep().unwrap(), 0);
        store
            .upload(TEAM, PHONE, Seq(5), ChunkKind::Change, &sealed(1))
            .unwrap();
        assert_eq!(
            cursors(&store, 0),
            [1, 2, 3, 4, 5, 6],
            "still in the window"
        );

        clock.advance(DAY);
        assert_eq!(store.sweep().unwrap(), 4);
        assert_eq!(
            cursors(&store, 0),
            [5, 6],
            "the snapshot and what follows it"
        );
        assert_eq!(store.sweep().unwrap(), 0, "nothing left to sweep");

        // An upload prunes its own team without a sweep, before its quota
        // check, and the pruned bytes leave the team's usage.
        let covers_6 = ChunkKind::Snapshot { covers: Cursor(6) };
        store
            .upload(TEAM, PHONE, Seq(6), covers_6, &sealed(2))
            .unwrap();
        clock.advance(8 * DAY);
        store
            .upload(TEAM, PHONE, Seq(7), ChunkKind::Change, &sealed(3))
            .unwrap();
        assert_eq!(cursors(&store, 0), [7, 8]);
        let usage = team_usage(&store.connection(), TEAM).unwrap();
        assert_eq!(usage, 2 * stored_size(&sealed(1)));
    }

    #[test]
    fn quotas_refuse_what_would_exceed_them_and_store_nothing() {
        let chunk = stored_size(&sealed(1));
        let (_dir, store) = store_with(StoreLimits {
            team_bytes: 3 * chunk,
            team_devices: 2,
            ..StoreLimits::default()
        });
        for seq in 1..=3 {
            store
                .upload(TEAM, PHONE, Seq(seq), ChunkKind::Change, &sealed(1))
                .unwrap();
        }
        let over = store.upload(TEAM, PHONE, Seq(4), ChunkKind::Change, &sealed(1));
        assert!(matches!(over, Err(StoreError::TeamFull { .. })), "{over:?}");
        assert_eq!(cursors(&store, 0), [1, 2, 3]);
        // A snapshot may still land, so the team can compact.
        let snapshot = ChunkKind::Snapshot { covers: Cursor(3) };
        store
            .upload(TEAM, PHONE, Seq(4), snapshot, &sealed(2))
            .unwrap();

        store.join(TEAM, PHONE).unwrap();
        store.join(TEAM, LAPTOP).unwrap();
        store.join(TEAM, PHONE).unwrap();
        let third = store.join(TEAM, DeviceId::from_bytes([7; 16]));
        assert!(matches!(
            third,
            Err(StoreError::TooManyDevices { limit: 2, .. })
        ));
        // Removing a device frees its place.
        store.revoke(TEAM, LAPTOP).unwrap();
        store.join(TEAM, DeviceId::from_bytes([7; 16])).unwrap();
    }

    #[test]
    fn usage_is_counted_for_teams_stored_before_quotas() {
        let (dir, store) = store();
        store
            .upload(TEAM, PHONE, Seq(1), ChunkKind::Change, &sealed(1))
            .unwrap();
        let path = dir.path().join("relay.sqlite3");
        drop(store);
        // As if written by a relay without `team_usage`.
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch("DROP TABLE team_usage").unwrap();
        drop(raw);
        let reopened = SqliteStore::open(&path).unwrap();
        let usage = team_usage(&reopened.connection(), TEAM).unwrap();
        assert_eq!(usage, stored_size(&sealed(1)));
    }

    #[test]
    fn a_snapshot_cannot_cover_the_future() {
        let (_dir, store) = store();
        store
            .upload(TEAM, PHONE, Seq(1), ChunkKind::Change, &sealed(1))
            .unwrap();
        let ahead = ChunkKind::Snapshot { covers: Cursor(2) };
        let refused = store.upload(TEAM, PHONE, Seq(2), ahead, &sealed(2));
        assert!(matches!(refused, Err(StoreError::CoversAhead { .. })));
        assert_eq!(cursors(&store, 0), [1]);
    }

    #[test]
    fn a_revoked_device_can_neither_join_nor_upload() {
        let (_dir, store) = store();
        store.join(TEAM, PHONE).unwrap();
        store.revoke(TEAM, PHONE).unwrap();
        store.revoke(TEAM, LAPTOP).unwrap();
        assert!(matches!(
            store.join(TEAM, PHONE),
            Err(StoreError::Revoked { .. })
        ));
        assert!(matches!(
            store.join(TEAM, LAPTOP),
            Err(StoreError::Revoked { .. })
        ));
        let upload = store.upload(TEAM, PHONE, Seq(1), ChunkKind::Change, &sealed(1));
        assert!(matches!(upload, Err(StoreError::Revoked { .. })));
        assert!(cursors(&store, 0).is_empty());
    }

    #[test]
    fn unknown_teams_are_reported() {
        let (_dir, store) = store();
        let stranger = TeamId::from_bytes([9; 16]);
        assert!(store.credentials(stranger).unwrap().is_none());
        assert!(matches!(
            store.join(stranger, PHONE),
            Err(StoreError::UnknownTeam { .. })
        ));
        let upload = store.upload(stranger, PHONE, Seq(1), ChunkKind::Change, &sealed(1));
        assert!(matches!(upload, Err(StoreError::UnknownTeam { .. })));
        let rotate = store.rotate(stranger, TokenHash::from_bytes([0; 32]));
        assert!(matches!(rotate, Err(StoreError::UnknownTeam { .. })));
    }

    #[test]
    fn scans_stop_at_the_budget_but_never_return_nothing_for_size() {
        let (_dir, store) = store();
        for seq in 1..=4 {
            store
                .upload(TEAM, PHONE, Seq(seq), ChunkKind::Change, &sealed(1))
                .unwrap();
        }
        let two = store.chunks_after(
            TEAM,
            Cursor(0),
            Budget {
                items: 2,
                bytes: usize::MAX,
            },
        );
        let two = two.unwrap();
        assert_eq!(two.items.len(), 2);
        assert_eq!(two.rest, Some(Cursor(3)));

        let tiny = store
            .chunks_after(
                TEAM,
                Cursor(1),
                Budget {
                    items: 10,
                    bytes: 1,
                },
            )
            .unwrap();
        assert_eq!(tiny.items.len(), 1, "one chunk always fits");
        assert_eq!(tiny.rest, Some(Cursor(3)));

        let none = store
            .chunks_after(TEAM, Cursor(0), Budget { items: 0, bytes: 0 })
            .unwrap();
        assert!(none.items.is_empty());
        assert_eq!(none.rest, Some(Cursor(1)));
    }

    #[test]
    fn data_survives_reopening() {
        let (dir, store) = store();
        store
            .upload(TEAM, PHONE, Seq(1), ChunkKind::Change, &sealed(1))
            .unwrap();
        drop(store);
        let reopened = SqliteStore::open(&dir.path().join("relay.sqlite3")).unwrap();
        let scan = reopened.chunks_after(TEAM, Cursor(0), ALL).unwrap();
        assert_eq!(scan.items[0].sealed, sealed(1));
    }
}
