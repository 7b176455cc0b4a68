/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! One `fetch` or `foreignfetch` event on its way to a service worker, and
//! back: the message to the worker's manager, the copy of the request body
//! it carries, the answer through a callback into the fetch's future, and
//! the time limit. HTTP fetch step 3.1 ([Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch))
//! and step 3.2 ([Handle Foreign Fetch](https://w3c.github.io/ServiceWorker/#on-foreign-fetch-request-algorithm))
//! share it; [`Hook`] says which one is running.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use foreign_fetch::messages::{
    EventAnswer, FetchEventRequest, FetchId, ForeignFetchAnswer, ForeignFetchRequest,
};
use foreign_fetch::outcome::NetworkErrorReason;
use foreign_fetch::registry::RegistrationId;
use foreign_fetch::request::RequestSnapshot;
use log::{debug, warn};
use net_traits::ResourceTimingType;
use net_traits::ServiceWorkerManagerRequest;
use net_traits::request::RequestBody;
use net_traits::response::Response;
use servo_base::generic_channel::GenericCallback;
use servo_url::ServoUrl;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::{Answered, LOG_TARGET, StreamedBody, request_body, response};

static NEXT_FETCH_ID: AtomicU64 = AtomicU64::new(1);

/// Which step of HTTP fetch offers the request to a service worker.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum Hook {
    /// Step 3.1, the request's own service worker: a `fetch` event.
    HandleFetch,
    /// Step 3.2, a foreign worker: a `foreignfetch` event.
    HandleForeignFetch,
}

impl Hook {
    /// The response for `answer`, see [`response::fetch_answer_to_response`]
    /// and [`response::answer_to_response`].
    fn response(
        self,
        answer: EventAnswer,
        url: &ServoUrl,
        timing_type: ResourceTimingType,
    ) -> Option<Response> {
        match self {
            Hook::HandleFetch => response::fetch_answer_to_response(answer, url, timing_type),
            Hook::HandleForeignFetch => response::answer_to_response(answer, url, timing_type),
        }
    }

    /// The network error this step ends in.
    pub(crate) fn network_error(self, reason: &NetworkErrorReason) -> Response {
        match self {
            Hook::HandleFetch => response::fetch_network_error(reason),
            Hook::HandleForeignFetch => response::network_error(reason),
        }
    }
}

impl fmt::Display for Hook {
    /// How the logs name the step.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hook::HandleFetch => write!(formatter, "http fetch step 3.1"),
            Hook::HandleForeignFetch => write!(formatter, "http fetch step 3.2"),
        }
    }
}

/// Which event to fire, with what only that event has.
pub(crate) enum EventKind {
    /// `foreignfetch`.
    Foreign,
    /// `fetch`, with `FetchEvent.clientId` and `resultingClientId`.
    Fetch {
        client_id: String,
        resulting_client_id: String,
    },
}

impl EventKind {
    fn hook(&self) -> Hook {
        match self {
            EventKind::Foreign => Hook::HandleForeignFetch,
            EventKind::Fetch { .. } => Hook::HandleFetch,
        }
    }
}

/// Everything the event needs but the request body.
pub(crate) struct Event {
    pub(crate) kind: EventKind,
    pub(crate) url: ServoUrl,
    pub(crate) timing_type: ResourceTimingType,
    pub(crate) registration_id: RegistrationId,
    pub(crate) manager: GenericCallback<ServiceWorkerManagerRequest>,
    pub(crate) snapshot: RequestSnapshot,
    pub(crate) timeout: Option<Duration>,
}

impl Event {
    /// Fire the event for a request whose body is `body`: now if it has
    /// none, once the body's copy is read if it can be copied, and not at
    /// all (go on to the network) if it cannot.
    ///
    /// Handle Fetch step "Let requestObject be a new Request object
    /// associated with request", Handle Foreign Fetch step 14.3: the
    /// event's Request has the request's body; the worker gets a copy, and
    /// the request keeps its own stream for the network.
    pub(crate) fn dispatch(self, body: Option<&RequestBody>) -> Option<Dispatch> {
        match body {
            None => self.send(None).map(Dispatch::Sent),
            Some(body) if request_body::can_copy(body) => Some(Dispatch::AfterBody {
                event: Box::new(self),
                body: body.clone(),
            }),
            Some(_) => {
                debug!(
                    target: LOG_TARGET,
                    "{}: {}: a ReadableStream request body cannot be copied for a service worker",
                    self.kind.hook(),
                    self.url
                );
                None
            },
        }
    }

    /// Queue a task on the worker to fire the event (Handle Foreign Fetch
    /// steps 13-14, Handle Fetch's "Create Fetch Event and Dispatch"); its
    /// answer (and a streamed body after it) comes back through `reply`, on
    /// whichever thread sends it, into the channel this fetch reads.
    /// Dropping `reply` (the worker died, the event was collected) closes
    /// the channel. `None` when the manager is gone (go on to the network;
    /// in one process its callback answers so itself).
    fn send(self, body: Option<Vec<u8>>) -> Option<Dispatched> {
        let Event {
            kind,
            url,
            timing_type,
            registration_id,
            manager,
            snapshot,
            timeout,
        } = self;
        let hook = kind.hook();
        let fetch_id = FetchId(NEXT_FETCH_ID.fetch_add(1, Ordering::Relaxed));
        let (sender, answers) = unbounded_channel();
        let dispatched = Dispatched {
            hook,
            url: url.clone(),
            timing_type,
            fetch_id,
            registration_id,
            manager: manager.clone(),
            answers,
            timeout,
        };
        let reply = match GenericCallback::new(move |answer: Result<ForeignFetchAnswer, _>| {
            if let Ok(answer) = answer {
                // The fetch may have stopped waiting (timeout, cancellation).
                let _ = sender.send(answer);
            }
        }) {
            Ok(reply) => reply,
            Err(error) => {
                // The sender went with the callback: the fetch's channel is
                // closed, and its answer is "the worker went away" at once.
                warn!(target: LOG_TARGET, "{hook}: {url}: no channel for the answer: {error:?}");
                return Some(dispatched);
            },
        };
        let message = match kind {
            EventKind::Foreign => ServiceWorkerManagerRequest::ForeignFetch {
                request: Box::new(ForeignFetchRequest {
                    fetch_id,
                    registration_id,
                    request: snapshot,
                    body,
                }),
                reply,
            },
            EventKind::Fetch {
                client_id,
                resulting_client_id,
            } => ServiceWorkerManagerRequest::HandleFetch {
                request: Box::new(FetchEventRequest {
                    fetch_id,
                    registration_id,
                    request: snapshot,
                    body,
                    client_id,
                    resulting_client_id,
                }),
                reply,
            },
        };
        if manager.send(message).is_err() {
            // The registration's manager is gone, and the registration with it.
            debug!(
                target: LOG_TARGET,
                "{hook}: {url}: the service worker manager is gone"
            );
            return None;
        }
        debug!(
            target: LOG_TARGET,
            "{hook}: {url}: dispatched fetch {} to registration {}",
            fetch_id.0,
            registration_id.0
        );
        Some(dispatched)
    }
}

/// A request on its way to the worker.
pub(crate) enum Dispatch {
    /// The event is sent; the answer is awaited.
    Sent(Dispatched),
    /// The event goes once the request body's copy is read.
    AfterBody {
        event: Box<Event>,
        body: RequestBody,
    },
}

impl Dispatch {
    /// The worker's answer: `None` to go on (to the next step, or the
    /// network).
    pub(crate) async fn answer(self) -> Option<Answered> {
        let dispatched = match self {
            Dispatch::Sent(dispatched) => dispatched,
            Dispatch::AfterBody { event, body } => {
                // Bounded by the event's time limit: servo-script never
                // answers for a body it does not keep in memory.
                let copy = match event.timeout {
                    Some(timeout) => tokio::time::timeout(timeout, request_body::read_copy(&body))
                        .await
                        .ok()
                        .flatten(),
                    None => request_body::read_copy(&body).await,
                };
                let Some(copy) = copy else {
                    debug!(
                        target: LOG_TARGET,
                        "{}: {}: no copy of the request body for the service worker",
                        event.kind.hook(),
                        event.url
                    );
                    return None;
                };
                event.send(Some(copy))?
            },
        };
        dispatched.answer().await
    }
}

/// An event on its way: what the fetch waits for.
pub(crate) struct Dispatched {
    hook: Hook,
    url: ServoUrl,
    timing_type: ResourceTimingType,
    fetch_id: FetchId,
    registration_id: RegistrationId,
    manager: GenericCallback<ServiceWorkerManagerRequest>,
    answers: UnboundedReceiver<ForeignFetchAnswer>,
    timeout: Option<Duration>,
}

impl Dispatched {
    /// Handle Foreign Fetch step 14 ("Wait for task to have executed or
    /// been discarded"), Handle Fetch's "Wait for task to have executed or
    /// for timeout to expire", bounded: the answer, or a network error if
    /// the worker went away (the callback was dropped) or did not answer in
    /// time. The time limit is the event's: a body that follows the answer
    /// may take as long as a network body.
    async fn answer(self) -> Option<Answered> {
        let Dispatched {
            hook,
            url,
            timing_type,
            fetch_id,
            registration_id,
            manager,
            mut answers,
            timeout,
        } = self;
        let received = match timeout {
            Some(timeout) => tokio::time::timeout(timeout, answers.recv()).await,
            None => Ok(answers.recv().await),
        };
        match received {
            Ok(Some(ForeignFetchAnswer::Event(answer))) => {
                debug!(
                    target: LOG_TARGET,
                    "{hook}: {url}: the worker answered: {:?}",
                    answer.outcome
                );
                let body_follows = answer
                    .response
                    .as_ref()
                    .is_some_and(|parts| parts.body_follows);
                let response = hook.response(answer, &url, timing_type)?;
                let body = (body_follows && !response.is_network_error())
                    .then(|| StreamedBody::new(url, answers));
                Some(Answered { response, body })
            },
            Ok(Some(other)) => {
                warn!(
                    target: LOG_TARGET,
                    "{hook}: {url}: a body message before the answer: {other:?}"
                );
                Some(hook.network_error(&NetworkErrorReason::Aborted).into())
            },
            Ok(None) => {
                debug!(
                    target: LOG_TARGET,
                    "{hook}: {url}: the worker stopped before it answered"
                );
                Some(hook.network_error(&NetworkErrorReason::Aborted).into())
            },
            Err(_) => {
                warn!(
                    target: LOG_TARGET,
                    "{hook}: {url}: the worker did not answer in {:?}",
                    timeout.unwrap_or_default()
                );
                // The manager terminates the worker if it is stuck; the next
                // request starts it again.
                if manager
                    .send(ServiceWorkerManagerRequest::ForeignFetchTimedOut {
                        registration_id,
                        fetch_id,
                    })
                    .is_err()
                {
                    debug!(target: LOG_TARGET, "the service worker manager is gone");
                }
                Some(hook.network_error(&NetworkErrorReason::Aborted).into())
            },
        }
    }
}
