/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! A service worker's answer as the Fetch [`Response`] HTTP fetch continues
//! with: a foreign worker's ([`answer_to_response`], docs/feature.md §4, the
//! table "What the fetch gets") and the request's own worker's
//! ([`fetch_answer_to_response`]).
//!
//! The outcome was decided by the core crate (`foreign_fetch::outcome`); the
//! filters are Servo's own ([`Response::to_filtered`]), so that a worker's
//! answer is filtered exactly as a network response would be, and the checks
//! Fetch applies to any worker-provided response are Servo's too (HTTP fetch
//! step 3.3, right after the hooks).

use foreign_fetch::messages::{EventAnswer, ResponseParts};
use foreign_fetch::outcome::{NetworkErrorReason, Outcome, ResponseType as WorkerResponseType};
use http::{HeaderMap, HeaderName, HeaderValue};
use log::debug;
use net_traits::http_status::HttpStatus;
use net_traits::response::{Response, ResponseBody, ResponseType};
use net_traits::{NetworkError, ResourceFetchTiming, ResourceTimingType};
use servo_url::ServoUrl;

use crate::LOG_TARGET;

/// The network error a foreign fetch ends in, with the reason a web
/// developer can read in the log.
pub fn network_error(reason: &NetworkErrorReason) -> Response {
    Response::network_error(NetworkError::ResourceLoadError(format!(
        "foreign fetch: {reason}"
    )))
}

/// The network error Handle Fetch (the request's own service worker) ends
/// in, with the reason a web developer can read in the log.
pub fn fetch_network_error(reason: &NetworkErrorReason) -> Response {
    Response::network_error(NetworkError::ResourceLoadError(format!(
        "service worker: {reason}"
    )))
}

/// What HTTP fetch step 3.2 sets *response* to for `answer`, the answer to
/// a request whose current URL is `url`: `None` to go on to the network.
pub fn answer_to_response(
    answer: EventAnswer,
    url: &ServoUrl,
    timing_type: ResourceTimingType,
) -> Option<Response> {
    let EventAnswer {
        outcome, response, ..
    } = answer;
    let filter = match outcome {
        // Handle Foreign Fetch step 15.2: return null.
        Outcome::FallBackToNetwork => return None,
        Outcome::NetworkError(reason) => return Some(network_error(&reason)),
        Outcome::Opaque => ResponseType::Opaque,
        Outcome::PassThrough(WorkerResponseType::OpaqueRedirect) => ResponseType::OpaqueRedirect,
        Outcome::PassThrough(_) => ResponseType::Opaque,
        Outcome::CorsFiltered { .. } => ResponseType::Cors,
    };
    let mut internal = match checked_internal_response(response, Some(&filter), url, timing_type) {
        Ok(internal) => internal,
        Err(reason) => return Some(network_error(&reason)),
    };
    if let Outcome::CorsFiltered { exposed_headers } = outcome {
        // Handle Foreign Fetch step 14.17.2-3: the CORS-exposed header-name
        // list of the internal response.
        internal.cors_exposed_header_name_list = exposed_headers;
    }
    // Step 14.13.3, 14.15, 14.16, 14.17.4: a filtered response of the
    // internal response.
    Some(internal.to_filtered(filter))
}

/// What HTTP fetch step 3.1 sets *response* to for `answer`, the answer of
/// the request's own service worker ([Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch))
/// to a request whose current URL is `url`: `None` to go on (to foreign
/// fetch, then the network).
///
/// Handle Fetch returns the worker's response as it is. A `"default"` or
/// `"basic"` response becomes the unfiltered internal response, which main
/// fetch filters by the request's response tainting (step 14, as for a
/// network response); a `"cors"` response keeps exactly the headers the
/// worker's `Response` has (they are CORS-filtered already); an opaque or
/// opaque-redirect response stays one.
pub fn fetch_answer_to_response(
    answer: EventAnswer,
    url: &ServoUrl,
    timing_type: ResourceTimingType,
) -> Option<Response> {
    let EventAnswer {
        outcome, response, ..
    } = answer;
    let filter = match outcome {
        // "If respondWithEntered is false, then: ... Return null."
        Outcome::FallBackToNetwork => return None,
        Outcome::NetworkError(reason) => return Some(fetch_network_error(&reason)),
        Outcome::Opaque | Outcome::PassThrough(WorkerResponseType::Opaque) => {
            Some(ResponseType::Opaque)
        },
        Outcome::PassThrough(WorkerResponseType::OpaqueRedirect) => {
            Some(ResponseType::OpaqueRedirect)
        },
        Outcome::PassThrough(WorkerResponseType::Cors) | Outcome::CorsFiltered { .. } => {
            Some(ResponseType::Cors)
        },
        // A basic response stays basic (main fetch does not filter a
        // filtered response again, whatever the request's tainting).
        Outcome::PassThrough(WorkerResponseType::Basic) => Some(ResponseType::Basic),
        // A response the worker made: main fetch filters it by the
        // request's response tainting.
        Outcome::PassThrough(WorkerResponseType::Default | WorkerResponseType::Error) => None,
    };
    let mut internal = match checked_internal_response(response, filter.as_ref(), url, timing_type)
    {
        Ok(internal) => internal,
        Err(reason) => return Some(fetch_network_error(&reason)),
    };
    let Some(filter) = filter else {
        return Some(internal);
    };
    if filter == ResponseType::Cors {
        internal.cors_exposed_header_name_list = match outcome {
            Outcome::CorsFiltered { exposed_headers } => exposed_headers,
            // The worker's CORS response exposes the headers it has.
            _ => internal
                .headers
                .keys()
                .map(|name| name.as_str().to_owned())
                .collect(),
        };
    }
    Some(internal.to_filtered(filter))
}

/// The internal response of a response-carrying answer whose filter (if
/// any) is `filter`, or why it is a network error.
fn checked_internal_response(
    parts: Option<ResponseParts>,
    filter: Option<&ResponseType>,
    url: &ServoUrl,
    timing_type: ResourceTimingType,
) -> Result<Response, NetworkErrorReason> {
    // `EventAnswer::new` attaches a response exactly when the
    // outcome carries one; an answer that breaks this is a network error.
    let Some(parts) = parts else {
        return Err(NetworkErrorReason::Aborted);
    };
    // HTTP fetch step 3.3: "response's type is "error"" (a worker that
    // answered with `Response.error()`).
    if parts.response_type == WorkerResponseType::Error {
        return Err(NetworkErrorReason::ErrorResponse);
    }
    // A response with a status no HTTP response has (only possible from a
    // misbehaving process) is a network error: main fetch reads the status
    // of an opaque response's internal response (step 21, range statuses),
    // and Servo's `HttpStatus::code()` panics on 0. An opaque-redirect
    // response's status is never read.
    if filter != Some(&ResponseType::OpaqueRedirect) && !(100..=599).contains(&parts.status) {
        return Err(NetworkErrorReason::Aborted);
    }
    Ok(internal_response(parts, url, timing_type))
}

/// The worker's response as an unfiltered Fetch response: status, headers,
/// the whole body and the URL list. A header the worker's `Response` could
/// hold but HTTP cannot carry is dropped (and logged).
fn internal_response(
    parts: ResponseParts,
    url: &ServoUrl,
    timing_type: ResourceTimingType,
) -> Response {
    let mut response = Response::new(url.clone(), ResourceFetchTiming::new(timing_type));
    // An opaque response's status is 0, and a status from another process
    // is untrusted: anything outside 100 to 599 (which `new_raw` would panic
    // on) becomes the status of a network error.
    response.status = if (100..=599).contains(&parts.status) {
        HttpStatus::new_raw(parts.status, parts.status_text)
    } else {
        HttpStatus::new_error()
    };
    let mut headers = HeaderMap::new();
    for (name, value) in parts.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&value),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            },
            _ => {
                debug!(target: LOG_TARGET, "dropped the invalid header {name:?} of a worker's response")
            },
        }
    }
    response.headers = headers;
    response.url_list = parts.url_list.into_iter().map(ServoUrl::from_url).collect();
    // `Response::new` made a body of its own, shared with nobody. A body
    // that follows the answer is received by `StreamedBody::forward`.
    *response.body.lock() = if parts.body_follows {
        ResponseBody::Receiving(Vec::new())
    } else {
        ResponseBody::Done(parts.body)
    };
    response
}

#[cfg(test)]
mod tests {
    use foreign_fetch::messages::FetchId;

    use super::*;

    fn url() -> ServoUrl {
        ServoUrl::parse("https://cdn.test/scope/a.txt").unwrap()
    }

    fn parts() -> ResponseParts {
        ResponseParts {
            status: 201,
            status_text: b"Created".to_vec(),
            headers: vec![
                ("content-type".to_owned(), b"text/plain".to_vec()),
                ("x-exposed".to_owned(), b"1".to_vec()),
                ("x-hidden".to_owned(), b"2".to_vec()),
                ("set-cookie".to_owned(), b"a=b".to_vec()),
                ("authorization".to_owned(), b"secret".to_vec()),
            ],
            body: b"from worker".to_vec(),
            body_follows: false,
            url_list: vec![],
            response_type: WorkerResponseType::Default,
        }
    }

    fn respond(outcome: Outcome, parts: Option<ResponseParts>) -> Option<Response> {
        answer_to_response(
            EventAnswer::new(FetchId(1), outcome, parts),
            &url(),
            ResourceTimingType::Resource,
        )
    }

    fn body(response: &Response) -> Vec<u8> {
        match &*response.body.lock() {
            ResponseBody::Done(body) => body.clone(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn fall_back_is_none() {
        assert!(respond(Outcome::FallBackToNetwork, None).is_none());
    }

    #[test]
    fn network_errors() {
        let response = respond(
            Outcome::NetworkError(NetworkErrorReason::RespondWithRejected),
            None,
        )
        .unwrap();
        assert!(response.is_network_error());
        // A response-carrying outcome without a response.
        let response = answer_to_response(
            EventAnswer {
                fetch_id: FetchId(1),
                outcome: Outcome::Opaque,
                response: None,
            },
            &url(),
            ResourceTimingType::Resource,
        )
        .unwrap();
        assert!(response.is_network_error());
        // Response.error()
        let mut error = parts();
        error.response_type = WorkerResponseType::Error;
        let response = respond(
            Outcome::CorsFiltered {
                exposed_headers: vec![],
            },
            Some(error),
        )
        .unwrap();
        assert!(response.is_network_error());
    }

    /// Only the safelisted headers and those the outcome exposes reach the
    /// page; never Set-Cookie, even if the worker lists it.
    #[test]
    fn cors_filtered_exposes_only_the_listed_headers() {
        let response = respond(
            Outcome::CorsFiltered {
                exposed_headers: vec!["X-Exposed".to_owned(), "Set-Cookie".to_owned()],
            },
            Some(parts()),
        )
        .unwrap();
        assert_eq!(response.response_type, ResponseType::Cors);
        let mut names: Vec<_> = response.headers.keys().map(|name| name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["content-type", "x-exposed"]);
        assert_eq!(response.status.raw_code(), 201);
        assert_eq!(body(response.actual_response()), b"from worker");
        assert!(!response.is_network_error());
    }

    #[test]
    fn opaque_hides_everything() {
        let response = respond(Outcome::Opaque, Some(parts())).unwrap();
        assert_eq!(response.response_type, ResponseType::Opaque);
        assert!(response.headers.is_empty());
        assert_eq!(body(&response), b"");
        let response = respond(
            Outcome::PassThrough(WorkerResponseType::OpaqueRedirect),
            Some(parts()),
        )
        .unwrap();
        assert_eq!(response.response_type, ResponseType::OpaqueRedirect);
        assert!(response.headers.is_empty());
    }

    /// An opaque inner response whose status was lost (0) or a status no
    /// HTTP response can have is a network error, never a panic later in
    /// main fetch.
    #[test]
    fn out_of_range_statuses_do_not_panic() {
        for status in [0, 99, 600, u16::MAX] {
            let mut odd = parts();
            odd.status = status;
            odd.response_type = WorkerResponseType::Opaque;
            let response = respond(
                Outcome::PassThrough(WorkerResponseType::Opaque),
                Some(odd.clone()),
            )
            .unwrap();
            assert!(response.is_network_error());
            odd.response_type = WorkerResponseType::Default;
            let response = respond(
                Outcome::CorsFiltered {
                    exposed_headers: vec![],
                },
                Some(odd),
            )
            .unwrap();
            assert!(response.is_network_error());
        }
    }

    fn fetch_respond(outcome: Outcome, parts: Option<ResponseParts>) -> Option<Response> {
        fetch_answer_to_response(
            EventAnswer::new(FetchId(1), outcome, parts),
            &url(),
            ResourceTimingType::Resource,
        )
    }

    fn typed(response_type: WorkerResponseType) -> ResponseParts {
        ResponseParts {
            response_type,
            ..parts()
        }
    }

    #[test]
    fn fetch_event_fall_back_and_network_errors() {
        assert!(fetch_respond(Outcome::FallBackToNetwork, None).is_none());
        let response = fetch_respond(
            Outcome::NetworkError(NetworkErrorReason::NotAResponse),
            None,
        )
        .unwrap();
        assert!(response.is_network_error());
        // A response-carrying outcome without a response.
        let response = fetch_answer_to_response(
            EventAnswer {
                fetch_id: FetchId(1),
                outcome: Outcome::PassThrough(WorkerResponseType::Basic),
                response: None,
            },
            &url(),
            ResourceTimingType::Resource,
        )
        .unwrap();
        assert!(response.is_network_error());
        // Response.error()
        let response = fetch_respond(
            Outcome::PassThrough(WorkerResponseType::Error),
            Some(typed(WorkerResponseType::Error)),
        )
        .unwrap();
        assert!(response.is_network_error());
    }

    /// A default response (made by the worker) is the unfiltered internal
    /// response: main fetch filters it by the request's response tainting.
    #[test]
    fn fetch_event_default_responses_are_unfiltered() {
        let response = fetch_respond(
            Outcome::PassThrough(WorkerResponseType::Default),
            Some(typed(WorkerResponseType::Default)),
        )
        .unwrap();
        assert_eq!(response.response_type, ResponseType::Default);
        assert!(response.internal_response.is_none());
        assert_eq!(response.headers.len(), 5);
        assert_eq!(response.status.raw_code(), 201);
        assert_eq!(body(&response), b"from worker");
    }

    /// A basic response stays basic, so that main fetch does not filter it
    /// again by a cors request's tainting.
    #[test]
    fn fetch_event_basic_responses_stay_basic() {
        let response = fetch_respond(
            Outcome::PassThrough(WorkerResponseType::Basic),
            Some(typed(WorkerResponseType::Basic)),
        )
        .unwrap();
        assert_eq!(response.response_type, ResponseType::Basic);
        assert_eq!(response.status.raw_code(), 201);
        assert_eq!(body(&response), b"from worker");
    }

    /// A CORS response exposes the headers the worker's `Response` has
    /// (already CORS-filtered), but never Set-Cookie.
    #[test]
    fn fetch_event_cors_responses_expose_their_headers() {
        let response = fetch_respond(
            Outcome::PassThrough(WorkerResponseType::Cors),
            Some(typed(WorkerResponseType::Cors)),
        )
        .unwrap();
        assert_eq!(response.response_type, ResponseType::Cors);
        let mut names: Vec<_> = response.headers.keys().map(|name| name.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            ["authorization", "content-type", "x-exposed", "x-hidden"]
        );
        assert_eq!(body(response.actual_response()), b"from worker");
    }

    #[test]
    fn fetch_event_opaque_responses_stay_opaque() {
        let response = fetch_respond(
            Outcome::PassThrough(WorkerResponseType::Opaque),
            Some(typed(WorkerResponseType::Opaque)),
        )
        .unwrap();
        assert_eq!(response.response_type, ResponseType::Opaque);
        assert!(response.headers.is_empty());
        assert_eq!(body(&response), b"");
        let response = fetch_respond(
            Outcome::PassThrough(WorkerResponseType::OpaqueRedirect),
            Some(typed(WorkerResponseType::OpaqueRedirect)),
        )
        .unwrap();
        assert_eq!(response.response_type, ResponseType::OpaqueRedirect);
        assert!(response.headers.is_empty());
    }

    #[test]
    fn fetch_event_out_of_range_statuses_are_network_errors() {
        for status in [0, 99, 600, u16::MAX] {
            for response_type in [
                WorkerResponseType::Default,
                WorkerResponseType::Basic,
                WorkerResponseType::Cors,
                WorkerResponseType::Opaque,
            ] {
                let mut odd = typed(response_type);
                odd.status = status;
                let response =
                    fetch_respond(Outcome::PassThrough(response_type), Some(odd)).unwrap();
                assert!(response.is_network_error(), "{status} {response_type:?}");
            }
            // An opaque-redirect response's status is never read.
            let mut redirect = typed(WorkerResponseType::OpaqueRedirect);
            redirect.status = status;
            let response = fetch_respond(
                Outcome::PassThrough(WorkerResponseType::OpaqueRedirect),
                Some(redirect),
            )
            .unwrap();
            assert_eq!(response.response_type, ResponseType::OpaqueRedirect);
        }
    }

    /// The foreign fetch mapping is unchanged: a passed-through response
    /// that is not an opaque-redirect becomes opaque.
    #[test]
    fn foreign_pass_through_stays_opaque() {
        let response = respond(
            Outcome::PassThrough(WorkerResponseType::Basic),
            Some(typed(WorkerResponseType::Basic)),
        )
        .unwrap();
        assert_eq!(response.response_type, ResponseType::Opaque);
    }

    #[test]
    fn invalid_headers_are_dropped() {
        let mut invalid = parts();
        invalid.headers = vec![
            ("bad name".to_owned(), b"1".to_vec()),
            ("x-ok".to_owned(), b"bad\nvalue".to_vec()),
            ("content-type".to_owned(), b"text/plain".to_vec()),
        ];
        let response = respond(
            Outcome::CorsFiltered {
                exposed_headers: vec!["x-ok".to_owned()],
            },
            Some(invalid),
        )
        .unwrap();
        assert_eq!(response.headers.len(), 1);
    }
}
