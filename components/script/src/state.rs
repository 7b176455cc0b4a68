/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! A service worker's [state](https://w3c.github.io/ServiceWorker/#dfn-state).

use std::fmt;

/// <https://w3c.github.io/ServiceWorker/#dfn-state>
///
/// The same values as the `ServiceWorkerState` WebIDL enum.
#[derive(Clone, Copy, Debug, Eq, Hash, PartialEq)]
pub enum WorkerState {
    /// The script has been fetched and evaluated, the worker is not yet
    /// installing.
    Parsed,
    Installing,
    Installed,
    Activating,
    Activated,
    Redundant,
}

impl WorkerState {
    /// The string the `ServiceWorker.state` attribute returns.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerState::Parsed => "parsed",
            WorkerState::Installing => "installing",
            WorkerState::Installed => "installed",
            WorkerState::Activating => "activating",
            WorkerState::Activated => "activated",
            WorkerState::Redundant => "redundant",
        }
    }

    /// Whether the lifecycle may move a worker from `self` to `next`:
    /// parsed → installing → installed → activating → activated, and from
    /// any state but redundant to redundant.
    pub fn can_become(self, next: WorkerState) -> bool {
        use WorkerState::*;
        matches!(
            (self, next),
            (Parsed, Installing)
                | (Installing, Installed)
                | (Installed, Activating)
                | (Activating, Activated)
        ) || (self != Redundant && next == Redundant)
    }
}

impl fmt::Display for WorkerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::WorkerState::*;

    #[test]
    fn forward_order_only() {
        assert!(Parsed.can_become(Installing));
        assert!(Installing.can_become(Installed));
        assert!(Installed.can_become(Activating));
        assert!(Activating.can_become(Activated));
        assert!(!Installing.can_become(Activating));
        assert!(!Activated.can_become(Installing));
    }

    #[test]
    fn anything_but_redundant_can_become_redundant() {
        for state in [Parsed, Installing, Installed, Activating, Activated] {
            assert!(state.can_become(Redundant), "{state}");
        }
        assert!(!Redundant.can_become(Redundant));
    }
}
