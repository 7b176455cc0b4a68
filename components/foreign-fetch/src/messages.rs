/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The messages net and the foreign worker's script thread exchange for one
//! intercepted request (docs/feature.md §4, "Invoke Run Service Worker ... Queue a task
//! ... Wait for task to have executed"). All are `serde` types, sent over
//! `ipc-channel`.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::outcome::{NetworkErrorReason, Outcome, ResponseType};
use crate::registry::{ForeignFetchRegistration, PartitionKey, RegistrationId};
use crate::request::RequestSnapshot;

/// Service worker manager → net: keep net's [`Registry`](crate::registry::Registry)
/// equal to the manager's registrations (docs/feature.md §4: net matches
/// requests locally and only sends those that match).
///
/// Every registration is sent, also one whose active worker has no foreign
/// fetch scopes: a longer registration scope hides a shorter one.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[expect(
    clippy::large_enum_variant,
    reason = "one message per registration change, moved once; a box would change the patches' constructors"
)]
pub enum RegistryUpdate {
    /// Set Registration, or the registration's active worker (its
    /// configuration or its state) changed.
    Set {
        /// The registration's partition.
        key: PartitionKey,
        /// The registration as foreign fetch sees it.
        registration: ForeignFetchRegistration,
    },
    /// The registration left the registration map (unregistered, or its
    /// only worker failed to install).
    Remove {
        /// The registration's partition.
        key: PartitionKey,
        /// The registration's scope URL.
        scope: Url,
    },
}

/// Identifies one intercepted fetch, so that an answer finds its request.
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize)]
pub struct FetchId(pub u64);

/// Net → script: dispatch a `foreignfetch` event for this request at the
/// active worker of this registration.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct ForeignFetchRequest {
    /// Which fetch this is.
    pub fetch_id: FetchId,
    /// The registration whose active worker gets the event.
    pub registration_id: RegistrationId,
    /// The request; `ForeignFetchEvent.request` is built from it (with
    /// immutable headers) and `ForeignFetchEvent.origin` is the Unicode
    /// serialization of its origin.
    pub request: RequestSnapshot,
    /// The request body, if any (POST).
    pub body: Option<Vec<u8>>,
}

impl ForeignFetchRequest {
    /// The value of `ForeignFetchEvent.origin`: "the Unicode serialization of
    /// request's origin" (Handle Foreign Fetch step 14.5).
    pub fn event_origin(&self) -> String {
        self.request.origin.unicode_serialization()
    }
}

/// Net → script: dispatch a `fetch` event for this request at the active
/// worker of the registration that controls the request's client
/// ([Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch)). The
/// answer is a [`ForeignFetchAnswer`], as for a `foreignfetch` event.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct FetchEventRequest {
    /// Which fetch this is.
    pub fetch_id: FetchId,
    /// The registration whose active worker gets the event.
    pub registration_id: RegistrationId,
    /// The request; `FetchEvent.request` is built from it (immutable
    /// headers).
    pub request: RequestSnapshot,
    /// The request body, if any (POST).
    pub body: Option<Vec<u8>>,
    /// `FetchEvent.clientId`: the id of the request's client ("" for a
    /// navigation).
    pub client_id: String,
    /// `FetchEvent.resultingClientId`: the id of the client a navigation
    /// creates ("" for a subresource request).
    pub resulting_client_id: String,
}

/// The parts of the worker's response that travel back to net.
#[derive(Clone, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
pub struct ResponseParts {
    /// The status code.
    pub status: u16,
    /// The status message (a byte string).
    pub status_text: Vec<u8>,
    /// The header list of the *internal* response, in order; the filter named
    /// by the outcome decides what the client sees.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body, when the response's body was in memory; empty when
    /// `body_follows`.
    pub body: Vec<u8>,
    /// The body is a stream the worker is still producing: it follows the
    /// answer on the same channel, as [`ForeignFetchAnswer::BodyChunk`]s and
    /// then [`ForeignFetchAnswer::BodyEnd`] (or
    /// [`ForeignFetchAnswer::BodyError`]).
    pub body_follows: bool,
    /// The response's URL list (empty for a synthetic response).
    pub url_list: Vec<Url>,
    /// The type of the worker's response before Handle Foreign Fetch filtered
    /// it.
    pub response_type: ResponseType,
}

/// Script → net, on the reply channel of one intercepted fetch: how the
/// `foreignfetch` event ended, then, if the worker's response body is a
/// stream ([`ResponseParts::body_follows`]), the body as the worker produces
/// it, so that the page reads the first chunk before the worker wrote the
/// last.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum ForeignFetchAnswer {
    /// How the event ended (always the first message).
    Event(EventAnswer),
    /// The next chunk of the response body.
    BodyChunk(Vec<u8>),
    /// The response body is complete.
    BodyEnd,
    /// The response body's stream errored: the fetch's body is aborted.
    BodyError,
}

impl ForeignFetchAnswer {
    /// How the event ended, see [`EventAnswer::new`].
    pub fn new(
        fetch_id: FetchId,
        outcome: Outcome,
        response: Option<ResponseParts>,
    ) -> ForeignFetchAnswer {
        ForeignFetchAnswer::Event(EventAnswer::new(fetch_id, outcome, response))
    }

    /// `respondWith` was not called: go on to the network.
    pub fn fall_back(fetch_id: FetchId) -> ForeignFetchAnswer {
        ForeignFetchAnswer::Event(EventAnswer::fall_back(fetch_id))
    }

    /// The fetch fails with a network error.
    pub fn network_error(fetch_id: FetchId, reason: NetworkErrorReason) -> ForeignFetchAnswer {
        ForeignFetchAnswer::Event(EventAnswer::network_error(fetch_id, reason))
    }
}

/// How the `foreignfetch` event ended.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct EventAnswer {
    /// The fetch this answers.
    pub fetch_id: FetchId,
    /// What HTTP fetch does next (from [`crate::outcome::decide`]).
    pub outcome: Outcome,
    /// The worker's response, present exactly when `outcome` carries one.
    pub response: Option<ResponseParts>,
}

impl EventAnswer {
    /// An answer that keeps its invariant: a response is attached exactly when
    /// the outcome carries one. A response-carrying outcome without a response
    /// becomes a network error; a response attached to another outcome is
    /// dropped.
    pub fn new(
        fetch_id: FetchId,
        outcome: Outcome,
        response: Option<ResponseParts>,
    ) -> EventAnswer {
        match (outcome.has_response(), response) {
            (true, Some(response)) => EventAnswer {
                fetch_id,
                outcome,
                response: Some(response),
            },
            (true, None) => EventAnswer {
                fetch_id,
                outcome: Outcome::NetworkError(NetworkErrorReason::Aborted),
                response: None,
            },
            (false, _) => EventAnswer {
                fetch_id,
                outcome,
                response: None,
            },
        }
    }

    /// `respondWith` was not called: go on to the network.
    pub fn fall_back(fetch_id: FetchId) -> EventAnswer {
        EventAnswer::new(fetch_id, Outcome::FallBackToNetwork, None)
    }

    /// The fetch fails with a network error.
    pub fn network_error(fetch_id: FetchId, reason: NetworkErrorReason) -> EventAnswer {
        EventAnswer::new(fetch_id, Outcome::NetworkError(reason), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::Origin;
    use crate::request::{Destination, RequestMode, ResponseTainting};

    fn request() -> ForeignFetchRequest {
        let mut request = RequestSnapshot::new(
            Url::parse("https://cdn.test/fonts/a.woff2?v=1").unwrap(),
            Origin::parse("https://xn--caf-dma.test").unwrap(),
        );
        request.method = "POST".to_owned();
        request.headers = vec![
            ("Content-Type".to_owned(), b"text/plain".to_vec()),
            ("Accept".to_owned(), vec![0xE9, b'*']),
        ];
        request.destination = Destination::Font;
        request.mode = RequestMode::NoCors;
        request.response_tainting = ResponseTainting::Opaque;
        request.facts.client_is_secure_context = true;
        request.referrer = Some(Url::parse("https://café.test/page").unwrap());
        ForeignFetchRequest {
            fetch_id: FetchId(7),
            registration_id: RegistrationId(42),
            request,
            body: Some(b"a=b".to_vec()),
        }
    }

    fn answer() -> ForeignFetchAnswer {
        ForeignFetchAnswer::new(
            FetchId(7),
            Outcome::CorsFiltered {
                exposed_headers: vec!["X-A".to_owned()],
            },
            Some(ResponseParts {
                status: 200,
                status_text: b"OK".to_vec(),
                headers: vec![("X-A".to_owned(), b"1".to_vec())],
                body: vec![0, 1, 2, 255],
                body_follows: false,
                url_list: vec![Url::parse("https://cdn.test/fonts/a.woff2?v=1").unwrap()],
                response_type: ResponseType::Basic,
            }),
        )
    }

    #[test]
    fn event_origin_is_the_unicode_serialization() {
        assert_eq!(request().event_origin(), "https://café.test");
        let mut opaque = request();
        opaque.request.origin = Origin::Opaque;
        assert_eq!(opaque.event_origin(), "null");
    }

    #[test]
    fn answers_keep_their_invariant() {
        let answer = EventAnswer::new(FetchId(1), Outcome::Opaque, None);
        assert_eq!(
            answer.outcome,
            Outcome::NetworkError(NetworkErrorReason::Aborted)
        );
        let answer = EventAnswer::new(
            FetchId(1),
            Outcome::FallBackToNetwork,
            Some(ResponseParts::default()),
        );
        assert_eq!(answer.response, None);
        assert_eq!(
            EventAnswer::fall_back(FetchId(2)).outcome,
            Outcome::FallBackToNetwork
        );
        assert!(
            EventAnswer::network_error(FetchId(3), NetworkErrorReason::Canceled)
                .response
                .is_none()
        );
    }

    #[test]
    fn registry_updates_round_trip_over_ipc_channel() {
        use crate::options::{AllowedOrigins, ForeignFetchConfig};
        use crate::registry::WorkerState;

        let scope = Url::parse("https://cdn.test/fonts/").unwrap();
        let (sender, receiver) = ipc_channel::ipc::channel::<RegistryUpdate>().unwrap();
        for update in [
            RegistryUpdate::Set {
                key: PartitionKey::Unpartitioned,
                registration: ForeignFetchRegistration::new(
                    RegistrationId(3),
                    scope.clone(),
                    ForeignFetchConfig {
                        scopes: vec![scope.clone()],
                        origins: AllowedOrigins::List(vec![
                            Origin::parse("https://café.test").unwrap(),
                        ]),
                    },
                    WorkerState::Activating,
                ),
            },
            RegistryUpdate::Remove {
                key: PartitionKey::TopLevelSite("https://page.test".to_owned()),
                scope,
            },
        ] {
            sender.send(update.clone()).unwrap();
            assert_eq!(receiver.recv().unwrap(), update);
        }
    }

    #[test]
    fn messages_round_trip_over_ipc_channel() {
        let (request_sender, request_receiver) =
            ipc_channel::ipc::channel::<ForeignFetchRequest>().unwrap();
        let (answer_sender, answer_receiver) =
            ipc_channel::ipc::channel::<ForeignFetchAnswer>().unwrap();

        request_sender.send(request()).unwrap();
        assert_eq!(request_receiver.recv().unwrap(), request());

        let (fetch_sender, fetch_receiver) =
            ipc_channel::ipc::channel::<FetchEventRequest>().unwrap();
        let ForeignFetchRequest {
            fetch_id,
            registration_id,
            request,
            body,
        } = request();
        let fetch = FetchEventRequest {
            fetch_id,
            registration_id,
            request,
            body,
            client_id: "00000000-0000-4000-8000-000200000003".to_owned(),
            resulting_client_id: String::new(),
        };
        fetch_sender.send(fetch.clone()).unwrap();
        assert_eq!(fetch_receiver.recv().unwrap(), fetch);

        for answer in [
            answer(),
            ForeignFetchAnswer::fall_back(FetchId(8)),
            ForeignFetchAnswer::BodyChunk(vec![1, 2, 3]),
            ForeignFetchAnswer::BodyEnd,
            ForeignFetchAnswer::BodyError,
            ForeignFetchAnswer::network_error(
                FetchId(9),
                NetworkErrorReason::OriginMismatch {
                    given: "https://example.com/".to_owned(),
                    expected: "https://café.test".to_owned(),
                },
            ),
        ] {
            answer_sender.send(answer.clone()).unwrap();
            assert_eq!(answer_receiver.recv().unwrap(), answer);
        }
    }
}
