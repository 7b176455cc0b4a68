/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The registrations net consults for every eligible request (docs/feature.md §4,
//! "Match Service Worker for Foreign Fetch" and the worker checks of "Handle
//! Foreign Fetch"), keyed by a [`PartitionKey`].
//!
//! Lookup is a longest-prefix search in an ordered map of scope strings per
//! partition, so it costs O(log n) string comparisons (a few more when scopes
//! share long prefixes) instead of the spec's scan over every scope.
//! [`lookup_linear`] is that scan, kept as the reference the tests and the
//! benchmark compare against.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::messages::RegistryUpdate;
pub use crate::options::{AllowedOrigins, ForeignFetchConfig};
use crate::origin::Origin;
use crate::scope_match::{self, scope_key};

/// Which storage partition a registration lives in (docs/feature.md §6).
///
/// Today Servo does not partition service workers, and every registration is
/// [`PartitionKey::Unpartitioned`]. With partitioning on, a registration made
/// while browsing a top-level site only serves requests made under that same
/// top-level site; the worker's origin is part of the registration already.
#[derive(Clone, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum PartitionKey {
    /// One shared partition (no double-keying).
    #[default]
    Unpartitioned,
    /// The partition of a top-level site, given as the serialization of its
    /// scheme and registrable domain (e.g. `https://example.com`); computing
    /// it (with the public suffix list) is the caller's job.
    TopLevelSite(String),
}

/// Identifies a registration across processes (assigned by whoever owns the
/// registrations, e.g. the service worker manager).
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize)]
pub struct RegistrationId(pub u64);

/// The [state](https://w3c.github.io/ServiceWorker/#dfn-state) of the worker
/// whose foreign fetch configuration a registration holds.
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum WorkerState {
    /// Not active yet: no request is routed to it.
    Installing,
    /// Installed, waiting: no request is routed to it.
    Installed,
    /// Active; Handle Foreign Fetch waits for "activated" before dispatching.
    Activating,
    /// Active.
    Activated,
    /// Replaced or unregistered: no request is routed to it.
    Redundant,
}

impl WorkerState {
    /// Whether the registration has an *active worker* in this state.
    pub fn is_active(self) -> bool {
        matches!(self, WorkerState::Activating | WorkerState::Activated)
    }
}

/// A service worker registration as foreign fetch sees it.
///
/// Registrations without foreign fetch scopes are kept too: a longer
/// registration scope without foreign fetch hides a shorter one that has it,
/// exactly as Match Service Worker Registration picks the longest scope.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct ForeignFetchRegistration {
    /// The registration's id.
    pub id: RegistrationId,
    /// The registration's [scope URL](https://w3c.github.io/ServiceWorker/#dfn-scope-url)
    /// (its fragment is ignored).
    pub scope: Url,
    /// The origin of the registration and its workers.
    pub worker_origin: Origin,
    /// The active worker's *list of foreign fetch scopes* (empty: no foreign
    /// fetch).
    pub foreign_scopes: Vec<Url>,
    /// The active worker's *list of foreign fetch origins*.
    pub origins: AllowedOrigins,
    /// The state of that worker.
    pub state: WorkerState,
}

impl ForeignFetchRegistration {
    /// A registration for `scope` whose worker, in `state`, has the foreign
    /// fetch configuration `config` (from [`crate::options::validate`]).
    pub fn new(
        id: RegistrationId,
        scope: Url,
        config: ForeignFetchConfig,
        state: WorkerState,
    ) -> ForeignFetchRegistration {
        ForeignFetchRegistration {
            id,
            worker_origin: Origin::from_url(&scope),
            scope,
            foreign_scopes: config.scopes,
            origins: config.origins,
            state,
        }
    }

    /// A registration whose active worker (if any) has no foreign fetch
    /// configuration: it serves no foreign request, but its scope still
    /// hides shorter ones (Match Service Worker Registration picks the
    /// longest scope).
    pub fn without_foreign_fetch(
        id: RegistrationId,
        scope: Url,
        state: WorkerState,
    ) -> ForeignFetchRegistration {
        ForeignFetchRegistration {
            id,
            worker_origin: Origin::from_url(&scope),
            scope,
            foreign_scopes: Vec::new(),
            origins: AllowedOrigins::Any,
            state,
        }
    }

    /// Whether the worker registered foreign fetch scopes at all.
    pub fn has_foreign_fetch(&self) -> bool {
        !self.foreign_scopes.is_empty()
    }

    /// The steps of Handle Foreign Fetch that follow the match, for the
    /// registration [Match Service Worker Registration](https://w3c.github.io/ServiceWorker/#scope-match-algorithm)
    /// returned for `request_url`.
    fn serves(&self, request_url: &str, request_origin: &Origin) -> bool {
        // Match Service Worker for Foreign Fetch, step 4. Let worker be
        // registration's active worker.
        // Step 5. If worker is null, return null.
        if !self.state.is_active() {
            return false;
        }
        // Step 6. Let requestURLString be the serialized requestURL.
        // Step 7. For each URL scope in worker's list of foreign fetch scopes:
        // Step 7.1. Let scopeString be the serialized scope.
        // Step 7.2. If requestURLString starts with scopeString return worker.
        // Step 8. Return null.
        if !self
            .foreign_scopes
            .iter()
            .any(|scope| request_url.starts_with(scope.as_str()))
        {
            return false;
        }
        // Handle Foreign Fetch, step 8. If activeWorker's origin is the same
        // as request's origin, return null.
        if self.worker_origin.same_origin(request_origin) {
            return false;
        }
        // Steps 9 to 11: the worker's list of foreign fetch origins is empty
        // or contains request's origin.
        self.origins.allows(request_origin)
    }
}

/// The registrations of one partition.
#[derive(Clone, Debug, Default)]
struct Partition {
    /// Every registration, by scope key.
    by_scope: BTreeMap<String, ForeignFetchRegistration>,
    /// How many registrations with foreign fetch scopes each origin has.
    foreign_per_origin: HashMap<Origin, usize>,
}

impl Partition {
    /// [Match Service Worker Registration](https://w3c.github.io/ServiceWorker/#scope-match-algorithm),
    /// step 5: "Set matchingScopeString to the longest value in
    /// scopeStringSet which the value of clientURLString starts with, if it
    /// exists."
    ///
    /// Every prefix of `url` sorts at or before `url`, so the longest one is
    /// among the keys at or before it. If the greatest such key is not a
    /// prefix, it shares some `n` leading bytes with `url`, and no key longer
    /// than `n` can be a prefix (it would sort between that key and `url`),
    /// so the search continues with the first `n` bytes of `url`.
    fn longest_match(&self, url: &str) -> Option<&ForeignFetchRegistration> {
        let mut query = url;
        loop {
            let (key, registration) = self
                .by_scope
                .range::<str, _>((Bound::Unbounded, Bound::Included(query)))
                .next_back()?;
            if query.starts_with(key.as_str()) {
                return Some(registration);
            }
            let common = common_prefix_len(key.as_bytes(), query.as_bytes());
            // `common` < query.len(), so the query shrinks on every turn.
            query = floor_char_boundary(query, common);
            if query.is_empty() {
                return None;
            }
        }
    }

    fn count_foreign(&mut self, registration: &ForeignFetchRegistration, delta: isize) {
        if !registration.has_foreign_fetch() {
            return;
        }
        let count = self
            .foreign_per_origin
            .entry(registration.worker_origin.clone())
            .or_insert(0);
        *count = count.saturating_add_signed(delta);
        if *count == 0 {
            self.foreign_per_origin.remove(&registration.worker_origin);
        }
    }
}

fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn floor_char_boundary(s: &str, mut index: usize) -> &str {
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    &s[..index]
}

/// All foreign fetch registrations, by partition.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    partitions: HashMap<PartitionKey, Partition>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Adds `registration` to the partition `key`, replacing (and returning)
    /// the registration with the same scope, if any.
    pub fn insert(
        &mut self,
        key: PartitionKey,
        registration: ForeignFetchRegistration,
    ) -> Option<ForeignFetchRegistration> {
        let partition = self.partitions.entry(key).or_default();
        partition.count_foreign(&registration, 1);
        let previous = partition
            .by_scope
            .insert(scope_key(&registration.scope).to_owned(), registration);
        if let Some(previous) = &previous {
            partition.count_foreign(previous, -1);
        }
        previous
    }

    /// Removes the registration for `scope` from the partition `key`.
    pub fn remove(&mut self, key: &PartitionKey, scope: &Url) -> Option<ForeignFetchRegistration> {
        let partition = self.partitions.get_mut(key)?;
        let removed = partition.by_scope.remove(scope_key(scope))?;
        partition.count_foreign(&removed, -1);
        if partition.by_scope.is_empty() {
            self.partitions.remove(key);
        }
        Some(removed)
    }

    /// The registration for exactly `scope` (Get Registration).
    pub fn get(&self, key: &PartitionKey, scope: &Url) -> Option<&ForeignFetchRegistration> {
        self.partitions.get(key)?.by_scope.get(scope_key(scope))
    }

    /// Records a new state for the worker of the registration for `scope`.
    /// Returns whether there was such a registration.
    pub fn set_state(&mut self, key: &PartitionKey, scope: &Url, state: WorkerState) -> bool {
        let Some(registration) = self
            .partitions
            .get_mut(key)
            .and_then(|partition| partition.by_scope.get_mut(scope_key(scope)))
        else {
            return false;
        };
        registration.state = state;
        true
    }

    /// Replaces the foreign fetch configuration of the registration for
    /// `scope` (when a newly activated worker brings its own). Returns whether
    /// there was such a registration.
    pub fn set_config(
        &mut self,
        key: &PartitionKey,
        scope: &Url,
        config: ForeignFetchConfig,
    ) -> bool {
        let Some(mut registration) = self.remove(key, scope) else {
            return false;
        };
        registration.foreign_scopes = config.scopes;
        registration.origins = config.origins;
        self.insert(key.clone(), registration);
        true
    }

    /// Applies what the owner of the registrations (the service worker
    /// manager) says changed, so that this copy stays equal to its
    /// registrations.
    pub fn apply(&mut self, update: RegistryUpdate) {
        match update {
            RegistryUpdate::Set { key, registration } => {
                self.insert(key, registration);
            },
            RegistryUpdate::Remove { key, scope } => {
                self.remove(&key, &scope);
            },
        }
    }

    /// How many registrations there are, over all partitions.
    pub fn len(&self) -> usize {
        self.partitions
            .values()
            .map(|partition| partition.by_scope.len())
            .sum()
    }

    /// Whether there are no registrations at all.
    pub fn is_empty(&self) -> bool {
        self.partitions.is_empty()
    }

    /// Every registration with its partition key.
    pub fn iter(&self) -> impl Iterator<Item = (&PartitionKey, &ForeignFetchRegistration)> {
        self.partitions.iter().flat_map(|(key, partition)| {
            partition
                .by_scope
                .values()
                .map(move |registration| (key, registration))
        })
    }

    /// A cheap pre-check before building a request snapshot: whether any
    /// registration in partition `key` whose worker has `origin` registered
    /// foreign fetch scopes. Pass the origin of the request URL.
    pub fn has_foreign_registrations(&self, key: &PartitionKey, origin: &Origin) -> bool {
        self.partitions
            .get(key)
            .is_some_and(|partition| partition.foreign_per_origin.contains_key(origin))
    }

    /// [Match Service Worker Registration](https://w3c.github.io/ServiceWorker/#scope-match-algorithm)
    /// for `url` in partition `key`: the registration with the longest scope
    /// that the serialized `url` starts with.
    pub fn match_registration(
        &self,
        key: &PartitionKey,
        url: &Url,
    ) -> Option<&ForeignFetchRegistration> {
        self.partitions.get(key)?.longest_match(url.as_str())
    }

    /// The foreign fetch worker for a request to `request_url` from
    /// `request_origin` in partition `key`: [Match Service Worker for Foreign Fetch](https://w3c.github.io/ServiceWorker/#foreign-fetch-scope-match-algorithm)
    /// and steps 6 to 11 of [Handle Foreign Fetch](https://w3c.github.io/ServiceWorker/#on-foreign-fetch-request-algorithm).
    ///
    /// Only call it for requests that passed [`crate::eligibility::check`].
    /// A returned registration may be [`WorkerState::Activating`]: step 7 says
    /// to wait for "activated" before dispatching.
    pub fn lookup(
        &self,
        key: &PartitionKey,
        request_url: &Url,
        request_origin: &Origin,
    ) -> Option<&ForeignFetchRegistration> {
        // Match Service Worker for Foreign Fetch, step 2. Let registration be
        // the result of running the Match Service Worker Registration
        // algorithm passing requestURL as the argument.
        // Step 3. If registration is null, return null.
        let registration = self.match_registration(key, request_url)?;
        registration
            .serves(request_url.as_str(), request_origin)
            .then_some(registration)
    }
}

/// The reference implementation of [`Registry::lookup`]: the spec's
/// algorithms as written, scanning every registration. For tests and
/// benchmarks only.
pub fn lookup_linear<'a>(
    registrations: &'a [(PartitionKey, ForeignFetchRegistration)],
    key: &PartitionKey,
    request_url: &Url,
    request_origin: &Origin,
) -> Option<&'a ForeignFetchRegistration> {
    let (_, registration) = scope_match::match_registration(
        registrations
            .iter()
            .filter(|(partition, _)| partition == key)
            .map(|(_, registration)| (&registration.scope, registration)),
        request_url,
    )?;
    let url = request_url.as_str();
    registration
        .serves(url, request_origin)
        .then_some(registration)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn origin(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }

    fn registration(
        id: u64,
        scope: &str,
        foreign: &[&str],
        origins: AllowedOrigins,
    ) -> ForeignFetchRegistration {
        ForeignFetchRegistration::new(
            RegistrationId(id),
            url(scope),
            ForeignFetchConfig {
                scopes: foreign.iter().map(|s| url(s)).collect(),
                origins,
            },
            WorkerState::Activated,
        )
    }

    fn page() -> Origin {
        origin("https://page.test")
    }

    fn registry(registrations: Vec<ForeignFetchRegistration>) -> Registry {
        let mut registry = Registry::new();
        for registration in registrations {
            registry.insert(PartitionKey::Unpartitioned, registration);
        }
        registry
    }

    fn lookup_id(registry: &Registry, request: &str, from: &Origin) -> Option<u64> {
        let found = registry
            .lookup(&PartitionKey::Unpartitioned, &url(request), from)
            .map(|registration| registration.id.0);
        // Always agree with the reference implementation.
        let all: Vec<_> = registry
            .iter()
            .map(|(k, r)| (k.clone(), r.clone()))
            .collect();
        let linear = lookup_linear(&all, &PartitionKey::Unpartitioned, &url(request), from)
            .map(|registration| registration.id.0);
        assert_eq!(found, linear, "{request}");
        found
    }

    #[test]
    fn wildcard_origin_intercepts_inside_the_foreign_scope_only() {
        let registry = registry(vec![registration(
            1,
            "https://cdn.test/ff/",
            &["https://cdn.test/ff/intercept"],
            AllowedOrigins::Any,
        )]);
        assert_eq!(
            lookup_id(
                &registry,
                "https://cdn.test/ff/intercept/foo?basic",
                &page()
            ),
            Some(1)
        );
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/ff/foo?basic", &page()),
            None
        );
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/other", &page()),
            None
        );
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/ff/intercept", &Origin::Opaque),
            Some(1)
        );
    }

    #[test]
    fn origin_list() {
        let registry = registry(vec![registration(
            1,
            "https://cdn.test/",
            &["https://cdn.test/"],
            AllowedOrigins::List(vec![page(), origin("https://example.com")]),
        )]);
        assert_eq!(lookup_id(&registry, "https://cdn.test/x", &page()), Some(1));
        assert_eq!(
            lookup_id(
                &registry,
                "https://cdn.test/x",
                &origin("https://example.com")
            ),
            Some(1)
        );
        assert_eq!(
            lookup_id(
                &registry,
                "https://cdn.test/x",
                &origin("https://other.test")
            ),
            None
        );
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/x", &Origin::Opaque),
            None
        );
    }

    #[test]
    fn same_origin_requests_are_not_served() {
        let registry = registry(vec![registration(
            1,
            "https://cdn.test/",
            &["https://cdn.test/"],
            AllowedOrigins::Any,
        )]);
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/x", &origin("https://cdn.test")),
            None
        );
    }

    #[test]
    fn longest_registration_scope_wins_even_without_foreign_fetch() {
        let registry = registry(vec![
            registration(
                1,
                "https://cdn.test/",
                &["https://cdn.test/"],
                AllowedOrigins::Any,
            ),
            registration(2, "https://cdn.test/a/", &[], AllowedOrigins::Any),
            registration(
                3,
                "https://cdn.test/a/b/",
                &["https://cdn.test/a/b/"],
                AllowedOrigins::Any,
            ),
        ]);
        assert_eq!(lookup_id(&registry, "https://cdn.test/x", &page()), Some(1));
        // The /a/ registration has no foreign fetch, and hides the / one.
        assert_eq!(lookup_id(&registry, "https://cdn.test/a/x", &page()), None);
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/a/b/x", &page()),
            Some(3)
        );
        // String prefixes, not path segments.
        assert_eq!(lookup_id(&registry, "https://cdn.test/a/bc", &page()), None);
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/ab", &page()),
            Some(1)
        );
        assert_eq!(
            registry
                .match_registration(&PartitionKey::Unpartitioned, &url("https://cdn.test/a/x"))
                .map(|r| r.id.0),
            Some(2)
        );
    }

    #[test]
    fn longest_match_backtracks_over_non_prefix_keys() {
        let registry = registry(vec![
            registration(
                1,
                "https://cdn.test/a",
                &["https://cdn.test/a"],
                AllowedOrigins::Any,
            ),
            registration(
                2,
                "https://cdn.test/a/b",
                &["https://cdn.test/a/b"],
                AllowedOrigins::Any,
            ),
            registration(
                3,
                "https://cdn.test/a/b/c/d",
                &["https://cdn.test/a/b/c/d"],
                AllowedOrigins::Any,
            ),
            registration(
                4,
                "https://cdn.test/a/bb",
                &["https://cdn.test/a/bb"],
                AllowedOrigins::Any,
            ),
        ]);
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/a/b/c/e", &page()),
            Some(2)
        );
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/a/c", &page()),
            Some(1)
        );
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/a/bz", &page()),
            Some(2)
        );
        assert_eq!(lookup_id(&registry, "https://cdn.test/", &page()), None);
        assert_eq!(lookup_id(&registry, "https://cdn.tesu/a", &page()), None);
    }

    #[test]
    fn inactive_workers_are_not_served() {
        let mut registry = registry(vec![registration(
            1,
            "https://cdn.test/",
            &["https://cdn.test/"],
            AllowedOrigins::Any,
        )]);
        let scope = url("https://cdn.test/");
        for state in [
            WorkerState::Installing,
            WorkerState::Installed,
            WorkerState::Redundant,
        ] {
            assert!(registry.set_state(&PartitionKey::Unpartitioned, &scope, state));
            assert_eq!(lookup_id(&registry, "https://cdn.test/x", &page()), None);
        }
        assert!(registry.set_state(
            &PartitionKey::Unpartitioned,
            &scope,
            WorkerState::Activating
        ));
        assert_eq!(lookup_id(&registry, "https://cdn.test/x", &page()), Some(1));
        assert!(!registry.set_state(
            &PartitionKey::Unpartitioned,
            &url("https://x.test/"),
            WorkerState::Activated
        ));
    }

    #[test]
    fn partitions_are_separate() {
        let mut registry = Registry::new();
        let site = PartitionKey::TopLevelSite("https://page.test".to_owned());
        registry.insert(
            site.clone(),
            registration(
                1,
                "https://cdn.test/",
                &["https://cdn.test/"],
                AllowedOrigins::Any,
            ),
        );
        let request = url("https://cdn.test/x");
        assert_eq!(
            registry.lookup(&site, &request, &page()).map(|r| r.id.0),
            Some(1)
        );
        assert!(
            registry
                .lookup(&PartitionKey::Unpartitioned, &request, &page())
                .is_none()
        );
        let other = PartitionKey::TopLevelSite("https://other.test".to_owned());
        assert!(registry.lookup(&other, &request, &page()).is_none());
        assert!(registry.has_foreign_registrations(&site, &origin("https://cdn.test")));
        assert!(!registry.has_foreign_registrations(&other, &origin("https://cdn.test")));
    }

    #[test]
    fn pre_check_counts_only_foreign_fetch_registrations() {
        let mut registry = registry(vec![
            registration(
                1,
                "https://cdn.test/a/",
                &["https://cdn.test/a/"],
                AllowedOrigins::Any,
            ),
            registration(
                2,
                "https://cdn.test/b/",
                &["https://cdn.test/b/"],
                AllowedOrigins::Any,
            ),
            registration(3, "https://plain.test/", &[], AllowedOrigins::Any),
        ]);
        let key = PartitionKey::Unpartitioned;
        assert!(registry.has_foreign_registrations(&key, &origin("https://cdn.test")));
        assert!(!registry.has_foreign_registrations(&key, &origin("https://plain.test")));
        assert!(!registry.has_foreign_registrations(&key, &origin("https://cdn.test:8443")));
        registry.remove(&key, &url("https://cdn.test/a/"));
        assert!(registry.has_foreign_registrations(&key, &origin("https://cdn.test")));
        // Replacing a registration with one without foreign fetch.
        registry.insert(
            key.clone(),
            registration(2, "https://cdn.test/b/", &[], AllowedOrigins::Any),
        );
        assert!(!registry.has_foreign_registrations(&key, &origin("https://cdn.test")));
        // And giving a registration foreign fetch later.
        assert!(registry.set_config(
            &key,
            &url("https://plain.test/"),
            ForeignFetchConfig {
                scopes: vec![url("https://plain.test/x")],
                origins: AllowedOrigins::Any,
            }
        ));
        assert!(registry.has_foreign_registrations(&key, &origin("https://plain.test")));
        assert_eq!(registry.len(), 2);
    }

    #[test]
    fn updates_keep_the_copy_equal_to_the_owners() {
        let mut registry = Registry::new();
        let page = page();
        registry.apply(RegistryUpdate::Set {
            key: PartitionKey::Unpartitioned,
            registration: registration(
                1,
                "https://cdn.test/",
                &["https://cdn.test/fonts/"],
                AllowedOrigins::Any,
            ),
        });
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/fonts/a.woff", &page),
            Some(1)
        );
        // The active worker is replaced by one without foreign fetch.
        registry.apply(RegistryUpdate::Set {
            key: PartitionKey::Unpartitioned,
            registration: ForeignFetchRegistration::without_foreign_fetch(
                RegistrationId(1),
                url("https://cdn.test/"),
                WorkerState::Activated,
            ),
        });
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/fonts/a.woff", &page),
            None
        );
        assert!(
            !registry.has_foreign_registrations(
                &PartitionKey::Unpartitioned,
                &origin("https://cdn.test")
            )
        );
        assert_eq!(registry.len(), 1);
        registry.apply(RegistryUpdate::Remove {
            key: PartitionKey::Unpartitioned,
            scope: url("https://cdn.test/"),
        });
        assert!(registry.is_empty());
    }

    #[test]
    fn insert_replaces_and_remove_empties() {
        let mut registry = Registry::new();
        let key = PartitionKey::Unpartitioned;
        assert!(registry.is_empty());
        assert!(
            registry
                .insert(
                    key.clone(),
                    registration(1, "https://cdn.test/", &[], AllowedOrigins::Any)
                )
                .is_none()
        );
        let previous = registry.insert(
            key.clone(),
            registration(2, "https://cdn.test/#frag", &[], AllowedOrigins::Any),
        );
        assert_eq!(previous.map(|r| r.id.0), Some(1));
        assert_eq!(registry.len(), 1);
        assert_eq!(
            registry
                .get(&key, &url("https://cdn.test/"))
                .map(|r| r.id.0),
            Some(2)
        );
        assert!(registry.remove(&key, &url("https://cdn.test/")).is_some());
        assert!(registry.is_empty());
        assert!(registry.remove(&key, &url("https://cdn.test/")).is_none());
    }

    #[test]
    fn request_url_with_credentials_does_not_match_plain_scopes() {
        let registry = registry(vec![registration(
            1,
            "https://cdn.test/",
            &["https://cdn.test/"],
            AllowedOrigins::Any,
        )]);
        assert_eq!(
            lookup_id(&registry, "https://user@cdn.test/x", &page()),
            None
        );
    }
}
