//! A new version of the app's code: announced, and applied only when the rep
//! asks and nothing typed would be lost.
//!
//! The service worker (`sw/service-worker.js`) keeps the build the rep has
//! and lets a newer one wait; the update banner (`ui::update_banner`) asks
//! this state what to show and what to do. Plain Rust, tested natively.

/// What the page knows about a newer build than the one it runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AppUpdate {
    /// This page runs the newest build the device has.
    #[default]
    Current,
    /// A newer build is on the device. `waiting` when its worker still waits
    /// to take over (false when another tab already applied it: then this
    /// page only needs a reload). `refused` when the rep pressed Reload with
    /// unsaved input.
    Ready {
        build: String,
        waiting: bool,
        refused: bool,
    },
    /// The rep pressed Reload: the new worker is taking over, and the page
    /// reloads once it has.
    Applying,
}

/// What the page must do after the rep pressed Reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateStep {
    /// Nothing (no update, or one is already being applied, or there is
    /// unsaved input).
    Stay,
    /// Tell the waiting worker to take over; reload when it has.
    Activate,
    /// The new worker already runs the device: reload now.
    Reload,
}

impl AppUpdate {
    /// A build other than `own` (the page's) is on the device. Builds equal
    /// to the page's own are not news (the first install, or a tab that
    /// already reloaded).
    pub fn found(&mut self, build: &str, own: &str, waiting: bool) {
        if build == own || *self == Self::Applying {
            return;
        }
        *self = Self::Ready {
            build: build.to_owned(),
            waiting,
            refused: false,
        };
    }

    /// The rep pressed Reload; `unsaved` when a form holds typed text not
    /// yet saved, or a change is only in memory. Unsaved input refuses (the
    /// banner says to save or discard first) and loses nothing.
    pub fn reload(&mut self, unsaved: bool) -> UpdateStep {
        let Self::Ready {
            waiting, refused, ..
        } = self
        else {
            return UpdateStep::Stay;
        };
        if unsaved {
            *refused = true;
            return UpdateStep::Stay;
        }
        if *waiting {
            *self = Self::Applying;
            UpdateStep::Activate
        } else {
            UpdateStep::Reload
        }
    }

    /// The page's service worker changed. True when this page asked for it
    /// (it then reloads into the new build).
    pub fn took_over(&self) -> bool {
        *self == Self::Applying
    }

    /// The new build's id, while one is announced.
    pub fn build(&self) -> Option<&str> {
        match self {
            Self::Ready { build, .. } => Some(build),
            _ => None,
        }
    }

    /// True when the last Reload was refused for unsaved input.
    pub fn refused(&self) -> bool {
        matches!(self, Self::Ready { refused: true, .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(waiting: bool) -> AppUpdate {
        let mut update = AppUpdate::default();
        update.found("b2", "b1", waiting);
        update
    }

    #[test]
    fn the_own_build_is_not_announced() {
        let mut update = AppUpdate::default();
        update.found("b1", "b1", true);
        assert_eq!(update, AppUpdate::Current);
        assert_eq!(update.reload(false), UpdateStep::Stay);
    }

    #[test]
    fn a_new_build_waits_until_the_rep_reloads() {
        let mut update = ready(true);
        assert_eq!(update.build(), Some("b2"));
        assert!(!update.took_over());
        assert_eq!(update.reload(false), UpdateStep::Activate);
        assert!(update.took_over());
        // Pressing again while it takes over does nothing twice.
        assert_eq!(update.reload(false), UpdateStep::Stay);
        // A later find does not undo the Reload.
        update.found("b3", "b1", true);
        assert!(update.took_over());
    }

    #[test]
    fn unsaved_input_refuses_and_keeps_the_offer() {
        let mut update = ready(true);
        assert_eq!(update.reload(true), UpdateStep::Stay);
        assert!(update.refused());
        assert_eq!(update.build(), Some("b2"));
        assert!(!update.took_over());
        // Saved or discarded: now it applies.
        assert_eq!(update.reload(false), UpdateStep::Activate);
    }

    #[test]
    fn a_build_another_tab_applied_needs_only_a_reload() {
        let mut update = ready(false);
        assert_eq!(update.reload(false), UpdateStep::Reload);
        assert!(!update.took_over());
    }

    #[test]
    fn a_newer_build_replaces_the_announced_one() {
        let mut update = ready(true);
        update.reload(true);
        update.found("b3", "b1", true);
        assert_eq!(update.build(), Some("b3"));
        assert!(!update.refused());
    }
}
