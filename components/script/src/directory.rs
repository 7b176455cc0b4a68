/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! "Which active worker is there for this URL?", for the network side.
//!
//! Every origin's `ServiceWorkerManager` publishes here the registrations
//! whose active worker reached *activated*, and withdraws them when the
//! registration goes away; [`active_worker_for`] runs
//! [Match Service Worker Registration] over them.
//!
//! This directory is process-wide, so it answers in Servo's default
//! single-process mode. In multiprocess mode the answer must come from the
//! manager over IPC; the message is designed in `docs/active-worker-query.md`
//! of this crate and needs a `servo-net-traits` change (the manager's network
//! channel carries `CustomResponseMediator` only), which is deferred so that
//! it is batched with the other net-traits changes in one rebuild.
//!
//! [Match Service Worker Registration]: https://w3c.github.io/ServiceWorker/#scope-match-algorithm

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

use log::debug;
use url::Url;

/// A registration's active worker as the network side sees it.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ActiveWorker {
    /// <https://w3c.github.io/ServiceWorker/#dfn-scope-url>
    pub scope_url: Url,
    /// <https://w3c.github.io/ServiceWorker/#dfn-script-url>
    pub script_url: Url,
    /// An identifier of the worker, unique in the process (Servo's
    /// `ServiceWorkerId`, formatted).
    pub worker_id: String,
}

/// Registered scopes, by serialized scope URL.
#[derive(Debug, Default)]
pub struct Directory {
    entries: BTreeMap<String, ActiveWorker>,
}

impl Directory {
    /// Records `worker` as the active worker of its scope (replacing any).
    pub fn publish(&mut self, worker: ActiveWorker) {
        debug!(
            "active service worker {} for scope {}",
            worker.worker_id, worker.scope_url
        );
        self.entries.insert(worker.scope_url.to_string(), worker);
    }

    /// Forgets the scope's registration.
    pub fn withdraw(&mut self, scope_url: &Url) {
        self.entries.remove(scope_url.as_str());
    }

    /// <https://w3c.github.io/ServiceWorker/#scope-match-algorithm>
    pub fn lookup(&self, url: &Url) -> Option<ActiveWorker> {
        // Step 1-3 (storage key and URL serialization): the scopes of every
        // origin are here; a scope only matches URLs of its own origin
        // because the serialized scope includes the origin.
        let client_url = url.as_str();
        // Step 4-5. For each scopeURL of the registration map's keys, if the
        // serialized scope URL is a prefix of clientURL's serialization, keep
        // the longest.
        self.entries
            .iter()
            .filter(|(scope, _)| client_url.starts_with(scope.as_str()))
            .max_by_key(|(scope, _)| scope.len())
            .filter(|(_, worker)| worker.scope_url.origin() == url.origin())
            .map(|(_, worker)| worker.clone())
    }
}

fn global() -> MutexGuard<'static, Directory> {
    static DIRECTORY: OnceLock<Mutex<Directory>> = OnceLock::new();
    let mutex = DIRECTORY.get_or_init(Default::default);
    // A panic while holding the lock leaves a consistent map (every method
    // is a single insert, remove or read), so poisoning is ignored.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Publishes `worker` as its scope's activated active worker.
pub fn publish(worker: ActiveWorker) {
    global().publish(worker)
}

/// The scope's registration is gone (unregistered, or its worker failed).
pub fn withdraw(scope_url: &Url) {
    global().withdraw(scope_url)
}

/// The active worker whose registration's scope matches `url`, if any.
pub fn active_worker_for(url: &Url) -> Option<ActiveWorker> {
    global().lookup(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(scope: &str, id: &str) -> ActiveWorker {
        let scope_url = Url::parse(scope).unwrap();
        ActiveWorker {
            script_url: scope_url.join("sw.js").unwrap(),
            scope_url,
            worker_id: id.to_owned(),
        }
    }

    #[test]
    fn longest_scope_wins() {
        let mut directory = Directory::default();
        directory.publish(worker("http://127.0.0.1:8000/", "root"));
        directory.publish(worker("http://127.0.0.1:8000/fonts/", "fonts"));
        let lookup = |url: &str| {
            directory
                .lookup(&Url::parse(url).unwrap())
                .map(|worker| worker.worker_id)
        };
        assert_eq!(
            lookup("http://127.0.0.1:8000/fonts/a.woff").as_deref(),
            Some("fonts")
        );
        assert_eq!(
            lookup("http://127.0.0.1:8000/img/a.png").as_deref(),
            Some("root")
        );
        assert_eq!(lookup("http://127.0.0.1:8001/fonts/a.woff"), None);
        assert_eq!(lookup("http://localhost:8000/"), None);
    }

    #[test]
    fn withdraw_forgets() {
        let mut directory = Directory::default();
        directory.publish(worker("https://a.test/x/", "x"));
        directory.withdraw(&Url::parse("https://a.test/x/").unwrap());
        assert_eq!(
            directory.lookup(&Url::parse("https://a.test/x/y").unwrap()),
            None
        );
    }

    #[test]
    fn process_wide_functions() {
        publish(worker("https://process.test/scope/", "p"));
        let url = Url::parse("https://process.test/scope/page").unwrap();
        assert_eq!(
            active_worker_for(&url).map(|w| w.worker_id).as_deref(),
            Some("p")
        );
        withdraw(&Url::parse("https://process.test/scope/").unwrap());
        assert_eq!(active_worker_for(&url), None);
    }
}
