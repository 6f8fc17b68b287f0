//! How many connections the relay holds, in all and per client address.
//!
//! Every accepted TCP connection takes a [`Slot`] before hyper reads a byte
//! of it; dropping the slot (when the socket closes, upgraded or not) gives
//! it back. A connection over a cap is not dropped unanswered: it gets a
//! slot of its own kind and an answer (HTTP 503, or on `/sync` an `Error`
//! frame the app can show), unless so many are being refused at once that
//! even answering would be a flood, in which case it is closed at once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// The relay's open connections.
#[derive(Debug)]
pub(crate) struct Connections {
    max_total: usize,
    max_per_address: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_address: HashMap<IpAddr, usize>,
    /// Connections being answered with a refusal.
    refusing: usize,
}

/// One connection's place; giving it back is dropping it.
#[derive(Debug)]
pub(crate) struct Slot {
    connections: Arc<Connections>,
    /// `None` for a connection being refused.
    address: Option<IpAddr>,
}

/// What a new connection gets.
#[derive(Debug)]
pub(crate) enum Admission {
    /// Served.
    Admitted(Slot),
    /// Answered with this reason, then closed.
    Refused(Slot, String),
    /// Closed without an answer.
    Dropped,
}

impl Connections {
    /// At most `max_total` connections, `max_per_address` from one address
    /// (0: no cap).
    pub(crate) fn new(max_total: usize, max_per_address: usize) -> Arc<Connections> {
        Arc::new(Connections {
            max_total,
            max_per_address,
            counts: Mutex::default(),
        })
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        // Counting never panics halfway; a poisoned lock holds whole counts.
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Admits or refuses a connection from `address`.
    pub(crate) fn admit(self: &Arc<Self>, address: IpAddr) -> Admission {
        let address = address.to_canonical();
        let mut counts = self.counts();
        let from_address = counts.per_address.get(&address).copied().unwrap_or(0);
        let reason = if self.max_total > 0 && counts.total >= self.max_total {
            Some(format!(
                "the relay holds as many connections as it allows ({}); try again in a minute",
                self.max_total
            ))
        } else if self.max_per_address > 0 && from_address >= self.max_per_address {
            Some(format!(
                "the relay holds as many connections from your address as it allows ({}); \
                 close other tabs or devices syncing from this network, or try again later",
                self.max_per_address
            ))
        } else {
            None
        };
        match reason {
            None => {
                counts.total += 1;
                *counts.per_address.entry(address).or_default() += 1;
                Admission::Admitted(Slot {
                    connections: Arc::clone(self),
                    address: Some(address),
                })
            }
            // Answering costs a task and a buffer each: as many refusals in
            // flight as connections allowed, and no more.
            Some(_) if counts.refusing >= self.max_total.max(1) => Admission::Dropped,
            Some(reason) => {
                counts.refusing += 1;
                Admission::Refused(
                    Slot {
                        connections: Arc::clone(self),
                        address: None,
                    },
                    reason,
                )
            }
        }
    }

    /// Open connections that were admitted.
    #[cfg(test)]
    fn open(&self) -> usize {
        self.counts().total
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.connections.counts();
        match self.address {
            Some(address) => {
                counts.total -= 1;
                if let Some(count) = counts.per_address.get_mut(&address) {
                    *count -= 1;
                    if *count == 0 {
                        counts.per_address.remove(&address);
                    }
                }
            }
            None => counts.refusing -= 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const OFFICE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    fn admitted(admission: Admission) -> Slot {
        match admission {
            Admission::Admitted(slot) => slot,
            other => panic!("refused: {other:?}"),
        }
    }

    #[test]
    fn caps_hold_per_address_and_in_all_and_slots_come_back() {
        let connections = Connections::new(3, 2);
        let first = admitted(connections.admit(HOME));
        let _second = admitted(connections.admit(HOME));
        assert!(
            matches!(connections.admit(HOME), Admission::Refused(_, reason) if reason.contains("your address"))
        );
        let _third = admitted(connections.admit(OFFICE));
        assert!(
            matches!(connections.admit(OFFICE), Admission::Refused(_, reason) if reason.contains("(3)"))
        );
        drop(first);
        assert_eq!(connections.open(), 2);
        let _again = admitted(connections.admit(HOME));
        // Refusals in flight are capped too.
        let held: Vec<Admission> = (0..3).map(|_| connections.admit(HOME)).collect();
        assert!(held.iter().all(|a| matches!(a, Admission::Refused(..))));
        assert!(matches!(connections.admit(HOME), Admission::Dropped));
    }
}
