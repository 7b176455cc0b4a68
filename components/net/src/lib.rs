/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! What the patched `servo-net` calls for Service Worker foreign fetch.
//!
//! The patch series in `patches/servo-net/` adds one call per hook; the
//! algorithms live here and in the engine-independent `foreign-fetch` crate.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use foreign_fetch::eligibility::{self, Ineligible};
use log::debug;
use net_traits::request::Request;
use net_traits::response::Response;
use net_traits::{ActiveServiceWorker, ServiceWorkerManagerRequest};
use parking_lot::RwLock;
use servo_base::generic_channel::{self, GenericSender, TryReceiveError};
use servo_url::{ImmutableOrigin, ServoUrl};

pub mod snapshot;

pub use snapshot::request_snapshot;

/// The log target of every foreign fetch diagnostic, for `RUST_LOG`.
pub const LOG_TARGET: &str = "foreign_fetch";

/// How long HTTP fetch waits for a service worker manager to say which
/// worker is active for a URL. The manager answers from memory; no answer
/// in this time means "none", and the fetch goes on to the network.
pub const ACTIVE_WORKER_TIMEOUT: Duration = Duration::from_secs(1);

/// Each origin's service worker manager, as `servo-net` keeps them
/// (`CoreResourceMsg::NetworkMediator`).
pub type ServiceWorkerManagers =
    RwLock<HashMap<ImmutableOrigin, GenericSender<ServiceWorkerManagerRequest>>>;

/// [Handle Foreign Fetch](https://w3c.github.io/ServiceWorker/#on-foreign-fetch-request-algorithm),
/// called from Fetch's [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch)
/// step 3.2, after the request's own service worker (handle fetch) produced
/// no response and before the CORS preflight, the HTTP cache and the network.
///
/// The checks on the request and the choice of the manager to ask happen
/// now; the returned future only waits for that manager's answer (at most
/// [`ACTIVE_WORKER_TIMEOUT`], off the runtime's threads). It resolves to
/// the response a foreign service worker gave, or `None` to go on to the
/// network.
pub fn handle_foreign_fetch(
    request: &Request,
    sw_managers: &ServiceWorkerManagers,
) -> impl Future<Output = Option<Response>> + Send + use<> {
    let query = active_worker_query(request, sw_managers);
    async move {
        let (url, manager) = query?;
        match ask_active_worker(&manager, url.clone(), ACTIVE_WORKER_TIMEOUT).await {
            Ok(Some(worker)) => debug!(
                target: LOG_TARGET,
                "http fetch step 3.2: {url}: active worker {} (scope {})",
                worker.script_url,
                worker.scope_url
            ),
            Ok(None) => debug!(target: LOG_TARGET, "http fetch step 3.2: {url}: no active worker"),
            Err(error) => debug!(
                target: LOG_TARGET,
                "http fetch step 3.2: {url}: no active worker ({error})"
            ),
        }
        // TODO: match the worker's foreign fetch scopes and origins, and fire
        // the foreignfetch event (a later change).
        None
    }
}

/// The request-only conditions of Handle Foreign Fetch, then the manager of
/// the request URL's origin, if there is one, to ask for the active worker.
fn active_worker_query(
    request: &Request,
    sw_managers: &ServiceWorkerManagers,
) -> Option<(ServoUrl, GenericSender<ServiceWorkerManagerRequest>)> {
    let url = request.current_url();
    // HTTP fetch step 3.2: "If response is null, request is a subresource
    // request, and request's origin is not same origin with request's
    // current URL, ..."; Handle Foreign Fetch steps 4, 5 and 12 (secure
    // client, no CORS preflight needed).
    if let Err(reason) = eligibility::check(&request_snapshot(request)) {
        log_ineligible(&url, &reason);
        return None;
    }
    // Step 6 (Match Service Worker Registration, see `ask_active_worker`)
    // needs the registrations of the URL's origin: without a manager for
    // that origin there are none, and nothing is asked.
    let origin = url.origin();
    let Some(manager) = sw_managers.read().get(&origin).cloned() else {
        debug!(
            target: LOG_TARGET,
            "http fetch step 3.2: {url}: no active worker (no service worker manager for {})",
            origin.ascii_serialization()
        );
        return None;
    };
    Some((url, manager))
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

/// Why a manager gave no answer.
#[derive(Debug, Eq, PartialEq)]
pub enum QueryError {
    /// No channel for the answer could be made.
    NoChannel,
    /// The manager is gone (its channel is closed).
    ManagerGone,
    /// The manager dropped the query without answering.
    Dropped,
    /// The manager did not answer in time.
    Timeout(Duration),
}

impl fmt::Display for QueryError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::NoChannel => write!(formatter, "no channel for the answer"),
            QueryError::ManagerGone => write!(formatter, "the service worker manager is gone"),
            QueryError::Dropped => write!(formatter, "the service worker manager did not answer"),
            QueryError::Timeout(timeout) => {
                write!(
                    formatter,
                    "the service worker manager did not answer in {timeout:?}"
                )
            },
        }
    }
}

/// Handle Foreign Fetch step 6: "Let registration be the result of running
/// Match Service Worker Registration algorithm passing request's url", and
/// step 7 (its active worker, activated), asked of the manager of the URL's
/// origin. Waits at most `timeout`, on a blocking-pool thread, so that the
/// runtime's threads never block.
pub async fn ask_active_worker(
    manager: &GenericSender<ServiceWorkerManagerRequest>,
    url: ServoUrl,
    timeout: Duration,
) -> Result<Option<ActiveServiceWorker>, QueryError> {
    let (reply, answer) = generic_channel::channel().ok_or(QueryError::NoChannel)?;
    manager
        .send(ServiceWorkerManagerRequest::ActiveWorker { url, reply })
        .map_err(|_| QueryError::ManagerGone)?;
    let received = tokio::task::spawn_blocking(move || answer.try_recv_timeout(timeout))
        .await
        .map_err(|_| QueryError::Dropped)?;
    match received {
        Ok(active_worker) => Ok(active_worker),
        Err(TryReceiveError::Empty) => Err(QueryError::Timeout(timeout)),
        // Disconnected (the reply sender was dropped), or an answer that
        // could not be read.
        Err(TryReceiveError::ReceiveError(_)) => Err(QueryError::Dropped),
    }
}

#[cfg(test)]
mod tests {
    use std::thread;
    use std::time::Instant;

    use servo_base::id::{PipelineNamespace, PipelineNamespaceId, ServiceWorkerId};

    use super::*;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a tokio runtime")
            .block_on(future)
    }

    fn url(url: &str) -> ServoUrl {
        ServoUrl::parse(url).unwrap()
    }

    /// A manager thread that answers every query with `answer(url)`.
    fn manager(
        answer: impl Fn(&ServoUrl) -> Option<ActiveServiceWorker> + Send + 'static,
    ) -> GenericSender<ServiceWorkerManagerRequest> {
        let (sender, receiver) = generic_channel::channel().unwrap();
        thread::spawn(move || {
            while let Ok(request) = receiver.recv() {
                if let ServiceWorkerManagerRequest::ActiveWorker { url, reply } = request {
                    let _ = reply.send(answer(&url));
                }
            }
        });
        sender
    }

    #[test]
    fn the_managers_answer() {
        PipelineNamespace::install(PipelineNamespaceId(1));
        let worker_id = ServiceWorkerId::new();
        let manager = manager(move |url| {
            url.path()
                .starts_with("/scope/")
                .then(|| ActiveServiceWorker {
                    scope_url: url.join("/scope/").unwrap(),
                    script_url: url.join("/sw.js").unwrap(),
                    worker_id,
                })
        });
        let active = block_on(ask_active_worker(
            &manager,
            url("http://localhost:8000/scope/a.txt"),
            ACTIVE_WORKER_TIMEOUT,
        ))
        .unwrap()
        .unwrap();
        assert_eq!(active.script_url.as_str(), "http://localhost:8000/sw.js");
        assert_eq!(active.scope_url.as_str(), "http://localhost:8000/scope/");
        assert_eq!(active.worker_id, worker_id);
        let none = block_on(ask_active_worker(
            &manager,
            url("http://localhost:8000/other/a.txt"),
            ACTIVE_WORKER_TIMEOUT,
        ));
        assert_eq!(none.map(|worker| worker.is_some()), Ok(false));
    }

    #[test]
    fn a_silent_manager_times_out() {
        // Keeps the receiver, never answers.
        let (sender, receiver) = generic_channel::channel().unwrap();
        let timeout = Duration::from_millis(100);
        let start = Instant::now();
        let result = block_on(ask_active_worker(
            &sender,
            url("http://localhost:8000/a"),
            timeout,
        ));
        assert_eq!(result.map(|_| ()), Err(QueryError::Timeout(timeout)));
        assert!(start.elapsed() < Duration::from_secs(5));
        drop(receiver);
    }

    #[test]
    fn a_dropped_query_is_none_at_once() {
        // The manager takes the query and drops it without answering.
        let (sender, receiver) = generic_channel::channel().unwrap();
        thread::spawn(move || while receiver.recv().is_ok() {});
        let start = Instant::now();
        let result = block_on(ask_active_worker(
            &sender,
            url("http://localhost:8000/a"),
            Duration::from_secs(30),
        ));
        assert_eq!(result.map(|_| ()), Err(QueryError::Dropped));
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_gone_manager_is_none() {
        let (sender, receiver) = generic_channel::channel::<ServiceWorkerManagerRequest>().unwrap();
        drop(receiver);
        let result = block_on(ask_active_worker(
            &sender,
            url("http://localhost:8000/a"),
            Duration::from_secs(30),
        ));
        assert_eq!(result.map(|_| ()), Err(QueryError::ManagerGone));
    }

    #[test]
    fn no_manager_for_the_origin_means_no_query() {
        let managers = ServiceWorkerManagers::default();
        let other = manager(|_| None);
        managers
            .write()
            .insert(url("http://localhost:9999/").origin(), other);
        let request = snapshot::tests::cross_origin_fetch();
        assert!(active_worker_query(&request, &managers).is_none());
        let mine = manager(|_| None);
        managers
            .write()
            .insert(url("http://localhost:8000/").origin(), mine);
        let (url, _) = active_worker_query(&request, &managers).unwrap();
        assert_eq!(url.as_str(), "http://localhost:8000/fonts/a.woff");
    }
}
