/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! [Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch), called
//! from Fetch's [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch)
//! step 3.1: the request's own service worker.
//!
//! Net decides which client a service worker controls, when the client's
//! navigation goes through here (the registration that matches the
//! navigation's URL; the last redirect hop wins), and remembers it in its
//! registry by the new document's pipeline. A subresource request is then
//! offered to its client's controller: one hash lookup, and nothing at all
//! while no client is controlled. A worker whose set of event types to
//! handle lacks `fetch` gets no message.

use std::future::Future;
use std::time::Duration;

use foreign_fetch::handle_fetch::{self, Route};
use foreign_fetch::registry::{ClientInfo, Controller, FrameType, PartitionKey, Registry};
use foreign_fetch::request::RequestSnapshot;
use log::debug;
use net_traits::pub_domains::obtain_a_site;
use net_traits::request::{Destination, Request, ServiceWorkersMode};
use parking_lot::RwLock;
use servo_base::id::PipelineId;
use servo_url::ServoUrl;

use crate::event::{Dispatch, Event, EventKind};
use crate::{
    Answered, LOG_TARGET, ServiceWorkerManagers, client_id, client_key, dispatch_timeout,
    partition, request_snapshot,
};

/// What Handle Fetch did with a request.
pub struct HandleFetched<A> {
    /// For a navigation that a registration's active worker now controls,
    /// that worker: HTTP fetch puts it on the response
    /// (`Response::service_worker_controller`), and so the document the
    /// navigation creates learns its controller. Boxed, as on the response.
    pub controller: Option<Box<Controller>>,
    /// The worker's answer: `None` to go on to foreign fetch and the
    /// network (nothing was sent, or the worker did not call
    /// `respondWith`). Await it before anything else of HTTP fetch.
    pub answer: A,
}

/// Handle Fetch for `request`, in HTTP fetch step 3.1.
///
/// Everything up to the dispatch happens now, on net's own registry: the
/// controller of a navigation is recorded before this returns. The answer
/// future only waits for the worker's answer (at most the
/// `dom_serviceworker_timeout_seconds` preference).
pub fn handle_fetch(
    request: &Request,
    sw_managers: &ServiceWorkerManagers,
    registry: &RwLock<Registry>,
) -> HandleFetched<impl Future<Output = Option<Answered>> + Send + use<>> {
    let (controller, dispatch) = dispatch(request, sw_managers, registry, dispatch_timeout);
    HandleFetched {
        controller: controller.map(Box::new),
        answer: async move {
            match dispatch {
                Some(dispatch) => dispatch.answer().await,
                None => None,
            }
        },
    }
}

/// Handle Fetch up to the dispatch: the controller a navigation gives its
/// client, and the `fetch` event on its way, if any.
fn dispatch(
    request: &Request,
    sw_managers: &ServiceWorkerManagers,
    registry: &RwLock<Registry>,
    timeout: fn() -> Option<Duration>,
) -> (Option<Controller>, Option<Dispatch>) {
    // The client: a navigation's reserved client (the new document's
    // pipeline), or the client of a subresource request (a document, or a
    // worker, which fetches with its owner's pipeline).
    let Some(pipeline) = request.pipeline_id else {
        return (None, None);
    };
    if request.is_navigation_request() {
        return navigation(request, pipeline, sw_managers, registry, timeout);
    }
    // HTTP fetch step 3.1: "If request's service-workers mode is "all"".
    // (A service worker's own fetches are "foreign": they carry the
    // pipeline of a page the worker may control.)
    if request.service_workers_mode != ServiceWorkersMode::All {
        return (None, None);
    }
    // "Else if request is a subresource request, then: If client's active
    // service worker is non-null, set registration to client's active
    // service worker's containing service worker registration. Else, return
    // null." The cheapest test first: is any client controlled at all?
    let controller = {
        let registry = registry.read();
        if !registry.has_controlled_clients() {
            return (None, None);
        }
        let Some(controller) = registry
            .controller(client_key(pipeline))
            .and_then(|registration| registration.controller_info())
        else {
            return (None, None);
        };
        controller
    };
    let url = request.current_url();
    // "If activeWorker's set of event types to handle does not contain
    // fetch, then return null."
    if !controller.worker.handles_fetch {
        debug!(
            target: LOG_TARGET,
            "http fetch step 3.1: {url}: the controller of {} handles no fetch event",
            client_id(pipeline)
        );
        return (None, None);
    }
    let snapshot = request_snapshot(request);
    match handle_fetch::route(&snapshot) {
        Route::Subresource => {},
        Route::Skip(reason) => {
            debug!(target: LOG_TARGET, "http fetch step 3.1: {url}: {reason}");
            return (None, None);
        },
        Route::Navigation => return (None, None),
    }
    debug!(
        target: LOG_TARGET,
        "http fetch step 3.1: {url}: {} is controlled by {}",
        client_id(pipeline),
        controller.scope
    );
    let event = EventKind::Fetch {
        client_id: client_id(pipeline),
        resulting_client_id: String::new(),
    };
    let key = partition(request);
    let dispatch = send(
        event,
        request,
        &controller,
        key,
        snapshot,
        sw_managers,
        timeout,
    );
    (None, dispatch)
}

/// "If request is a non-subresource request, then:" for a navigation
/// request whose reserved client is the new document of `pipeline`.
fn navigation(
    request: &Request,
    pipeline: PipelineId,
    sw_managers: &ServiceWorkerManagers,
    registry: &RwLock<Registry>,
    timeout: fn() -> Option<Duration>,
) -> (Option<Controller>, Option<Dispatch>) {
    // The cheapest test first: no registration, and nothing to forget.
    {
        let registry = registry.read();
        if registry.is_empty() && !registry.has_controlled_clients() {
            return (None, None);
        }
    }
    let url = request.current_url();
    let snapshot = request_snapshot(request);
    let key = navigation_partition(request);
    let controller = {
        let mut registry = registry.write();
        let controller = match handle_fetch::route(&snapshot) {
            Route::Navigation => handle_fetch::navigation_registration(&registry, &key, &snapshot),
            // `embed` and `object`: their fetch's pipeline is the
            // document's that contains them, which this does not change.
            Route::Skip(handle_fetch::Skip::Plugin(_)) => return (None, None),
            Route::Skip(reason) => {
                debug!(target: LOG_TARGET, "http fetch step 3.1: {url}: {reason}");
                None
            },
            Route::Subresource => None,
        }
        .and_then(|registration| registration.controller_info());
        // "If request's destination is not "report", set reservedClient's
        // active service worker to registration's active worker." A client
        // no registration matches is not controlled, whatever an earlier
        // hop of its navigation matched.
        registry.set_controller(
            client_key(pipeline),
            controller
                .as_ref()
                .map(|controller| controller.registration_id),
        );
        // What the controller's `Clients` object tells of the new client.
        registry.set_client_info(
            client_key(pipeline),
            ClientInfo {
                id: client_id(pipeline),
                url: url.as_url().clone(),
                frame_type: if request.destination == Destination::IFrame {
                    FrameType::Nested
                } else {
                    FrameType::TopLevel
                },
            },
        );
        controller
    };
    // "If registration is null or registration's active worker is null,
    // return null."
    let Some(controller) = controller else {
        debug!(
            target: LOG_TARGET,
            "http fetch step 3.1: {url}: no registration with an active worker matches"
        );
        return (None, None);
    };
    debug!(
        target: LOG_TARGET,
        "http fetch step 3.1: {url}: registration {} controls the new client",
        controller.scope
    );
    if !controller.worker.handles_fetch {
        debug!(
            target: LOG_TARGET,
            "http fetch step 3.1: {url}: the controller handles no fetch event"
        );
        return (Some(controller), None);
    }
    let event = EventKind::Fetch {
        // A navigation's client is the document it leaves, if any: not
        // controlled by this worker, and not one it can see.
        client_id: String::new(),
        resulting_client_id: client_id(pipeline),
    };
    let dispatch = send(
        event,
        request,
        &controller,
        key,
        snapshot,
        sw_managers,
        timeout,
    );
    (Some(controller), dispatch)
}

/// The partition of the document a navigation creates: with service workers
/// partitioned, a top-level document's own site (of the URL it ends on), a
/// nested document's top-level site.
fn navigation_partition(request: &Request) -> PartitionKey {
    match partition(request) {
        PartitionKey::TopLevelSite(_) if request.destination == Destination::Document => {
            PartitionKey::TopLevelSite(obtain_a_site(&request.current_url().origin()))
        },
        key => key,
    }
}

/// The clients that the registration whose scope is `scope` in partition
/// `key` controls, as its worker's `Clients.matchAll()` lists them
/// (<https://w3c.github.io/ServiceWorker/#clients-matchall>).
pub fn controlled_clients(
    registry: &RwLock<Registry>,
    key: &PartitionKey,
    scope: &url::Url,
) -> Vec<ClientInfo> {
    let registry = registry.read();
    match registry.get(key, scope) {
        Some(registration) => registry.clients_of(registration.id),
        None => Vec::new(),
    }
}

/// The document of `pipeline` is gone: it is no longer anyone's client.
pub fn forget_client(registry: &RwLock<Registry>, pipeline: PipelineId) {
    let mut registry = registry.write();
    if registry.has_controlled_clients() {
        registry.forget_client(client_key(pipeline));
    }
}

/// Fire `event` at the active worker of `controller`, through the manager
/// of the registration's origin in partition `key`.
fn send(
    event: EventKind,
    request: &Request,
    controller: &Controller,
    key: PartitionKey,
    snapshot: RequestSnapshot,
    sw_managers: &ServiceWorkerManagers,
    timeout: fn() -> Option<Duration>,
) -> Option<Dispatch> {
    let url = request.current_url();
    let origin = ServoUrl::from_url(controller.scope.clone()).origin();
    let Some(manager) = sw_managers.read().get(&(key, origin)).cloned() else {
        debug!(
            target: LOG_TARGET,
            "http fetch step 3.1: {url}: no service worker manager for {}",
            controller.scope
        );
        return None;
    };
    Event {
        kind: event,
        url,
        timing_type: request.timing_type(),
        registration_id: controller.registration_id,
        manager,
        snapshot,
        timeout: timeout(),
    }
    .dispatch(request.body.as_ref())
}

#[cfg(test)]
mod tests {
    use std::thread;
    use std::time::Instant;

    use foreign_fetch::messages::{FetchEventRequest, ForeignFetchAnswer, ResponseParts};
    use foreign_fetch::outcome::{Outcome, ResponseType as WorkerResponseType};
    use foreign_fetch::registry::{
        ActiveWorker, ForeignFetchRegistration, RegistrationId, WorkerState,
    };
    use net_traits::ServiceWorkerManagerRequest;
    use net_traits::blob_url_store::UrlWithBlobClaim;
    use net_traits::request::{Destination, RedirectMode, RequestMode};
    use net_traits::response::ResponseType;
    use servo_base::id::{Index, PipelineNamespaceId};
    use std::sync::mpsc::Receiver;

    use super::*;
    use crate::snapshot::tests::cross_origin_fetch;
    use crate::tests::{block_on, managers, url};

    const SCOPE: &str = "http://localhost:8000/app/";

    fn pipeline(index: u32) -> PipelineId {
        PipelineId {
            namespace_id: PipelineNamespaceId(2),
            index: Index::new(index).unwrap(),
        }
    }

    fn worker(handles_fetch: bool) -> ActiveWorker {
        ActiveWorker {
            key: 0x2_0000_0005,
            script_url: url::Url::parse("http://localhost:8000/app/sw.js").unwrap(),
            handles_fetch,
        }
    }

    /// A registry where `http://localhost:8000/app/` has an active worker
    /// (in `state`), without foreign fetch.
    fn registry(state: WorkerState, handles_fetch: bool) -> RwLock<Registry> {
        let mut registry = Registry::new();
        registry.insert(
            PartitionKey::Unpartitioned,
            ForeignFetchRegistration::without_foreign_fetch(
                RegistrationId(4),
                url::Url::parse(SCOPE).unwrap(),
                state,
            )
            .with_active_worker(worker(handles_fetch)),
        );
        RwLock::new(registry)
    }

    /// A manager thread that answers each fetch event with `answer`, and
    /// tells the test what it received.
    fn answering(
        receiver: Receiver<ServiceWorkerManagerRequest>,
        answer: impl Fn(&FetchEventRequest) -> Option<ForeignFetchAnswer> + Send + 'static,
    ) -> std::sync::mpsc::Receiver<FetchEventRequest> {
        let (seen_sender, seen) = std::sync::mpsc::channel();
        thread::spawn(move || {
            while let Ok(message) = receiver.recv() {
                if let ServiceWorkerManagerRequest::HandleFetch { request, reply } = message {
                    if let Some(answer) = answer(&request) {
                        let _ = reply.send(answer);
                    }
                    let _ = seen_sender.send(*request);
                }
            }
        });
        seen
    }

    /// A top-level navigation of the new document `pipeline` to `to`, as
    /// servo-script makes it (mode "navigate", redirect mode "manual").
    fn navigation(to: &str, pipeline: PipelineId) -> Request {
        let mut request = cross_origin_fetch();
        request.url_list = vec![UrlWithBlobClaim::new(url(to), None)];
        request.destination = Destination::Document;
        request.mode = RequestMode::Navigate;
        request.redirect_mode = RedirectMode::Manual;
        request.pipeline_id = Some(pipeline);
        request
    }

    /// `fetch("http://localhost:8000/app/data.json")` from the document of
    /// `pipeline`.
    fn subresource(pipeline: PipelineId) -> Request {
        let mut request = cross_origin_fetch();
        request.url_list = vec![UrlWithBlobClaim::new(
            url("http://localhost:8000/app/data.json"),
            None,
        )];
        request.pipeline_id = Some(pipeline);
        request
    }

    fn run(
        request: &Request,
        managers: &ServiceWorkerManagers,
        registry: &RwLock<Registry>,
    ) -> (Option<Controller>, Option<Answered>) {
        let handled = handle_fetch(request, managers, registry);
        (
            handled.controller.map(|controller| *controller),
            block_on(handled.answer),
        )
    }

    #[test]
    fn nothing_without_a_client_or_a_controller() {
        let (managers, receiver) = managers();
        let registry = registry(WorkerState::Activated, true);
        // No pipeline: no client to control or look up.
        let mut request = navigation("http://localhost:8000/app/", pipeline(3));
        request.pipeline_id = None;
        let (controller, answer) = run(&request, &managers, &registry);
        assert!(controller.is_none() && answer.is_none());
        // No client is controlled.
        let (controller, answer) = run(&subresource(pipeline(3)), &managers, &registry);
        assert!(controller.is_none() && answer.is_none());
        // Another client is.
        registry
            .write()
            .set_controller(client_key(pipeline(4)), Some(RegistrationId(4)));
        let (controller, answer) = run(&subresource(pipeline(3)), &managers, &registry);
        assert!(controller.is_none() && answer.is_none());
        // Nothing registered at all.
        let empty = RwLock::new(Registry::new());
        let (controller, answer) = run(
            &navigation("http://localhost:8000/app/", pipeline(3)),
            &managers,
            &empty,
        );
        assert!(controller.is_none() && answer.is_none());
        assert!(receiver.try_recv().is_err(), "no message was sent");
    }

    #[test]
    fn a_navigation_is_controlled_and_offered_to_the_worker() {
        let (managers, receiver) = managers();
        let seen = answering(receiver, |request| {
            Some(ForeignFetchAnswer::fall_back(request.fetch_id))
        });
        let registry = registry(WorkerState::Activated, true);
        let (controller, answer) = run(
            &navigation("http://localhost:8000/app/page.html", pipeline(3)),
            &managers,
            &registry,
        );
        assert_eq!(
            controller,
            Some(Controller {
                registration_id: RegistrationId(4),
                scope: url::Url::parse(SCOPE).unwrap(),
                worker: worker(true),
            })
        );
        // The worker fell back: go on to the network.
        assert!(answer.is_none());
        let event = seen.recv().unwrap();
        assert_eq!(event.registration_id, RegistrationId(4));
        assert_eq!(event.client_id, "");
        assert_eq!(event.resulting_client_id, client_id(pipeline(3)));
        assert_eq!(
            event.request.url.as_str(),
            "http://localhost:8000/app/page.html"
        );
        // The new document is controlled.
        assert_eq!(
            registry
                .read()
                .controller(client_key(pipeline(3)))
                .map(|registration| registration.id),
            Some(RegistrationId(4))
        );
        // Its controller's Clients lists it, until it is gone.
        let scope = url::Url::parse(SCOPE).unwrap();
        assert_eq!(
            controlled_clients(&registry, &PartitionKey::Unpartitioned, &scope),
            vec![ClientInfo {
                id: client_id(pipeline(3)),
                url: url::Url::parse("http://localhost:8000/app/page.html").unwrap(),
                frame_type: FrameType::TopLevel,
            }]
        );
        forget_client(&registry, pipeline(3));
        assert!(controlled_clients(&registry, &PartitionKey::Unpartitioned, &scope).is_empty());
        assert!(
            registry
                .read()
                .controller(client_key(pipeline(3)))
                .is_none()
        );
    }

    #[test]
    fn the_last_hop_of_a_navigation_decides() {
        let (managers, receiver) = managers();
        let _seen = answering(receiver, |request| {
            Some(ForeignFetchAnswer::fall_back(request.fetch_id))
        });
        let registry = registry(WorkerState::Activated, true);
        let client = client_key(pipeline(3));
        let (controller, _) = run(
            &navigation("http://localhost:8000/app/", pipeline(3)),
            &managers,
            &registry,
        );
        assert!(controller.is_some());
        // Redirected out of the scope.
        let (controller, answer) = run(
            &navigation("http://localhost:8000/elsewhere/", pipeline(3)),
            &managers,
            &registry,
        );
        assert!(controller.is_none() && answer.is_none());
        assert!(registry.read().controller(client).is_none());
        // To a URL that is not potentially trustworthy.
        run(
            &navigation("http://localhost:8000/app/", pipeline(3)),
            &managers,
            &registry,
        );
        assert!(registry.read().controller(client).is_some());
        let (controller, _) = run(
            &navigation("http://app.test/app/", pipeline(3)),
            &managers,
            &registry,
        );
        assert!(controller.is_none());
        assert!(registry.read().controller(client).is_none());
    }

    /// `<embed>` and `<object>` fetch with their document's pipeline: they
    /// neither control it nor take its control away.
    #[test]
    fn plugins_leave_their_documents_controller() {
        let (managers, receiver) = managers();
        let registry = registry(WorkerState::Activated, true);
        let client = client_key(pipeline(3));
        registry
            .write()
            .set_controller(client, Some(RegistrationId(4)));
        for destination in [Destination::Embed, Destination::Object] {
            let mut request = navigation("http://localhost:8000/elsewhere/a.swf", pipeline(3));
            request.destination = destination;
            request.mode = RequestMode::NoCors;
            let (controller, answer) = run(&request, &managers, &registry);
            assert!(controller.is_none() && answer.is_none());
            assert!(registry.read().controller(client).is_some());
        }
        assert!(receiver.try_recv().is_err(), "no message was sent");
    }

    #[test]
    fn a_controlled_clients_subresource_gets_the_workers_response() {
        let (managers, receiver) = managers();
        let seen = answering(receiver, |request| {
            Some(ForeignFetchAnswer::new(
                request.fetch_id,
                Outcome::PassThrough(WorkerResponseType::Default),
                Some(ResponseParts {
                    status: 200,
                    status_text: b"OK".to_vec(),
                    headers: vec![("x-from".to_owned(), b"worker".to_vec())],
                    body: b"from worker".to_vec(),
                    ..Default::default()
                }),
            ))
        });
        let registry = registry(WorkerState::Activated, true);
        registry
            .write()
            .set_controller(client_key(pipeline(3)), Some(RegistrationId(4)));
        let (controller, answer) = run(&subresource(pipeline(3)), &managers, &registry);
        // Only a navigation's response carries the controller.
        assert!(controller.is_none());
        let response = answer.unwrap().response;
        // Unfiltered: main fetch filters it by the request's tainting.
        assert_eq!(response.response_type, ResponseType::Default);
        assert!(response.internal_response.is_none());
        assert_eq!(response.status.raw_code(), 200);
        assert!(response.headers.contains_key("x-from"));
        let event = seen.recv().unwrap();
        assert_eq!(event.client_id, client_id(pipeline(3)));
        assert_eq!(event.resulting_client_id, "");
        assert_eq!(
            event.request.url.as_str(),
            "http://localhost:8000/app/data.json"
        );
    }

    /// A worker whose set of event types to handle lacks `fetch` controls
    /// its clients but gets no message.
    #[test]
    fn a_worker_without_a_fetch_listener_gets_nothing() {
        let (managers, receiver) = managers();
        let registry = registry(WorkerState::Activated, false);
        let (controller, answer) = run(
            &navigation("http://localhost:8000/app/", pipeline(3)),
            &managers,
            &registry,
        );
        assert_eq!(
            controller.map(|c| c.registration_id),
            Some(RegistrationId(4))
        );
        assert!(answer.is_none());
        let (controller, answer) = run(&subresource(pipeline(3)), &managers, &registry);
        assert!(controller.is_none() && answer.is_none());
        assert!(receiver.try_recv().is_err(), "no message was sent");
    }

    #[test]
    fn only_an_active_worker_controls() {
        let (managers, receiver) = managers();
        for state in [
            WorkerState::Installing,
            WorkerState::Installed,
            WorkerState::Redundant,
        ] {
            let registry = registry(state, true);
            let (controller, answer) = run(
                &navigation("http://localhost:8000/app/", pipeline(3)),
                &managers,
                &registry,
            );
            assert!(controller.is_none() && answer.is_none(), "{state:?}");
            registry
                .write()
                .set_controller(client_key(pipeline(3)), Some(RegistrationId(4)));
            let (_, answer) = run(&subresource(pipeline(3)), &managers, &registry);
            assert!(answer.is_none(), "{state:?}");
        }
        assert!(receiver.try_recv().is_err(), "no message was sent");
    }

    /// A service worker's own `fetch()` carries a page's pipeline, in mode
    /// "foreign": its own controller never sees it.
    #[test]
    fn only_service_workers_mode_all() {
        let (managers, receiver) = managers();
        let registry = registry(WorkerState::Activated, true);
        registry
            .write()
            .set_controller(client_key(pipeline(3)), Some(RegistrationId(4)));
        for mode in [ServiceWorkersMode::Foreign, ServiceWorkersMode::None] {
            let mut request = subresource(pipeline(3));
            request.service_workers_mode = mode;
            let (_, answer) = run(&request, &managers, &registry);
            assert!(answer.is_none());
        }
        // A worker's script is not routed yet.
        let mut request = subresource(pipeline(3));
        request.destination = Destination::Worker;
        let (_, answer) = run(&request, &managers, &registry);
        assert!(answer.is_none());
        assert!(receiver.try_recv().is_err(), "no message was sent");
    }

    #[test]
    fn a_silent_worker_times_out_and_the_manager_is_told() {
        let (managers, receiver) = managers();
        let registry = registry(WorkerState::Activated, true);
        registry
            .write()
            .set_controller(client_key(pipeline(3)), Some(RegistrationId(4)));
        let start = Instant::now();
        let (_, dispatched) = dispatch(&subresource(pipeline(3)), &managers, &registry, || {
            Some(Duration::from_millis(100))
        });
        let response = block_on(dispatched.unwrap().answer()).unwrap().response;
        assert!(response.is_network_error());
        assert!(start.elapsed() < Duration::from_secs(5));
        let Ok(ServiceWorkerManagerRequest::HandleFetch { request: sent, .. }) = receiver.recv()
        else {
            panic!("no fetch event sent");
        };
        let Ok(ServiceWorkerManagerRequest::ForeignFetchTimedOut {
            registration_id,
            fetch_id,
        }) = receiver.recv()
        else {
            panic!("no timeout sent");
        };
        assert_eq!(registration_id, RegistrationId(4));
        assert_eq!(fetch_id, sent.fetch_id);
    }

    /// Without a manager for the registration's origin the navigation is
    /// still controlled, and goes to the network.
    #[test]
    fn no_manager_no_event() {
        let managers = ServiceWorkerManagers::default();
        let registry = registry(WorkerState::Activated, true);
        let (controller, answer) = run(
            &navigation("http://localhost:8000/app/", pipeline(3)),
            &managers,
            &registry,
        );
        assert!(controller.is_some());
        assert!(answer.is_none());
    }
}
