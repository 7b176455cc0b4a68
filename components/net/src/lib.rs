/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! What the patched `servo-net` calls for Service Worker foreign fetch, and
//! for the request's own service worker (Handle Fetch).
//!
//! The patch series in `patches/servo-net/` adds one call per hook; the
//! algorithms live here and in the engine-independent `foreign-fetch` crate.
//!
//! Net keeps the service worker registrations itself (a [`SharedRegistry`],
//! kept equal to the service worker managers' registrations by the
//! `RegistryUpdate`s they send), and which registration controls which
//! client, so that a request no worker wants costs a local lookup and
//! nothing else: no message, no wait. Only a request that a worker takes
//! goes to the callback of the manager of the worker's origin (which
//! queues the event on the worker's thread itself while the worker runs,
//! and wakes the manager only to wait for activation or to run the worker
//! again), and its answer comes back through a callback into the fetch's
//! future, with a time limit.
//!
//! - HTTP fetch step 3.1: [`handle_fetch`] (a `fetch` event; a navigation's
//!   controller, for its response).
//! - HTTP fetch step 3.2: [`handle_foreign_fetch`] (a `foreignfetch` event).
//! - Client and worker ids as plain values: [`client_key`], [`client_id`],
//!   [`worker_key`], [`worker_id`].

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use foreign_fetch::eligibility::{self, Ineligible};
use foreign_fetch::origin::Origin;
use foreign_fetch::registry::{PartitionKey, Registry};
use log::debug;
use net_traits::ServiceWorkerManagerRequest;
use net_traits::request::Request;
use net_traits::response::Response;
use parking_lot::RwLock;
use servo_base::generic_channel::GenericCallback;
use servo_url::{ImmutableOrigin, ServoUrl};

use crate::event::{Dispatch, Event, EventKind};

mod body;
mod event;
mod handle_fetch;
mod ids;
pub mod link;
mod request_body;
pub mod response;
pub mod snapshot;

pub use body::{BodyEvent, StreamedBody};
pub use handle_fetch::{HandleFetched, controlled_clients, forget_client, handle_fetch};
pub use ids::{client_id, client_key, worker_id, worker_key};
pub use response::{answer_to_response, fetch_answer_to_response};
pub use snapshot::{request_builder, request_snapshot};

/// The log target of every foreign fetch diagnostic, for `RUST_LOG`.
pub const LOG_TARGET: &str = "foreign_fetch";

/// The service worker manager of each origin in each partition, as
/// `servo-net` keeps them (`CoreResourceMsg::NetworkMediator`).
pub type ServiceWorkerManagers =
    RwLock<HashMap<(PartitionKey, ImmutableOrigin), GenericCallback<ServiceWorkerManagerRequest>>>;

/// The foreign fetch registrations, shared by the resource thread (which
/// applies the managers' `CoreResourceMsg::ForeignFetchRegistry` updates)
/// and every fetch.
pub type SharedRegistry = Arc<RwLock<Registry>>;

/// The partition of `request`'s client: its top-level site when service
/// workers are partitioned (Servo's `dom_serviceworker_partitioned`), which
/// the client's global put on the request.
fn partition(request: &Request) -> PartitionKey {
    PartitionKey::of(
        request
            .client
            .as_ref()
            .and_then(|client| client.top_level_site.as_deref()),
    )
}

/// The `dom_serviceworker_timeout_seconds` preference (default 60): how long
/// a fetch waits for a service worker's answer (see
/// [`foreign_fetch::timeout`]). Read at each dispatch, and only then: a
/// request no worker takes does not read the preferences.
fn dispatch_timeout() -> Option<Duration> {
    foreign_fetch::timeout::from_seconds(servo_config::pref!(dom_serviceworker_timeout_seconds))
}

/// [Handle Foreign Fetch](https://w3c.github.io/ServiceWorker/#on-foreign-fetch-request-algorithm),
/// called from Fetch's [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch)
/// step 3.2, after the request's own service worker (handle fetch) produced
/// no response and before the CORS preflight, the HTTP cache and the network.
///
/// Everything up to the dispatch happens now, on plain data and net's own
/// registry; the returned future only waits for the worker's answer (at most
/// the `dom_serviceworker_timeout_seconds` preference). It resolves to the
/// response (possibly a network error) the foreign worker's answer gives, or
/// `None` to go on to the network.
pub fn handle_foreign_fetch(
    request: &Request,
    sw_managers: &ServiceWorkerManagers,
    registry: &RwLock<Registry>,
) -> impl Future<Output = Option<Answered>> + Send + use<> {
    let dispatched = dispatch(request, sw_managers, registry, dispatch_timeout);
    async move { dispatched?.answer().await }
}

/// What a service worker answered: the response HTTP fetch goes on with, and
/// the rest of its body if the worker is still producing it (a stream). Then
/// the response's body is `ResponseBody::Receiving` until
/// [`StreamedBody::forward`] ends it.
pub struct Answered {
    /// The response (possibly a network error).
    pub response: Response,
    /// The body's chunks still to come.
    pub body: Option<StreamedBody>,
}

impl From<Response> for Answered {
    fn from(response: Response) -> Answered {
        Answered {
            response,
            body: None,
        }
    }
}

/// Handle Foreign Fetch up to the dispatch: the checks on the request, the
/// match in net's registry, then the `foreignfetch` event is sent to the
/// manager of the worker's origin. `None` (go on to the network) when no
/// foreign worker wants the request.
fn dispatch(
    request: &Request,
    sw_managers: &ServiceWorkerManagers,
    registry: &RwLock<Registry>,
    timeout: fn() -> Option<Duration>,
) -> Option<Dispatch> {
    let url = request.current_url();
    // The cheapest test first: does any worker of the URL's origin take
    // foreign fetches at all? (A lookup in a hash map, no allocation but the
    // origin.)
    let url_origin = Origin::from_url(url.as_url());
    let key = partition(request);
    {
        let registry = registry.read();
        if !registry.has_foreign_registrations(&key, &url_origin) {
            debug!(
                target: LOG_TARGET,
                "http fetch step 3.2: {url}: no foreign fetch registration for {}",
                url_origin.ascii_serialization()
            );
            return None;
        }
        // Then, still without copying anything of the request: is the URL in
        // the foreign fetch scopes of the registration it matches?
        if !registry.in_foreign_scope(&key, url.as_url()) {
            debug!(
                target: LOG_TARGET,
                "http fetch step 3.2: {url}: outside the foreign fetch scopes"
            );
            return None;
        }
    }
    // HTTP fetch step 3.2: "If response is null, request is a subresource
    // request, and request's origin is not same origin with request's
    // current URL, ..."; Handle Foreign Fetch steps 4, 5 and 12 (secure
    // client, no CORS preflight needed). The facts are Servo's.
    let snapshot = request_snapshot(request);
    if let Err(reason) = eligibility::check(&snapshot) {
        log_ineligible(&url, &reason);
        return None;
    }
    // Steps 6 to 11: Match Service Worker for Foreign Fetch, the worker's
    // origin and its list of foreign fetch origins.
    let registration_id = {
        let registry = registry.read();
        let Some(registration) = registry.lookup(&key, url.as_url(), &snapshot.origin) else {
            debug!(
                target: LOG_TARGET,
                "http fetch step 3.2: {url}: no foreign fetch registration matches"
            );
            return None;
        };
        debug!(
            target: LOG_TARGET,
            "http fetch step 3.2: {url}: registration {} matches",
            registration.scope
        );
        registration.id
    };
    let Some(manager) = sw_managers.read().get(&(key, url.origin())).cloned() else {
        debug!(
            target: LOG_TARGET,
            "http fetch step 3.2: {url}: no service worker manager for the registration"
        );
        return None;
    };
    Event {
        kind: EventKind::Foreign,
        url,
        timing_type: request.timing_type(),
        registration_id,
        manager,
        snapshot,
        timeout: timeout(),
    }
    .dispatch(request.body.as_ref())
}

fn log_ineligible(url: &ServoUrl, reason: &Ineligible) {
    match reason {
        Ineligible::Navigation(_) | Ineligible::NotSubresource(_) => {
            debug!(
                target: LOG_TARGET,
                "http fetch step 3.2: {url}: not a subresource request: {reason}"
            )
        },
        Ineligible::SameOrigin => {
            debug!(target: LOG_TARGET, "http fetch step 3.2: {url}: same-origin request")
        },
        reason => debug!(target: LOG_TARGET, "http fetch step 3.2: {url}: not eligible: {reason}"),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::thread;
    use std::time::Instant;

    use foreign_fetch::messages::{ForeignFetchAnswer, ForeignFetchRequest, RegistryUpdate};
    use foreign_fetch::options::{AllowedOrigins, ForeignFetchConfig};
    use foreign_fetch::outcome::Outcome;
    use foreign_fetch::registry::{ForeignFetchRegistration, RegistrationId, WorkerState};
    use net_traits::response::ResponseType;
    use std::sync::mpsc::{self, Receiver};

    use super::*;

    pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime")
            .block_on(future)
    }

    pub(crate) fn url(url: &str) -> ServoUrl {
        ServoUrl::parse(url).unwrap()
    }

    /// A registry where `http://localhost:8000/fonts/` takes foreign fetches
    /// from any origin (the request of `snapshot::tests::cross_origin_fetch`
    /// is `http://localhost:8000/fonts/a.woff` from `http://127.0.0.1:8000`).
    fn registry(state: WorkerState) -> RwLock<Registry> {
        let scope = url::Url::parse("http://localhost:8000/fonts/").unwrap();
        let mut registry = Registry::new();
        registry.apply(RegistryUpdate::Set {
            key: PartitionKey::Unpartitioned,
            registration: ForeignFetchRegistration::new(
                RegistrationId(9),
                scope.clone(),
                ForeignFetchConfig {
                    scopes: vec![scope],
                    origins: AllowedOrigins::Any,
                },
                state,
            ),
        });
        RwLock::new(registry)
    }

    /// A manager's callback, and what it is sent.
    pub(crate) fn manager() -> (
        GenericCallback<ServiceWorkerManagerRequest>,
        Receiver<ServiceWorkerManagerRequest>,
    ) {
        let (sender, receiver) = mpsc::channel();
        let callback = GenericCallback::new(move |request| {
            if let Ok(request) = request {
                let _ = sender.send(request);
            }
        })
        .unwrap();
        (callback, receiver)
    }

    /// The managers map with one manager for `http://localhost:8000`.
    pub(crate) fn managers() -> (ServiceWorkerManagers, Receiver<ServiceWorkerManagerRequest>) {
        let (sender, receiver) = manager();
        let managers = ServiceWorkerManagers::default();
        managers.write().insert(
            (
                PartitionKey::Unpartitioned,
                url("http://localhost:8000/").origin(),
            ),
            sender,
        );
        (managers, receiver)
    }

    /// A manager thread that answers each foreign fetch with `answer`.
    fn answering(
        receiver: Receiver<ServiceWorkerManagerRequest>,
        answer: impl Fn(&ForeignFetchRequest) -> Option<ForeignFetchAnswer> + Send + 'static,
    ) {
        thread::spawn(move || {
            while let Ok(message) = receiver.recv() {
                if let ServiceWorkerManagerRequest::ForeignFetch { request, reply } = message
                    && let Some(answer) = answer(&request)
                {
                    let _ = reply.send(answer);
                }
            }
        });
    }

    #[test]
    fn no_match_sends_nothing() {
        let (managers, receiver) = managers();
        let request = snapshot::tests::cross_origin_fetch();
        // Nothing registered.
        let empty = RwLock::new(Registry::new());
        assert!(block_on(handle_foreign_fetch(&request, &managers, &empty)).is_none());
        // Registered, but installing: not active, so no match.
        let installing = registry(WorkerState::Installed);
        assert!(block_on(handle_foreign_fetch(&request, &managers, &installing)).is_none());
        // Outside the foreign scope.
        let mut outside = snapshot::tests::cross_origin_fetch();
        outside.url_list = vec![net_traits::blob_url_store::UrlWithBlobClaim::new(
            url("http://localhost:8000/other/a.woff"),
            None,
        )];
        let activated = registry(WorkerState::Activated);
        assert!(block_on(handle_foreign_fetch(&outside, &managers, &activated)).is_none());
        assert!(receiver.try_recv().is_err(), "no message was sent");
    }

    /// What every fetch moves around, on net's threads and script's, stays
    /// the size it is in servo-net-traits 0.7.0 but for what the patches must
    /// add (a pointer; the client's top-level site). An inline
    /// `Option<Controller>` (200 bytes) on `Response` and `Metadata` once
    /// made every `FetchResponseMsg` 400 bytes larger and cost about 2 % of
    /// a fetch that no worker answers.
    #[test]
    fn per_fetch_types_stay_small() {
        use std::mem::size_of;

        use net_traits::{FetchMetadata, FetchResponseMsg, Metadata};

        // (patched, pristine 0.7.0 on x86_64, what the patches add)
        let sizes = [
            ("Request", size_of::<Request>(), 592, 24),
            ("Response", size_of::<Response>(), 448, 8),
            ("Metadata", size_of::<Metadata>(), 616, 8),
            ("FetchMetadata", size_of::<FetchMetadata>(), 1240, 16),
            ("FetchResponseMsg", size_of::<FetchResponseMsg>(), 1256, 16),
        ];
        if cfg!(target_arch = "x86_64") {
            for (name, size, pristine, added) in sizes {
                assert!(
                    size <= pristine + added,
                    "{name} is {size} bytes, {pristine} in servo-net-traits 0.7.0 \
                     (+{added} allowed): box what only a few fetches carry"
                );
            }
        }
    }

    #[test]
    fn the_workers_answer_becomes_the_response() {
        let (managers, receiver) = managers();
        answering(receiver, |request| {
            assert_eq!(request.registration_id, RegistrationId(9));
            assert_eq!(request.event_origin(), "http://127.0.0.1:8000");
            Some(ForeignFetchAnswer::new(
                request.fetch_id,
                Outcome::CorsFiltered {
                    exposed_headers: vec![],
                },
                Some(foreign_fetch::messages::ResponseParts {
                    status: 200,
                    status_text: b"OK".to_vec(),
                    body: b"from worker".to_vec(),
                    ..Default::default()
                }),
            ))
        });
        let request = snapshot::tests::cross_origin_fetch();
        let registry = registry(WorkerState::Activated);
        let response = block_on(handle_foreign_fetch(&request, &managers, &registry))
            .unwrap()
            .response;
        assert_eq!(response.response_type, ResponseType::Cors);
        assert_eq!(response.status.raw_code(), 200);
    }

    #[test]
    fn a_request_body_goes_with_the_event_and_stays_for_the_network() {
        let (managers, receiver) = managers();
        answering(receiver, |request| {
            assert_eq!(request.body.as_deref(), Some(&b"a=1&b=two"[..]));
            Some(ForeignFetchAnswer::fall_back(request.fetch_id))
        });
        let mut request = snapshot::tests::cross_origin_fetch();
        request.method = http::Method::POST;
        request.body = Some(request_body::tests::script_body(
            vec![b"a=1", b"&b=two"],
            net_traits::request::BodyChunkResponse::Done,
        ));
        let registry = registry(WorkerState::Activated);
        assert!(block_on(handle_foreign_fetch(&request, &managers, &registry)).is_none());
        // The worker fell back: the network still has the request's stream.
        assert!(request.body.unwrap().clone_stream().lock().is_some());
    }

    #[test]
    fn a_request_body_with_no_copy_goes_to_the_network_unsent() {
        let (managers, receiver) = managers();
        let mut request = snapshot::tests::cross_origin_fetch();
        request.method = http::Method::POST;
        let body = request_body::tests::script_body(
            vec![b"x"],
            net_traits::request::BodyChunkResponse::Error,
        );
        request.body = Some(body);
        let registry = registry(WorkerState::Activated);
        assert!(block_on(handle_foreign_fetch(&request, &managers, &registry)).is_none());
        assert!(receiver.try_recv().is_err(), "no event without the body");
    }

    #[test]
    fn fall_back_goes_to_the_network() {
        let (managers, receiver) = managers();
        answering(receiver, |request| {
            Some(ForeignFetchAnswer::fall_back(request.fetch_id))
        });
        let request = snapshot::tests::cross_origin_fetch();
        let registry = registry(WorkerState::Activated);
        assert!(block_on(handle_foreign_fetch(&request, &managers, &registry)).is_none());
    }

    #[test]
    fn a_silent_worker_times_out_and_the_manager_is_told() {
        let (managers, receiver) = managers();
        let request = snapshot::tests::cross_origin_fetch();
        let registry = registry(WorkerState::Activated);
        let start = Instant::now();
        // The receiver keeps every message (and the callback) alive.
        let dispatched = dispatch(&request, &managers, &registry, || {
            Some(Duration::from_millis(100))
        })
        .unwrap();
        let response = block_on(dispatched.answer()).unwrap().response;
        assert!(response.is_network_error());
        assert!(start.elapsed() < Duration::from_secs(5));
        let Ok(ServiceWorkerManagerRequest::ForeignFetch { request: sent, .. }) = receiver.recv()
        else {
            panic!("no foreign fetch sent");
        };
        let Ok(ServiceWorkerManagerRequest::ForeignFetchTimedOut {
            registration_id,
            fetch_id,
        }) = receiver.recv()
        else {
            panic!("no timeout sent");
        };
        assert_eq!(registration_id, RegistrationId(9));
        assert_eq!(fetch_id, sent.fetch_id);
    }

    #[test]
    fn a_request_matches_only_the_registrations_of_its_partition() {
        let (managers, receiver) = managers();
        let registry = registry(WorkerState::Activated);
        let mut request = snapshot::tests::cross_origin_fetch();
        let site = "http://127.0.0.1".to_owned();
        if let Some(client) = request.client.as_mut() {
            client.top_level_site = Some(site.clone());
        }
        // Unpartitioned, the registration serves the request.
        let unpartitioned = snapshot::tests::cross_origin_fetch();
        assert!(dispatch(&unpartitioned, &managers, &registry, || None).is_some());
        assert!(receiver.recv().is_ok());
        // Under a top-level site, it does not: nothing is sent.
        assert!(dispatch(&request, &managers, &registry, || None).is_none());
        assert!(receiver.try_recv().is_err());
        // The same registration made under that site serves it, through the
        // manager of that partition.
        let key = PartitionKey::TopLevelSite(site);
        let Some(registration) = registry
            .read()
            .get(
                &PartitionKey::Unpartitioned,
                &url::Url::parse("http://localhost:8000/fonts/").unwrap(),
            )
            .cloned()
        else {
            panic!("no registration");
        };
        registry.write().apply(RegistryUpdate::Set {
            key: key.clone(),
            registration,
        });
        assert!(
            dispatch(&request, &managers, &registry, || None).is_none(),
            "no manager"
        );
        let (sender, partitioned) = manager();
        managers
            .write()
            .insert((key, url("http://localhost:8000/").origin()), sender);
        assert!(dispatch(&request, &managers, &registry, || None).is_some());
        assert!(partitioned.recv().is_ok());
        assert!(receiver.try_recv().is_err());
    }

    #[test]
    fn a_dropped_callback_is_a_network_error_at_once() {
        let (managers, receiver) = managers();
        // The manager takes each request and drops it without answering.
        answering(receiver, |_| None);
        let request = snapshot::tests::cross_origin_fetch();
        let registry = registry(WorkerState::Activated);
        let start = Instant::now();
        let dispatched = dispatch(&request, &managers, &registry, || {
            Some(Duration::from_secs(30))
        })
        .unwrap();
        let response = block_on(dispatched.answer()).unwrap().response;
        assert!(response.is_network_error());
        assert!(start.elapsed() < Duration::from_secs(5));
    }
}
