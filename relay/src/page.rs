//! What one `Fetch` returns: the rule that serves a snapshot first.
//!
//! This is sync logic, not storage, so it is written once against the
//! [`Store`] trait rather than in each store's SQL.

use rapport_protocol::{ChunkKind, Cursor, StoredChunk, TeamId};

use crate::store::{Budget, Store, StoreError};

/// The most chunks one page carries, whatever `limit` a device asks for.
pub(crate) const MAX_PAGE_ITEMS: usize = 1000;

/// One `Chunks` answer.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) items: Vec<StoredChunk>,
    pub(crate) more: bool,
    pub(crate) next: Cursor,
}

/// Reads the page after `after`, of at most `limit` chunks and about
/// `max_bytes` of sealed bytes.
///
/// A device behind the newest snapshot's `covers` gets that snapshot first,
/// then the chunks after `covers` in cursor order (the chunks it covers are
/// gone). The snapshot's own cursor is above `covers`, so it sits out of
/// order in that page, and `next` says where to continue: past the snapshot
/// when everything below it was sent, otherwise at the last chunk sent (the
/// snapshot then comes again in its place; rare, and merging twice is harmless).
pub(crate) fn read(
    store: &dyn Store,
    team: TeamId,
    after: Cursor,
    limit: u32,
    max_bytes: usize,
) -> Result<Page, StoreError> {
    let items = usize::try_from(limit)
        .unwrap_or(MAX_PAGE_ITEMS)
        .clamp(1, MAX_PAGE_ITEMS);

    let snapshot = store.latest_snapshot(team)?;
    let Some((snapshot, covers)) = snapshot.and_then(|chunk| match chunk.kind {
        ChunkKind::Snapshot { covers } if after < covers => Some((chunk, covers)),
        _ => None,
    }) else {
        return read_all(store, team, after, limit, max_bytes);
    };

    let bytes = max_bytes.saturating_sub(snapshot.sealed.len());
    // A snapshot that fills the page travels alone.
    let budget = Budget {
        items: if bytes == 0 { 0 } else { items - 1 },
        bytes,
    };
    let scan = store.chunks_after(team, covers, budget)?;
    let last_sent = scan.items.last().map_or(covers, |chunk| chunk.cursor);
    let next = match scan.rest {
        Some(rest) if rest < snapshot.cursor => last_sent,
        _ => last_sent.max(snapshot.cursor),
    };
    let mut page = Vec::with_capacity(scan.items.len() + 1);
    let snapshot_cursor = snapshot.cursor;
    page.push(snapshot);
    page.extend(
        scan.items
            .into_iter()
            .filter(|chunk| chunk.cursor != snapshot_cursor),
    );
    Ok(Page {
        items: page,
        more: scan.rest.is_some(),
        next,
    })
}

/// Reads the page after `after` in plain cursor order, the newest snapshot
/// getting no precedence: for `FetchAll`, which also returns the chunks a
/// snapshot covers while the relay retains them.
pub(crate) fn read_all(
    store: &dyn Store,
    team: TeamId,
    after: Cursor,
    limit: u32,
    max_bytes: usize,
) -> Result<Page, StoreError> {
    let items = usize::try_from(limit)
        .unwrap_or(MAX_PAGE_ITEMS)
        .clamp(1, MAX_PAGE_ITEMS);
    let scan = store.chunks_after(
        team,
        after,
        Budget {
            items,
            bytes: max_bytes,
        },
    )?;
    let next = scan.items.last().map_or(after, |chunk| chunk.cursor);
    Ok(Page {
        items: scan.items,
        more: scan.rest.is_some(),
        next,
    })
}

#[cfg(test)]
mod tests {
    use rapport_protocol::{AdminHash, DeviceId, Sealed, Seq, TokenHash};

    use super::*;
    use crate::SqliteStore;

    const TEAM: TeamId = TeamId::from_bytes([1; 16]);
    const PHONE: DeviceId = DeviceId::from_bytes([2; 16]);
    const LAPTOP: DeviceId = DeviceId::from_bytes([3; 16]);

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("relay.sqlite3")).unwrap();
        let hash = TokenHash::from_bytes([0; 32]);
        store
            .create_team(TEAM, hash, AdminHash::from_bytes([0; 32]))
            .unwrap();
        (dir, store)
    }

    fn upload(store: &SqliteStore, device: DeviceId, seq: u64, kind: ChunkKind) {
        let sealed = Sealed {
            nonce: [0; 24],
            ciphertext: vec![0; 100],
        };
        store.upload(TEAM, device, Seq(seq), kind, &sealed).unwrap();
    }

    fn cursors(page: &Page) -> Vec<u64> {
        page.items.iter().map(|chunk| chunk.cursor.0).collect()
    }

    /// Follows `next` until `more` is false, as a device does.
    fn fetch_all(store: &SqliteStore, after: u64, limit: u32) -> Vec<u64> {
        let mut after = Cursor(after);
        let mut seen = Vec::new();
        loop {
            let page = read(store, TEAM, after, limit, usize::MAX).unwrap();
            seen.extend(cursors(&page));
            after = page.next;
            if !page.more {
                return seen;
            }
        }
    }

    #[test]
    fn without_a_snapshot_pages_follow_the_cursor() {
        let (_dir, store) = store();
        for seq in 1..=5 {
            upload(&store, PHONE, seq, ChunkKind::Change);
        }
        let page = read(&store, TEAM, Cursor(1), 2, usize::MAX).unwrap();
        assert_eq!(
            (cursors(&page), page.more, page.next),
            (vec![2, 3], true, Cursor(3))
        );
        assert_eq!(fetch_all(&store, 0, 2), [1, 2, 3, 4, 5]);
        let empty = read(&store, TEAM, Cursor(5), 10, usize::MAX).unwrap();
        assert_eq!(
            (empty.items.len(), empty.more, empty.next),
            (0, false, Cursor(5))
        );
    }

    #[test]
    fn a_device_behind_the_snapshot_gets_it_first() {
        let (_dir, store) = store();
        for seq in 1..=4 {
            upload(&store, PHONE, seq, ChunkKind::Change);
        }
        // The laptop saved having seen cursor 2; the phone's 3 and 4 stay.
        upload(&store, LAPTOP, 1, ChunkKind::Snapshot { covers: Cursor(2) });
        upload(&store, PHONE, 5, ChunkKind::Change);

        let page = read(&store, TEAM, Cursor(0), 100, usize::MAX).unwrap();
        assert_eq!(cursors(&page), [5, 3, 4, 6]);
        assert_eq!((page.more, page.next), (false, Cursor(6)));

        // A device past `covers` just continues in order, snapshot included.
        assert_eq!(fetch_all(&store, 3, 100), [4, 5, 6]);
    }

    #[test]
    fn paging_through_a_snapshot_misses_nothing() {
        let (_dir, store) = store();
        for seq in 1..=4 {
            upload(&store, PHONE, seq, ChunkKind::Change);
        }
        upload(&store, LAPTOP, 1, ChunkKind::Snapshot { covers: Cursor(2) });
        upload(&store, PHONE, 5, ChunkKind::Change);
        upload(&store, PHONE, 6, ChunkKind::Change);

        // Every chunk still stored arrives, for every page size.
        for limit in 1..=5 {
            let mut seen = fetch_all(&store, 0, limit);
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen, [3, 4, 5, 6, 7], "limit {limit}");
        }
        // With nothing between `covers` and the snapshot, nothing repeats.
        let (_dir, store) = self::store();
        upload(&store, PHONE, 1, ChunkKind::Change);
        upload(&store, PHONE, 2, ChunkKind::Snapshot { covers: Cursor(1) });
        upload(&store, PHONE, 3, ChunkKind::Change);
        assert_eq!(fetch_all(&store, 0, 1), [2, 3]);
    }

    #[test]
    fn a_snapshot_that_fills_the_page_travels_alone() {
        let (_dir, store) = store();
        upload(&store, PHONE, 1, ChunkKind::Change);
        upload(&store, PHONE, 2, ChunkKind::Snapshot { covers: Cursor(1) });
        upload(&store, PHONE, 3, ChunkKind::Change);
        let page = read(&store, TEAM, Cursor(0), 100, 50).unwrap();
        assert_eq!(cursors(&page), [2]);
        assert_eq!((page.more, page.next), (true, Cursor(2)));
    }
}
