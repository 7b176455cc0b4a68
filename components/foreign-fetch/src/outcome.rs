/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! What becomes of a request once its `foreignfetch` event is over (docs/feature.md §3
//! and the end of §4): [`handle_foreign_fetch`] applies the steps of Handle
//! Foreign Fetch that read the event, [`check_worker_response`] the checks
//! Fetch's HTTP fetch applies to any response a service worker provides, and
//! [`decide`] both. [`handle_fetch`] does the same for a `fetch` event
//! ([Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch)).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::request::{RedirectMode, RequestMode, RequestSnapshot, ResponseTainting};

/// A response's [type](https://fetch.spec.whatwg.org/#concept-response-type).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum ResponseType {
    /// `"basic"`: same-origin, or an opaque-to-nobody response.
    Basic,
    /// `"cors"`: a CORS filtered response.
    Cors,
    /// `"default"`: e.g. `new Response()`.
    #[default]
    Default,
    /// `"error"`: a network error (`Response.error()`).
    Error,
    /// `"opaque"`: an opaque filtered response.
    Opaque,
    /// `"opaqueredirect"`: an opaque-redirect filtered response.
    OpaqueRedirect,
}

/// The `response` of the `ForeignFetchResponse` a worker's `respondWith`
/// promise resolved with, and the other members of that dictionary.
#[derive(Clone, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
pub struct WorkerResponse {
    /// `ForeignFetchResponse.origin`, if present.
    pub origin: Option<String>,
    /// `ForeignFetchResponse.headers` (absent is the same as empty).
    pub headers: Vec<String>,
    /// The type of `ForeignFetchResponse.response`.
    pub response_type: ResponseType,
    /// Its [CORS-exposed header-name list](https://fetch.spec.whatwg.org/#concept-response-cors-exposed-header-name-list)
    /// (meaningful when `response_type` is [`ResponseType::Cors`]).
    pub cors_exposed_header_names: Vec<String>,
    /// The length of its [URL list](https://fetch.spec.whatwg.org/#concept-response-url-list)
    /// (more than one after redirects).
    pub url_list_len: usize,
}

/// How the `respondWith(r)` call of a `ForeignFetchEvent` (or a
/// `FetchEvent`) ended (docs/feature.md §3).
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum RespondWith {
    /// `respondWith` was not called while the event was dispatched.
    NotCalled,
    /// `r` rejected.
    Rejected,
    /// `r` resolved with something that is not a `ForeignFetchResponse`
    /// (e.g. a bare `Response`, or `{response: null}`); for a `FetchEvent`,
    /// with something that is not a `Response`.
    NotAForeignFetchResponse,
    /// `r` resolved with a `ForeignFetchResponse` whose `response` body was
    /// disturbed or locked.
    BodyUnusable,
    /// The worker was terminated (or the task discarded) before `r` settled.
    Aborted,
    /// `r` resolved with a usable `ForeignFetchResponse` (for a
    /// `FetchEvent`, a usable `Response`; `origin` and `headers` are then
    /// empty and ignored).
    Responded(WorkerResponse),
}

/// The end state of a dispatched `ForeignFetchEvent` or `FetchEvent`.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct EventResult {
    /// What `respondWith` produced.
    pub respond_with: RespondWith,
    /// Whether the event's canceled flag is set (`preventDefault()`).
    pub canceled: bool,
}

/// Why the request fails with a network error.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum NetworkErrorReason {
    /// The event was canceled without `respondWith`.
    Canceled,
    /// The `respondWith` promise rejected.
    RespondWithRejected,
    /// The `respondWith` promise resolved with something that is not a
    /// `ForeignFetchResponse`.
    NotAForeignFetchResponse,
    /// The `respondWith` promise of a `fetch` event resolved with something
    /// that is not a `Response`.
    NotAResponse,
    /// The response's body was disturbed or locked.
    BodyUnusable,
    /// The worker went away before answering.
    Aborted,
    /// `headers` was given without `origin`.
    HeadersWithoutOrigin,
    /// `origin` is not the request's origin.
    OriginMismatch {
        /// What the worker said.
        given: String,
        /// The Unicode serialization of the request's origin.
        expected: String,
    },
    /// The worker's response is a network error (`Response.error()`).
    ErrorResponse,
    /// An opaque response to a request whose mode is not "no-cors".
    OpaqueForNonNoCorsRequest,
    /// An opaque-redirect response to a request whose redirect mode is not
    /// "manual".
    OpaqueRedirectForNonManualRequest,
    /// A CORS response to a "same-origin" request.
    CorsForSameOriginRequest,
    /// A redirected response to a request whose redirect mode is not "follow".
    RedirectedForNonFollowRequest,
}

impl fmt::Display for NetworkErrorReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkErrorReason::Canceled => {
                write!(
                    formatter,
                    "the event was canceled (preventDefault()) without respondWith()"
                )
            },
            NetworkErrorReason::RespondWithRejected => {
                write!(formatter, "the promise passed to respondWith() rejected")
            },
            NetworkErrorReason::NotAForeignFetchResponse => write!(
                formatter,
                "respondWith() must resolve with {{response: <a Response>, ...}}"
            ),
            NetworkErrorReason::NotAResponse => {
                write!(formatter, "respondWith() must resolve with a Response")
            },
            NetworkErrorReason::BodyUnusable => {
                write!(formatter, "the response's body was already used or locked")
            },
            NetworkErrorReason::Aborted => {
                write!(formatter, "the service worker stopped before it answered")
            },
            NetworkErrorReason::HeadersWithoutOrigin => write!(
                formatter,
                "'headers' can only be given together with 'origin' (an opaque response exposes no headers)"
            ),
            NetworkErrorReason::OriginMismatch { given, expected } => write!(
                formatter,
                "'origin' is {given:?} but the request's origin is {expected:?} (use event.origin)"
            ),
            NetworkErrorReason::ErrorResponse => {
                write!(formatter, "the worker answered with an error response")
            },
            NetworkErrorReason::OpaqueForNonNoCorsRequest => write!(
                formatter,
                "an opaque response cannot answer a request whose mode is not \"no-cors\" (set 'origin' to opt in to CORS)"
            ),
            NetworkErrorReason::OpaqueRedirectForNonManualRequest => write!(
                formatter,
                "an opaque-redirect response can only answer a request whose redirect mode is \"manual\""
            ),
            NetworkErrorReason::CorsForSameOriginRequest => write!(
                formatter,
                "a CORS response cannot answer a request whose mode is \"same-origin\""
            ),
            NetworkErrorReason::RedirectedForNonFollowRequest => write!(
                formatter,
                "a redirected response can only answer a request whose redirect mode is \"follow\""
            ),
        }
    }
}

/// What Handle Foreign Fetch returns to HTTP fetch.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum Outcome {
    /// Null: go on to the CORS preflight, the HTTP cache and the network.
    FallBackToNetwork,
    /// A network error.
    NetworkError(NetworkErrorReason),
    /// An opaque filtered response of the worker response's internal response.
    Opaque,
    /// The worker's response as it is (it was already opaque or
    /// opaque-redirect; the type says which).
    PassThrough(ResponseType),
    /// A CORS filtered response of the worker response's internal response,
    /// whose CORS-exposed header-name list is `exposed_headers`.
    CorsFiltered {
        /// The response's CORS-exposed header-name list.
        exposed_headers: Vec<String>,
    },
}

impl Outcome {
    /// The type of the response this outcome hands to Fetch, if any.
    pub fn response_type(&self) -> Option<ResponseType> {
        match self {
            Outcome::FallBackToNetwork | Outcome::NetworkError(_) => None,
            Outcome::Opaque => Some(ResponseType::Opaque),
            Outcome::PassThrough(response_type) => Some(*response_type),
            Outcome::CorsFiltered { .. } => Some(ResponseType::Cors),
        }
    }

    /// Whether this outcome carries a response (from the worker).
    pub fn has_response(&self) -> bool {
        self.response_type().is_some()
    }
}

/// What a functional event's end state gives, the same for a `foreignfetch`
/// event (Handle Foreign Fetch steps 14.8, 14.12, 15, 16) and a `fetch`
/// event (Handle Fetch): the worker's response, or the outcome without one.
/// `not_a_response` is the reason when the promise's value was not what the
/// event's `respondWith()` takes.
fn potential_response(
    event: &EventResult,
    not_a_response: NetworkErrorReason,
) -> Result<&WorkerResponse, Outcome> {
    match &event.respond_with {
        // "If e's respond-with entered flag is set, set respondWithEntered
        // to true." "If respondWithEntered is false, then: If eventCanceled
        // is true, then: Return a network error. Else: Return null."
        RespondWith::NotCalled if event.canceled => {
            Err(Outcome::NetworkError(NetworkErrorReason::Canceled))
        },
        RespondWith::NotCalled => Err(Outcome::FallBackToNetwork),
        // "If e's respond-with error flag is set, set handleFetchFailed to
        // true." "If handleFetchFailed is true, then: Return a network
        // error." (respondWith(r): upon rejection of r; a value that is not
        // the kind respondWith() takes; a disturbed or locked body.)
        RespondWith::Rejected => Err(Outcome::NetworkError(
            NetworkErrorReason::RespondWithRejected,
        )),
        RespondWith::NotAForeignFetchResponse => Err(Outcome::NetworkError(not_a_response)),
        RespondWith::BodyUnusable => Err(Outcome::NetworkError(NetworkErrorReason::BodyUnusable)),
        // "If task is discarded or the script has been aborted by the
        // termination of activeWorker, set handleFetchFailed to true."
        RespondWith::Aborted => Err(Outcome::NetworkError(NetworkErrorReason::Aborted)),
        RespondWith::Responded(response) => Ok(response),
    }
}

/// The steps of [Handle Foreign Fetch](https://w3c.github.io/ServiceWorker/#on-foreign-fetch-request-algorithm)
/// that follow the dispatch of the `foreignfetch` event (steps 14.8 to 16),
/// for the event's end state `event` and the `request` it was dispatched for.
pub fn handle_foreign_fetch(event: &EventResult, request: &RequestSnapshot) -> Outcome {
    // Steps 14.8, 14.12, 15 and 16: no response, or a network error.
    let potential_response =
        match potential_response(event, NetworkErrorReason::NotAForeignFetchResponse) {
            Ok(response) => response,
            Err(outcome) => return outcome,
        };

    // Step 14.10. Let internalResponse be e's potential response.
    // Step 14.11. If internalResponse is a filtered response, set
    // internalResponse to internalResponse's internal response.
    // (Which internal response Fetch keeps is the caller's business; the
    // outcome names the filter to apply to it.)
    let response_type = potential_response.response_type;
    let is_opaque = matches!(
        response_type,
        ResponseType::Opaque | ResponseType::OpaqueRedirect
    );

    match &potential_response.origin {
        // Step 14.13. Else if e's origin is null:
        None => {
            // Step 14.13.1. If e's list of exposed headers is not empty, set
            // handleFetchFailed to true.
            if !potential_response.headers.is_empty() {
                return Outcome::NetworkError(NetworkErrorReason::HeadersWithoutOrigin);
            }
            // Step 14.13.2. Else if e's potential response is a
            // opaque-redirect filtered response, set response to e's potential
            // response.
            if response_type == ResponseType::OpaqueRedirect {
                return Outcome::PassThrough(ResponseType::OpaqueRedirect);
            }
            // Step 14.13.3. Else set response to an opaque filtered response
            // of internalResponse.
            Outcome::Opaque
        },
        Some(origin) => {
            // Step 14.14. Else if e's origin is not equal to the Unicode
            // serialization of request's origin, set handleFetchFailed to
            // true.
            let expected = request.origin.unicode_serialization();
            if *origin != expected {
                return Outcome::NetworkError(NetworkErrorReason::OriginMismatch {
                    given: origin.clone(),
                    expected,
                });
            }
            // Step 14.15. Else if e's potential response is an opaque
            // filtered response or is an opaque-redirect filtered response,
            // set response to e's potential response.
            if is_opaque {
                return Outcome::PassThrough(response_type);
            }
            // Step 14.16. Else if request's response tainting is "opaque", set
            // response to an opaque filtered response of internalResponse.
            if request.response_tainting == ResponseTainting::Opaque {
                return Outcome::Opaque;
            }
            // Step 14.17. Else:
            // Step 14.17.1. Let headers be e's list of exposed headers.
            let headers = &potential_response.headers;
            let exposed_headers = if response_type == ResponseType::Cors {
                // Step 14.17.2. If response is a CORS filtered response,
                // remove from internalResponse's CORS-exposed header-name list
                // all values not in headers. ("response" here is e's potential
                // response: the list is narrowed, never widened.)
                let mut exposed: Vec<String> = Vec::new();
                for name in &potential_response.cors_exposed_header_names {
                    if headers
                        .iter()
                        .any(|header| header.eq_ignore_ascii_case(name))
                        && !exposed.iter().any(|kept| kept.eq_ignore_ascii_case(name))
                    {
                        exposed.push(name.clone());
                    }
                }
                exposed
            } else {
                // Step 14.17.3. Else set internalResponse's CORS-exposed
                // header-name list to headers.
                headers.clone()
            };
            // Step 14.17.4. Set response to a CORS filtered response of
            // internalResponse.
            Outcome::CorsFiltered { exposed_headers }
        },
    }
    // Step 17. Else: Return response. (The returns above.)
}

/// The checks [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch)
/// applies to a response a service worker provided (step 3.3 of today's
/// standard, Servo's `http_fetch` step 3 "Subsubstep 3"): `response_type` is
/// the type of the response Handle Foreign Fetch returned and `url_list_len`
/// the length of its URL list.
pub fn check_worker_response(
    response_type: ResponseType,
    url_list_len: usize,
    request: &RequestSnapshot,
) -> Result<(), NetworkErrorReason> {
    // "If one of the following is true, then return a network error:"
    // "response's type is "error""
    if response_type == ResponseType::Error {
        return Err(NetworkErrorReason::ErrorResponse);
    }
    // "request's mode is "same-origin" and response's type is "cors""
    if request.mode == RequestMode::SameOrigin && response_type == ResponseType::Cors {
        return Err(NetworkErrorReason::CorsForSameOriginRequest);
    }
    // "request's mode is not "no-cors" and response's type is "opaque""
    if request.mode != RequestMode::NoCors && response_type == ResponseType::Opaque {
        return Err(NetworkErrorReason::OpaqueForNonNoCorsRequest);
    }
    // "request's redirect mode is not "manual" and response's type is
    // "opaqueredirect""
    if request.redirect_mode != RedirectMode::Manual
        && response_type == ResponseType::OpaqueRedirect
    {
        return Err(NetworkErrorReason::OpaqueRedirectForNonManualRequest);
    }
    // "request's redirect mode is not "follow" and response's URL list has
    // more than one item."
    if request.redirect_mode != RedirectMode::Follow && url_list_len > 1 {
        return Err(NetworkErrorReason::RedirectedForNonFollowRequest);
    }
    Ok(())
}

/// The steps of [Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch)
/// that follow the dispatch of the `fetch` event, for the event's end state
/// `event` and the `request` it was dispatched for, then the checks of
/// [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch) step 3.3
/// on the response ([`check_worker_response`]): the outcome HTTP fetch acts
/// on.
///
/// A response is passed on as the worker gave it
/// ([`Outcome::PassThrough`] with its type): Handle Fetch filters nothing
/// (the filters of a foreign worker's answer do not apply).
pub fn handle_fetch(event: &EventResult, request: &RequestSnapshot) -> Outcome {
    // "If respondWithEntered is false", "If handleFetchFailed is true": no
    // response, or a network error. Else "Return response" (the event's
    // potential response, as the worker's `Response` has it; `origin` and
    // `headers` are foreign fetch's).
    let response = match potential_response(event, NetworkErrorReason::NotAResponse) {
        Ok(response) => response,
        Err(outcome) => return outcome,
    };
    // HTTP fetch step 3.3: "If one of the following is true, then return a
    // network error: response's type is "error"; ..."
    if let Err(reason) =
        check_worker_response(response.response_type, response.url_list_len, request)
    {
        return Outcome::NetworkError(reason);
    }
    Outcome::PassThrough(response.response_type)
}

/// [`handle_foreign_fetch`], then [`check_worker_response`] on the response it
/// returned: the outcome HTTP fetch acts on.
pub fn decide(event: &EventResult, request: &RequestSnapshot) -> Outcome {
    let outcome = handle_foreign_fetch(event, request);
    let (Some(response_type), RespondWith::Responded(response)) =
        (outcome.response_type(), &event.respond_with)
    else {
        return outcome;
    };
    // A worker response whose type is "error" is a network error whatever
    // filter Handle Foreign Fetch picked for it.
    let response_type = if response.response_type == ResponseType::Error {
        ResponseType::Error
    } else {
        response_type
    };
    match check_worker_response(response_type, response.url_list_len, request) {
        Ok(()) => outcome,
        Err(reason) => Outcome::NetworkError(reason),
    }
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::*;
    use crate::origin::Origin;

    const PAGE: &str = "https://page.test";

    fn request(mode: RequestMode) -> RequestSnapshot {
        let mut request = RequestSnapshot::new(
            Url::parse("https://remote.test/resources/simple.txt").unwrap(),
            Origin::parse(PAGE).unwrap(),
        );
        request.mode = mode;
        request.response_tainting = match mode {
            RequestMode::NoCors => ResponseTainting::Opaque,
            _ => ResponseTainting::Cors,
        };
        request.facts.client_is_secure_context = true;
        request
    }

    fn responded(response: WorkerResponse) -> EventResult {
        EventResult {
            respond_with: RespondWith::Responded(response),
            canceled: false,
        }
    }

    fn basic() -> WorkerResponse {
        WorkerResponse {
            response_type: ResponseType::Basic,
            url_list_len: 1,
            ..WorkerResponse::default()
        }
    }

    #[test]
    fn not_calling_respond_with_falls_back_to_the_network() {
        let event = EventResult {
            respond_with: RespondWith::NotCalled,
            canceled: false,
        };
        assert_eq!(
            decide(&event, &request(RequestMode::Cors)),
            Outcome::FallBackToNetwork
        );
    }

    #[test]
    fn canceling_without_respond_with_is_a_network_error() {
        let event = EventResult {
            respond_with: RespondWith::NotCalled,
            canceled: true,
        };
        assert_eq!(
            decide(&event, &request(RequestMode::Cors)),
            Outcome::NetworkError(NetworkErrorReason::Canceled)
        );
        // Canceling after respondWith changes nothing.
        let mut event = responded(basic());
        event.canceled = true;
        assert_eq!(
            decide(&event, &request(RequestMode::NoCors)),
            Outcome::Opaque
        );
    }

    #[test]
    fn failed_respond_with_is_a_network_error() {
        for (respond_with, reason) in [
            (
                RespondWith::Rejected,
                NetworkErrorReason::RespondWithRejected,
            ),
            // {response: null}, or a bare Response.
            (
                RespondWith::NotAForeignFetchResponse,
                NetworkErrorReason::NotAForeignFetchResponse,
            ),
            (RespondWith::BodyUnusable, NetworkErrorReason::BodyUnusable),
            (RespondWith::Aborted, NetworkErrorReason::Aborted),
        ] {
            let event = EventResult {
                respond_with,
                canceled: false,
            };
            for mode in [RequestMode::Cors, RequestMode::NoCors] {
                assert_eq!(
                    decide(&event, &request(mode)),
                    Outcome::NetworkError(reason.clone())
                );
            }
        }
    }

    #[test]
    fn headers_without_origin_is_a_network_error() {
        let event = responded(WorkerResponse {
            headers: vec!["X-A".to_owned()],
            ..basic()
        });
        assert_eq!(
            decide(&event, &request(RequestMode::NoCors)),
            Outcome::NetworkError(NetworkErrorReason::HeadersWithoutOrigin)
        );
    }

    #[test]
    fn no_origin_gives_an_opaque_response_except_for_opaque_redirects() {
        assert_eq!(
            handle_foreign_fetch(&responded(basic()), &request(RequestMode::Cors)),
            Outcome::Opaque
        );
        let redirect = responded(WorkerResponse {
            response_type: ResponseType::OpaqueRedirect,
            ..basic()
        });
        assert_eq!(
            handle_foreign_fetch(&redirect, &request(RequestMode::NoCors)),
            Outcome::PassThrough(ResponseType::OpaqueRedirect)
        );
    }

    #[test]
    fn origin_must_be_the_unicode_serialization_of_the_request_origin() {
        let mut request = request(RequestMode::Cors);
        request.origin = Origin::parse("https://xn--caf-dma.test").unwrap();
        let event = |origin: &str| {
            responded(WorkerResponse {
                origin: Some(origin.to_owned()),
                ..basic()
            })
        };
        assert_eq!(
            decide(&event("https://café.test"), &request),
            Outcome::CorsFiltered {
                exposed_headers: vec![]
            }
        );
        assert_eq!(
            decide(&event("https://xn--caf-dma.test"), &request),
            Outcome::NetworkError(NetworkErrorReason::OriginMismatch {
                given: "https://xn--caf-dma.test".to_owned(),
                expected: "https://café.test".to_owned(),
            })
        );
        // A trailing slash makes it another string.
        assert!(matches!(
            decide(&event("https://café.test/"), &request),
            Outcome::NetworkError(NetworkErrorReason::OriginMismatch { .. })
        ));
        // An opaque request origin serializes as "null".
        request.origin = Origin::Opaque;
        assert_eq!(
            decide(&event("null"), &request),
            Outcome::CorsFiltered {
                exposed_headers: vec![]
            }
        );
    }

    #[test]
    fn opaque_worker_responses_pass_through() {
        for response_type in [ResponseType::Opaque, ResponseType::OpaqueRedirect] {
            let event = responded(WorkerResponse {
                origin: Some(PAGE.to_owned()),
                response_type,
                ..basic()
            });
            assert_eq!(
                handle_foreign_fetch(&event, &request(RequestMode::Cors)),
                Outcome::PassThrough(response_type)
            );
        }
        let opaque = responded(WorkerResponse {
            origin: Some(PAGE.to_owned()),
            response_type: ResponseType::Opaque,
            ..basic()
        });
        assert_eq!(
            decide(&opaque, &request(RequestMode::NoCors)),
            Outcome::PassThrough(ResponseType::Opaque)
        );
        assert_eq!(
            decide(&opaque, &request(RequestMode::Cors)),
            Outcome::NetworkError(NetworkErrorReason::OpaqueForNonNoCorsRequest)
        );
    }

    #[test]
    fn opaque_tainting_gives_an_opaque_response_even_with_origin() {
        let event = responded(WorkerResponse {
            origin: Some(PAGE.to_owned()),
            headers: vec!["X-A".to_owned()],
            ..basic()
        });
        assert_eq!(
            decide(&event, &request(RequestMode::NoCors)),
            Outcome::Opaque
        );
    }

    #[test]
    fn cors_exposed_headers_are_narrowed_never_widened() {
        let event = responded(WorkerResponse {
            origin: Some(PAGE.to_owned()),
            headers: vec!["x-b".to_owned(), "X-C".to_owned(), "X-D".to_owned()],
            response_type: ResponseType::Cors,
            cors_exposed_header_names: vec![
                "X-A".to_owned(),
                "X-B".to_owned(),
                "x-c".to_owned(),
                "X-B".to_owned(),
            ],
            url_list_len: 1,
        });
        assert_eq!(
            decide(&event, &request(RequestMode::Cors)),
            Outcome::CorsFiltered {
                exposed_headers: vec!["X-B".to_owned(), "x-c".to_owned()]
            }
        );
        // A basic or default response gets exactly `headers`.
        for response_type in [ResponseType::Basic, ResponseType::Default] {
            let event = responded(WorkerResponse {
                origin: Some(PAGE.to_owned()),
                headers: vec!["X-D".to_owned()],
                response_type,
                url_list_len: 1,
                ..WorkerResponse::default()
            });
            assert_eq!(
                decide(&event, &request(RequestMode::Cors)),
                Outcome::CorsFiltered {
                    exposed_headers: vec!["X-D".to_owned()]
                }
            );
        }
    }

    #[test]
    fn http_fetch_checks() {
        let mut request = request(RequestMode::Cors);
        assert_eq!(
            check_worker_response(ResponseType::Cors, 1, &request),
            Ok(())
        );
        assert_eq!(
            check_worker_response(ResponseType::Error, 1, &request),
            Err(NetworkErrorReason::ErrorResponse)
        );
        assert_eq!(
            check_worker_response(ResponseType::Opaque, 1, &request),
            Err(NetworkErrorReason::OpaqueForNonNoCorsRequest)
        );
        assert_eq!(
            check_worker_response(ResponseType::OpaqueRedirect, 1, &request),
            Err(NetworkErrorReason::OpaqueRedirectForNonManualRequest)
        );
        request.redirect_mode = RedirectMode::Manual;
        request.mode = RequestMode::NoCors;
        assert_eq!(
            check_worker_response(ResponseType::OpaqueRedirect, 1, &request),
            Ok(())
        );
        assert_eq!(
            check_worker_response(ResponseType::Basic, 2, &request),
            Err(NetworkErrorReason::RedirectedForNonFollowRequest)
        );
        request.redirect_mode = RedirectMode::Follow;
        assert_eq!(
            check_worker_response(ResponseType::Basic, 2, &request),
            Ok(())
        );
        request.mode = RequestMode::SameOrigin;
        assert_eq!(
            check_worker_response(ResponseType::Cors, 1, &request),
            Err(NetworkErrorReason::CorsForSameOriginRequest)
        );
    }

    #[test]
    fn error_responses_are_network_errors_whatever_the_filter() {
        let event = responded(WorkerResponse {
            origin: Some(PAGE.to_owned()),
            response_type: ResponseType::Error,
            url_list_len: 0,
            ..WorkerResponse::default()
        });
        for mode in [RequestMode::Cors, RequestMode::NoCors] {
            assert_eq!(
                decide(&event, &request(mode)),
                Outcome::NetworkError(NetworkErrorReason::ErrorResponse)
            );
        }
    }

    #[test]
    fn redirected_worker_response_with_redirect_mode_error() {
        let mut request = request(RequestMode::Cors);
        request.redirect_mode = RedirectMode::Error;
        let event = responded(WorkerResponse {
            origin: Some(PAGE.to_owned()),
            url_list_len: 2,
            ..basic()
        });
        assert_eq!(
            decide(&event, &request),
            Outcome::NetworkError(NetworkErrorReason::RedirectedForNonFollowRequest)
        );
    }

    fn fetch_event(respond_with: RespondWith, canceled: bool) -> EventResult {
        EventResult {
            respond_with,
            canceled,
        }
    }

    #[test]
    fn fetch_event_without_respond_with() {
        let request = request(RequestMode::Cors);
        assert_eq!(
            handle_fetch(&fetch_event(RespondWith::NotCalled, false), &request),
            Outcome::FallBackToNetwork
        );
        assert_eq!(
            handle_fetch(&fetch_event(RespondWith::NotCalled, true), &request),
            Outcome::NetworkError(NetworkErrorReason::Canceled)
        );
    }

    #[test]
    fn fetch_event_failed_respond_with() {
        for (respond_with, reason) in [
            (
                RespondWith::Rejected,
                NetworkErrorReason::RespondWithRejected,
            ),
            (
                RespondWith::NotAForeignFetchResponse,
                NetworkErrorReason::NotAResponse,
            ),
            (RespondWith::BodyUnusable, NetworkErrorReason::BodyUnusable),
            (RespondWith::Aborted, NetworkErrorReason::Aborted),
        ] {
            for canceled in [false, true] {
                assert_eq!(
                    handle_fetch(
                        &fetch_event(respond_with.clone(), canceled),
                        &request(RequestMode::Cors)
                    ),
                    Outcome::NetworkError(reason.clone())
                );
            }
        }
    }

    /// The worker's response goes through unfiltered, whatever the
    /// request's tainting; `origin` and `headers` (foreign fetch's) are
    /// ignored.
    #[test]
    fn fetch_event_responses_pass_through() {
        for response_type in [
            ResponseType::Default,
            ResponseType::Basic,
            ResponseType::Cors,
        ] {
            for mode in [
                RequestMode::Cors,
                RequestMode::NoCors,
                RequestMode::Navigate,
            ] {
                let event = responded(WorkerResponse {
                    response_type,
                    headers: vec!["X-A".to_owned()],
                    ..basic()
                });
                assert_eq!(
                    handle_fetch(&event, &request(mode)),
                    Outcome::PassThrough(response_type),
                    "{response_type:?} for {mode:?}"
                );
            }
        }
        let mut canceled = responded(basic());
        canceled.canceled = true;
        assert_eq!(
            handle_fetch(&canceled, &request(RequestMode::Cors)),
            Outcome::PassThrough(ResponseType::Basic)
        );
        let opaque = responded(WorkerResponse {
            response_type: ResponseType::Opaque,
            origin: Some("https://elsewhere.test".to_owned()),
            ..basic()
        });
        assert_eq!(
            handle_fetch(&opaque, &request(RequestMode::NoCors)),
            Outcome::PassThrough(ResponseType::Opaque)
        );
        let mut manual = request(RequestMode::Navigate);
        manual.redirect_mode = RedirectMode::Manual;
        let redirect = responded(WorkerResponse {
            response_type: ResponseType::OpaqueRedirect,
            ..basic()
        });
        assert_eq!(
            handle_fetch(&redirect, &manual),
            Outcome::PassThrough(ResponseType::OpaqueRedirect)
        );
    }

    /// Fetch's checks on a worker's response (HTTP fetch step 3.3).
    #[test]
    fn fetch_event_responses_are_checked() {
        let error = responded(WorkerResponse {
            response_type: ResponseType::Error,
            url_list_len: 0,
            ..WorkerResponse::default()
        });
        assert_eq!(
            handle_fetch(&error, &request(RequestMode::NoCors)),
            Outcome::NetworkError(NetworkErrorReason::ErrorResponse)
        );
        let opaque = responded(WorkerResponse {
            response_type: ResponseType::Opaque,
            ..basic()
        });
        for mode in [
            RequestMode::Cors,
            RequestMode::SameOrigin,
            RequestMode::Navigate,
        ] {
            assert_eq!(
                handle_fetch(&opaque, &request(mode)),
                Outcome::NetworkError(NetworkErrorReason::OpaqueForNonNoCorsRequest),
                "{mode:?}"
            );
        }
        let cors = responded(WorkerResponse {
            response_type: ResponseType::Cors,
            ..basic()
        });
        assert_eq!(
            handle_fetch(&cors, &request(RequestMode::SameOrigin)),
            Outcome::NetworkError(NetworkErrorReason::CorsForSameOriginRequest)
        );
        let redirect = responded(WorkerResponse {
            response_type: ResponseType::OpaqueRedirect,
            ..basic()
        });
        assert_eq!(
            handle_fetch(&redirect, &request(RequestMode::Navigate)),
            Outcome::NetworkError(NetworkErrorReason::OpaqueRedirectForNonManualRequest)
        );
        let redirected = responded(WorkerResponse {
            url_list_len: 2,
            ..basic()
        });
        let mut manual = request(RequestMode::Navigate);
        manual.redirect_mode = RedirectMode::Manual;
        assert_eq!(
            handle_fetch(&redirected, &manual),
            Outcome::NetworkError(NetworkErrorReason::RedirectedForNonFollowRequest)
        );
        assert_eq!(
            handle_fetch(&redirected, &request(RequestMode::Cors)),
            Outcome::PassThrough(ResponseType::Basic)
        );
    }

    #[test]
    fn reasons_name_no_event_type() {
        assert_eq!(
            NetworkErrorReason::NotAResponse.to_string(),
            "respondWith() must resolve with a Response"
        );
        assert!(!NetworkErrorReason::Canceled.to_string().contains("foreign"));
        assert!(!NetworkErrorReason::Aborted.to_string().contains("foreign"));
    }

    /// The 16 cases of the removed WPT
    /// `service-workers/service-worker/foreign-fetch-cors.https.html`, at this
    /// level. The worker fetches `simple.txt` from its own origin ("same
    /// origin", a basic response that carries `X-ServiceWorker-ServerHeader`)
    /// or, with mode "cors", from a third origin that sends
    /// `Access-Control-Allow-Origin` and maybe
    /// `Access-Control-Expose-Headers: X-ServiceWorker-ServerHeader` ("cross
    /// origin"), then answers `{}` / `{origin}` / `{origin, headers}` / a wrong
    /// origin. The page observes through `fetch()` (mode "cors"),
    /// `fetch(url, {mode: "no-cors"})` and XHR (mode "cors").
    #[test]
    fn foreign_fetch_cors_matrix() {
        const TEST_HEADER: &str = "X-ServiceWorker-ServerHeader";
        const WRONG_ORIGIN: &str = "https://example.com/";

        #[derive(Clone, Copy, Debug)]
        enum Inner {
            SameOrigin {
                #[expect(
                    dead_code,
                    reason = "names the WPT case; a same-origin fetch ignores CORS headers"
                )]
                cors_headers: bool,
            },
            CrossOrigin {
                expose_headers: bool,
            },
        }
        #[derive(Clone, Copy, Debug)]
        enum Answer {
            Nothing,
            Origin,
            OriginAndHeaders,
            WrongOrigin,
        }
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum Expect {
            /// `fetch()` and XHR fail, no-cors `fetch()` gives an opaque
            /// response.
            Opaque,
            /// Every way fails.
            NetworkError,
            /// `fetch()` and XHR give a CORS response, where the test header
            /// is visible or not.
            Cors { header_visible: bool },
        }

        fn worker_response(inner: Inner, answer: Answer) -> WorkerResponse {
            let (response_type, cors_exposed_header_names) = match inner {
                // A same-origin fetch gives a basic response: the CORS
                // headers the server adds change nothing.
                Inner::SameOrigin { cors_headers: _ } => (ResponseType::Basic, vec![]),
                Inner::CrossOrigin { expose_headers } => (
                    ResponseType::Cors,
                    if expose_headers {
                        vec![TEST_HEADER.to_owned()]
                    } else {
                        vec![]
                    },
                ),
            };
            let (origin, headers) = match answer {
                Answer::Nothing => (None, vec![]),
                Answer::Origin => (Some(PAGE.to_owned()), vec![]),
                Answer::OriginAndHeaders => (Some(PAGE.to_owned()), vec![TEST_HEADER.to_owned()]),
                Answer::WrongOrigin => {
                    (Some(WRONG_ORIGIN.to_owned()), vec![TEST_HEADER.to_owned()])
                },
            };
            WorkerResponse {
                origin,
                headers,
                response_type,
                cors_exposed_header_names,
                url_list_len: 1,
            }
        }

        fn observe(inner: Inner, answer: Answer) -> Expect {
            let event = responded(worker_response(inner, answer));
            let cors = decide(&event, &request(RequestMode::Cors));
            let no_cors = decide(&event, &request(RequestMode::NoCors));
            match (cors, no_cors) {
                (Outcome::NetworkError(_), Outcome::NetworkError(_)) => Expect::NetworkError,
                (Outcome::NetworkError(_), Outcome::Opaque) => Expect::Opaque,
                (Outcome::CorsFiltered { exposed_headers }, Outcome::Opaque) => Expect::Cors {
                    header_visible: exposed_headers
                        .iter()
                        .any(|name| name.eq_ignore_ascii_case(TEST_HEADER)),
                },
                other => panic!("unexpected outcomes {other:?}"),
            }
        }

        use Answer::*;
        let same_plain = Inner::SameOrigin {
            cors_headers: false,
        };
        let same_cors = Inner::SameOrigin { cors_headers: true };
        let cross_aceh = Inner::CrossOrigin {
            expose_headers: true,
        };
        let cross_plain = Inner::CrossOrigin {
            expose_headers: false,
        };
        let visible = Expect::Cors {
            header_visible: true,
        };
        let hidden = Expect::Cors {
            header_visible: false,
        };
        let cases = [
            (
                "Same origin fetch without CORS headers, not exposed",
                same_plain,
                Nothing,
                Expect::Opaque,
            ),
            (
                "Same origin fetch without CORS headers, only origin exposed",
                same_plain,
                Origin,
                hidden,
            ),
            (
                "Same origin fetch without CORS headers, headers and origin exposed",
                same_plain,
                OriginAndHeaders,
                visible,
            ),
            (
                "Same origin fetch without CORS headers, exposed to wrong origin",
                same_plain,
                WrongOrigin,
                Expect::NetworkError,
            ),
            (
                "Same origin fetch with CORS headers, not exposed",
                same_cors,
                Nothing,
                Expect::Opaque,
            ),
            (
                "Same origin fetch with CORS headers, only origin exposed",
                same_cors,
                Origin,
                hidden,
            ),
            (
                "Same origin fetch with CORS headers, headers and origin exposed",
                same_cors,
                OriginAndHeaders,
                visible,
            ),
            (
                "Same origin fetch with CORS headers, exposed to wrong origin",
                same_cors,
                WrongOrigin,
                Expect::NetworkError,
            ),
            (
                "Cross origin fetch without CORS headers, not exposed",
                cross_plain,
                Nothing,
                Expect::Opaque,
            ),
            (
                "Cross origin fetch with ACEHeaders header, not exposed",
                cross_aceh,
                Nothing,
                Expect::Opaque,
            ),
            (
                "Cross origin fetch with ACEHeaders header, only origin exposed",
                cross_aceh,
                Origin,
                hidden,
            ),
            (
                "Cross origin fetch with ACEHeaders header, headers and origin exposed",
                cross_aceh,
                OriginAndHeaders,
                visible,
            ),
            (
                "Cross origin fetch with ACEHeaders header, exposed to wrong origin",
                cross_aceh,
                WrongOrigin,
                Expect::NetworkError,
            ),
            (
                "Cross origin fetch without ACEHeaders header, not exposed",
                cross_plain,
                Nothing,
                Expect::Opaque,
            ),
            (
                "Cross origin fetch without ACEHeaders header, only origin exposed",
                cross_plain,
                Origin,
                hidden,
            ),
            (
                "Cross origin fetch without ACEHeaders header, headers and origin exposed",
                cross_plain,
                OriginAndHeaders,
                hidden,
            ),
        ];
        assert_eq!(cases.len(), 16);
        for (name, inner, answer, expected) in cases {
            assert_eq!(observe(inner, answer), expected, "{name}");
        }
    }
}
