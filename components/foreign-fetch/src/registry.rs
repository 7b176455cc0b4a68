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
//!
//! The registry also remembers which registration controls each client
//! ([Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch): a
//! navigation sets its reserved client's active service worker, a
//! subresource request is offered to its client's), by [`ClientKey`].

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
/// With partitioning off (Servo's `dom_serviceworker_partitioned`, off by
/// default), every registration is [`PartitionKey::Unpartitioned`]. With it
/// on, a registration made while browsing a top-level site only serves
/// requests made under that same top-level site; the worker's origin is part
/// of the registration already.
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

impl PartitionKey {
    /// The partition of a client whose top-level site is `top_level_site`
    /// when partitioning is on, `None` when it is off.
    pub fn of(top_level_site: Option<&str>) -> PartitionKey {
        match top_level_site {
            Some(site) => PartitionKey::TopLevelSite(site.to_owned()),
            None => PartitionKey::Unpartitioned,
        }
    }
}

/// Identifies a registration across processes (assigned by whoever owns the
/// registrations, e.g. the service worker manager).
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize)]
pub struct RegistrationId(pub u64);

/// Identifies a [service worker client](https://w3c.github.io/ServiceWorker/#dfn-service-worker-client)
/// across processes: the engine's id of the document (its pipeline), as a
/// number (see `foreign_fetch_net::client_key`). A document's dedicated and
/// shared workers fetch with their owner's key.
pub type ClientKey = u64;

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
    /// Who the active worker is, for [Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch)
    /// and a controlled client's `navigator.serviceWorker.controller`
    /// (`None` until the manager says).
    #[serde(default)]
    pub active_worker: Option<ActiveWorker>,
}

/// A registration's active worker, as Handle Fetch needs it.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct ActiveWorker {
    /// The engine's id of the worker, as a number (servo-script's
    /// `ServiceWorkerId`, see `foreign_fetch_net::worker_key`).
    pub key: u64,
    /// The worker's script URL.
    pub script_url: Url,
    /// Whether the worker's [set of event types to handle](https://w3c.github.io/ServiceWorker/#dfn-set-of-event-types-to-handle)
    /// contains `fetch`: if not, Handle Fetch sends it nothing.
    pub handles_fetch: bool,
}

/// The service worker that controls a client: what a navigation's response
/// tells the document it creates (`navigator.serviceWorker.controller`).
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct Controller {
    /// The registration.
    pub registration_id: RegistrationId,
    /// The registration's scope URL.
    pub scope: Url,
    /// Its active worker.
    pub worker: ActiveWorker,
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
            active_worker: None,
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
            active_worker: None,
        }
    }

    /// The registration with `worker` as its active worker (the manager
    /// says who it is once it runs).
    pub fn with_active_worker(mut self, worker: ActiveWorker) -> ForeignFetchRegistration {
        self.active_worker = Some(worker);
        self
    }

    /// Match Service Worker for Foreign Fetch, steps 4 to 8: whether the
    /// registration has an active worker one of whose foreign fetch scopes
    /// the serialized `request_url` starts with.
    fn in_foreign_scope(&self, request_url: &str) -> bool {
        // Step 4. Let worker be registration's active worker.
        // Step 5. If worker is null, return null.
        if !self.state.is_active() {
            return false;
        }
        // Step 6. Let requestURLString be the serialized requestURL.
        // Step 7. For each URL scope in worker's list of foreign fetch scopes:
        // Step 7.1. Let scopeString be the serialized scope.
        // Step 7.2. If requestURLString starts with scopeString return worker.
        // Step 8. Return null.
        self.foreign_scopes
            .iter()
            .any(|scope| request_url.starts_with(scope.as_str()))
    }

    /// Whether the worker registered foreign fetch scopes at all.
    pub fn has_foreign_fetch(&self) -> bool {
        !self.foreign_scopes.is_empty()
    }

    /// The registration's [active worker](https://w3c.github.io/ServiceWorker/#dfn-active-worker),
    /// if there is one: the worker is known and its state is "activating"
    /// or "activated".
    pub fn active(&self) -> Option<&ActiveWorker> {
        self.active_worker
            .as_ref()
            .filter(|_| self.state.is_active())
    }

    /// The service worker a client this registration controls has as its
    /// [active service worker](https://w3c.github.io/ServiceWorker/#environment-settings-object-active-service-worker):
    /// `None` when the registration has no active worker.
    pub fn controller_info(&self) -> Option<Controller> {
        let worker = self.active()?;
        Some(Controller {
            registration_id: self.id,
            scope: self.scope.clone(),
            worker: worker.clone(),
        })
    }

    /// The steps of Handle Foreign Fetch that follow the match, for the
    /// registration [Match Service Worker Registration](https://w3c.github.io/ServiceWorker/#scope-match-algorithm)
    /// returned for `request_url`.
    fn serves(&self, request_url: &str, request_origin: &Origin) -> bool {
        if !self.in_foreign_scope(request_url) {
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

/// All registrations, by partition, and the clients they control.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    partitions: HashMap<PartitionKey, Partition>,
    /// Where each registration is: its partition and scope key.
    by_id: HashMap<RegistrationId, (PartitionKey, String)>,
    /// The registration whose active worker controls each client.
    controllers: HashMap<ClientKey, RegistrationId>,
    /// What `Clients.get()` and `matchAll()` tell of each controlled client.
    client_infos: HashMap<ClientKey, ClientInfo>,
}

/// A controlled client as its controller's `Clients` object lists it
/// (<https://w3c.github.io/ServiceWorker/#client-interface>).
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct ClientInfo {
    /// [`Client.id`](https://w3c.github.io/ServiceWorker/#dom-client-id):
    /// the same id as `FetchEvent.clientId`.
    pub id: String,
    /// [`Client.url`](https://w3c.github.io/ServiceWorker/#dom-client-url):
    /// the URL of the client's document.
    pub url: Url,
    /// [`Client.frameType`](https://w3c.github.io/ServiceWorker/#dom-client-frametype).
    pub frame_type: FrameType,
}

/// A window client's [frame type](https://w3c.github.io/ServiceWorker/#dfn-service-worker-client-frame-type).
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum FrameType {
    /// `"top-level"`
    TopLevel,
    /// `"nested"`
    Nested,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Adds `registration` to the partition `key`, replacing (and returning)
    /// the registration with the same scope, if any.
    ///
    /// A replaced registration with another id is gone: the clients it
    /// controlled are no longer controlled.
    pub fn insert(
        &mut self,
        key: PartitionKey,
        registration: ForeignFetchRegistration,
    ) -> Option<ForeignFetchRegistration> {
        let scope = scope_key(&registration.scope).to_owned();
        let id = registration.id;
        let partition = self.partitions.entry(key.clone()).or_default();
        partition.count_foreign(&registration, 1);
        let previous = partition.by_scope.insert(scope.clone(), registration);
        if let Some(previous) = &previous {
            partition.count_foreign(previous, -1);
        }
        let location = (key, scope);
        if let Some(previous) = &previous
            && previous.id != id
            && self.unindex(previous.id, &location)
        {
            self.forget_clients(previous.id);
        }
        self.by_id.insert(id, location);
        previous
    }

    /// Removes the registration for `scope` from the partition `key`; the
    /// clients it controlled are no longer controlled.
    ///
    /// (The spec keeps a client controlled by an unregistered registration
    /// until the client goes away; the manager forgets the registration at
    /// once, so its clients fall back to the network.)
    pub fn remove(&mut self, key: &PartitionKey, scope: &Url) -> Option<ForeignFetchRegistration> {
        let removed = self.take(key, scope)?;
        if !self.by_id.contains_key(&removed.id) {
            self.forget_clients(removed.id);
        }
        Some(removed)
    }

    /// Removes the registration for `scope` from the partition `key`, and
    /// from the index by id, but not from the controllers of its clients.
    fn take(&mut self, key: &PartitionKey, scope: &Url) -> Option<ForeignFetchRegistration> {
        let partition = self.partitions.get_mut(key)?;
        let scope = scope_key(scope);
        let (scope, removed) = partition.by_scope.remove_entry(scope)?;
        partition.count_foreign(&removed, -1);
        if partition.by_scope.is_empty() {
            self.partitions.remove(key);
        }
        self.unindex(removed.id, &(key.clone(), scope));
        Some(removed)
    }

    /// Forgets where the registration `id` is if it is at `location` (a
    /// registration that moved to another scope stays known). Returns
    /// whether it did.
    fn unindex(&mut self, id: RegistrationId, location: &(PartitionKey, String)) -> bool {
        if self.by_id.get(&id) != Some(location) {
            return false;
        }
        self.by_id.remove(&id);
        true
    }

    /// The clients the registration `id` controlled are no longer
    /// controlled (it is gone).
    fn forget_clients(&mut self, id: RegistrationId) {
        let client_infos = &mut self.client_infos;
        self.controllers.retain(|client, controller| {
            let keep = *controller != id;
            if !keep {
                client_infos.remove(client);
            }
            keep
        });
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
        // Not `remove`: the registration stays, and so do its clients.
        let Some(mut registration) = self.take(key, scope) else {
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

    /// Whether a request to `request_url` in partition `key` can be a
    /// foreign fetch at all, whatever its origin: [Match Service Worker for
    /// Foreign Fetch](https://w3c.github.io/ServiceWorker/#foreign-fetch-scope-match-algorithm)
    /// steps 2 to 8 (the registration `url` matches has an active worker
    /// whose foreign fetch scopes contain it). No allocation: a test to make
    /// before the request's other facts are gathered; [`Registry::lookup`]
    /// makes it again.
    pub fn in_foreign_scope(&self, key: &PartitionKey, request_url: &Url) -> bool {
        self.match_registration(key, request_url)
            .is_some_and(|registration| registration.in_foreign_scope(request_url.as_str()))
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

    /// The registration with id `id`, in whichever partition.
    pub fn registration(&self, id: RegistrationId) -> Option<&ForeignFetchRegistration> {
        let (key, scope) = self.by_id.get(&id)?;
        self.partitions.get(key)?.by_scope.get(scope)
    }

    /// Records that the registration `registration` controls `client` (its
    /// active worker is the client's [active service worker](https://w3c.github.io/ServiceWorker/#environment-settings-object-active-service-worker)),
    /// or, with `None` or the id of no registration, that nothing does.
    pub fn set_controller(&mut self, client: ClientKey, registration: Option<RegistrationId>) {
        match registration {
            Some(id) if self.by_id.contains_key(&id) => {
                self.controllers.insert(client, id);
            },
            _ => self.forget_client(client),
        }
    }

    /// What `Clients` tells of a controlled `client` (see
    /// [`Registry::clients_of`]); ignored for a client nothing controls.
    pub fn set_client_info(&mut self, client: ClientKey, info: ClientInfo) {
        if self.controllers.contains_key(&client) {
            self.client_infos.insert(client, info);
        }
    }

    /// The client is gone (its document was discarded): nothing controls it
    /// any more.
    pub fn forget_client(&mut self, client: ClientKey) {
        self.controllers.remove(&client);
        self.client_infos.remove(&client);
    }

    /// The clients the registration `id` controls, as `Clients.matchAll()`
    /// lists them: by client id, so the order does not depend on a hash.
    pub fn clients_of(&self, id: RegistrationId) -> Vec<ClientInfo> {
        let mut clients: Vec<ClientInfo> = self
            .controllers
            .iter()
            .filter(|(_, controller)| **controller == id)
            .filter_map(|(client, _)| self.client_infos.get(client).cloned())
            .collect();
        clients.sort_by(|a, b| a.id.cmp(&b.id));
        clients
    }

    /// The registration that controls `client`, if it still has an active
    /// worker (Handle Fetch for a subresource request: "If client's active
    /// service worker is non-null, set registration to client's active
    /// service worker's containing service worker registration").
    pub fn controller(&self, client: ClientKey) -> Option<&ForeignFetchRegistration> {
        let id = self.controllers.get(&client)?;
        self.registration(*id)
            .filter(|registration| registration.active().is_some())
    }

    /// A cheap pre-check before anything else for a subresource request:
    /// whether any client is controlled at all.
    pub fn has_controlled_clients(&self) -> bool {
        !self.controllers.is_empty()
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
    fn in_foreign_scope_agrees_with_lookup_whatever_the_origin() {
        let mut registry = registry(vec![
            registration(
                1,
                "https://cdn.test/ff/",
                &["https://cdn.test/ff/in/"],
                AllowedOrigins::List(vec![page()]),
            ),
            registration(2, "https://cdn.test/scope/", &[], AllowedOrigins::Any),
        ]);
        let in_scope = |registry: &Registry, request: &str| {
            registry.in_foreign_scope(&PartitionKey::Unpartitioned, &url(request))
        };
        assert!(in_scope(&registry, "https://cdn.test/ff/in/x"));
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/ff/in/x", &page()),
            Some(1)
        );
        // In the scopes, but not for this origin: `lookup` decides that.
        let other = origin("https://other.test");
        assert_eq!(
            lookup_id(&registry, "https://cdn.test/ff/in/x", &other),
            None
        );
        // Outside the foreign fetch scopes, the registration scopes, or in a
        // registration without foreign fetch.
        for request in [
            "https://cdn.test/ff/out",
            "https://cdn.test/r",
            "https://cdn.test/scope/r",
        ] {
            assert!(!in_scope(&registry, request), "{request}");
            assert_eq!(lookup_id(&registry, request, &page()), None, "{request}");
        }
        // No active worker.
        registry.set_state(
            &PartitionKey::Unpartitioned,
            &url("https://cdn.test/ff/"),
            WorkerState::Installing,
        );
        assert!(!in_scope(&registry, "https://cdn.test/ff/in/x"));
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

    fn worker(key: u64, handles_fetch: bool) -> ActiveWorker {
        ActiveWorker {
            key,
            script_url: url("https://app.test/sw.js"),
            handles_fetch,
        }
    }

    fn controlling(id: u64, scope: &str, state: WorkerState) -> ForeignFetchRegistration {
        ForeignFetchRegistration::without_foreign_fetch(RegistrationId(id), url(scope), state)
            .with_active_worker(worker(id * 10, true))
    }

    #[test]
    fn active_worker_and_controller_info() {
        let registration = controlling(1, "https://app.test/", WorkerState::Activated);
        assert_eq!(registration.active(), Some(&worker(10, true)));
        assert_eq!(
            registration.controller_info(),
            Some(Controller {
                registration_id: RegistrationId(1),
                scope: url("https://app.test/"),
                worker: worker(10, true),
            })
        );
        for state in [
            WorkerState::Installing,
            WorkerState::Installed,
            WorkerState::Redundant,
        ] {
            let registration = controlling(1, "https://app.test/", state);
            assert_eq!(registration.active(), None, "{state:?}");
            assert_eq!(registration.controller_info(), None, "{state:?}");
        }
        assert!(
            controlling(1, "https://app.test/", WorkerState::Activating)
                .active()
                .is_some()
        );
        // The manager has not said who the worker is.
        let unknown = ForeignFetchRegistration::without_foreign_fetch(
            RegistrationId(1),
            url("https://app.test/"),
            WorkerState::Activated,
        );
        assert_eq!(unknown.active(), None);
        assert_eq!(unknown.controller_info(), None);
    }

    #[test]
    fn the_clients_of_a_registration_are_its_controlled_clients_with_their_info() {
        let key = PartitionKey::Unpartitioned;
        let mut registry = Registry::new();
        registry.insert(
            key.clone(),
            controlling(1, "https://app.test/", WorkerState::Activated),
        );
        registry.insert(
            key.clone(),
            controlling(2, "https://app.test/b/", WorkerState::Activated),
        );
        let info = |id: &str, path: &str| ClientInfo {
            id: id.to_owned(),
            url: url(&format!("https://app.test/{path}")),
            frame_type: FrameType::Nested,
        };
        // Info for a client nothing controls is not kept.
        registry.set_client_info(5, info("e", "x"));
        registry.set_controller(7, Some(RegistrationId(1)));
        registry.set_client_info(7, info("b", "page"));
        registry.set_controller(6, Some(RegistrationId(1)));
        registry.set_client_info(6, info("a", "other"));
        registry.set_controller(9, Some(RegistrationId(2)));
        registry.set_client_info(9, info("c", "b/page"));
        assert_eq!(
            registry.clients_of(RegistrationId(1)),
            vec![info("a", "other"), info("b", "page")]
        );
        assert_eq!(
            registry.clients_of(RegistrationId(2)),
            vec![info("c", "b/page")]
        );
        // A client that goes away, or navigates out of the scope, is no
        // longer listed.
        registry.forget_client(6);
        registry.set_controller(9, None);
        assert_eq!(
            registry.clients_of(RegistrationId(1)),
            vec![info("b", "page")]
        );
        assert!(registry.clients_of(RegistrationId(2)).is_empty());
        // Nor are the clients of a registration that is removed.
        registry.remove(&key, &url("https://app.test/"));
        assert!(registry.clients_of(RegistrationId(1)).is_empty());
        assert!(!registry.has_controlled_clients());
    }

    #[test]
    fn a_client_is_controlled_while_its_registration_has_an_active_worker() {
        let key = PartitionKey::Unpartitioned;
        let mut registry = Registry::new();
        assert!(!registry.has_controlled_clients());
        registry.insert(
            key.clone(),
            controlling(1, "https://app.test/", WorkerState::Activated),
        );
        assert!(registry.controller(7).is_none());
        registry.set_controller(7, Some(RegistrationId(1)));
        assert!(registry.has_controlled_clients());
        assert_eq!(registry.controller(7).map(|r| r.id.0), Some(1));
        assert!(registry.controller(8).is_none());
        // Another worker became the active one: it controls the clients.
        registry.apply(RegistryUpdate::Set {
            key: key.clone(),
            registration: controlling(1, "https://app.test/", WorkerState::Activated)
                .with_active_worker(worker(11, false)),
        });
        assert_eq!(
            registry.controller(7).and_then(|r| r.active()),
            Some(&worker(11, false))
        );
        // No active worker (redundant, or not known): not controlled, but
        // remembered.
        assert!(registry.set_state(&key, &url("https://app.test/"), WorkerState::Redundant));
        assert!(registry.controller(7).is_none());
        assert!(registry.set_state(&key, &url("https://app.test/"), WorkerState::Activating));
        assert_eq!(registry.controller(7).map(|r| r.id.0), Some(1));
        registry.insert(
            key.clone(),
            ForeignFetchRegistration::without_foreign_fetch(
                RegistrationId(1),
                url("https://app.test/"),
                WorkerState::Activated,
            ),
        );
        assert!(registry.controller(7).is_none());
        assert!(registry.has_controlled_clients());
        // The last navigation of a client wins; `None` forgets it.
        registry.insert(
            key.clone(),
            controlling(1, "https://app.test/", WorkerState::Activated),
        );
        registry.insert(
            key,
            controlling(2, "https://app.test/b/", WorkerState::Activated),
        );
        registry.set_controller(7, Some(RegistrationId(2)));
        assert_eq!(registry.controller(7).map(|r| r.id.0), Some(2));
        registry.set_controller(7, None);
        assert!(registry.controller(7).is_none());
        assert!(!registry.has_controlled_clients());
        // A registration that is gone controls nobody, and is not
        // remembered.
        registry.set_controller(7, Some(RegistrationId(99)));
        assert!(!registry.has_controlled_clients());
    }

    #[test]
    fn removing_a_registration_forgets_its_clients() {
        let key = PartitionKey::Unpartitioned;
        let mut registry = Registry::new();
        registry.insert(
            key.clone(),
            controlling(1, "https://app.test/", WorkerState::Activated),
        );
        registry.insert(
            key.clone(),
            controlling(2, "https://app.test/b/", WorkerState::Activated),
        );
        registry.set_controller(7, Some(RegistrationId(1)));
        registry.set_controller(8, Some(RegistrationId(1)));
        registry.set_controller(9, Some(RegistrationId(2)));
        registry.apply(RegistryUpdate::Remove {
            key: key.clone(),
            scope: url("https://app.test/"),
        });
        assert!(registry.controller(7).is_none());
        assert!(registry.controller(8).is_none());
        assert!(registry.registration(RegistrationId(1)).is_none());
        assert_eq!(registry.controller(9).map(|r| r.id.0), Some(2));
        // A registration made again for the same scope controls nobody.
        registry.insert(
            key.clone(),
            controlling(1, "https://app.test/", WorkerState::Activated),
        );
        assert!(registry.controller(7).is_none());
        // Replaced by another registration (another id) for the same scope:
        // its clients are forgotten too.
        registry.insert(
            key,
            controlling(3, "https://app.test/b/", WorkerState::Activated),
        );
        assert!(registry.controller(9).is_none());
        assert!(registry.registration(RegistrationId(2)).is_none());
        assert_eq!(
            registry.registration(RegistrationId(3)).map(|r| r.id.0),
            Some(3)
        );
        assert!(!registry.has_controlled_clients());
    }

    #[test]
    fn set_config_keeps_the_clients() {
        let key = PartitionKey::TopLevelSite("https://site.test".to_owned());
        let mut registry = Registry::new();
        registry.insert(
            key.clone(),
            controlling(1, "https://app.test/", WorkerState::Activated),
        );
        registry.set_controller(7, Some(RegistrationId(1)));
        assert!(registry.set_config(
            &key,
            &url("https://app.test/"),
            ForeignFetchConfig {
                scopes: vec![url("https://app.test/ff/")],
                origins: AllowedOrigins::Any,
            }
        ));
        let controller = registry.controller(7).unwrap();
        assert!(controller.has_foreign_fetch());
        assert_eq!(
            registry.registration(RegistrationId(1)).map(|r| &r.scope),
            Some(&url("https://app.test/"))
        );
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
