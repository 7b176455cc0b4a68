/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Which requests a foreign fetch worker may see at all (spec §4), judged from
//! the request alone, before the registry is consulted.
//!
//! The checks that need the matched worker (its foreign fetch scopes, its
//! origin, its origin list) are in [`crate::registry::Registry::lookup`].

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::request::RequestSnapshot;
use crate::request::{Destination, ServiceWorkersMode};
use crate::safelist::{
    MAX_SAFELISTED_TOTAL_LENGTH, is_cors_safelisted_method, is_cors_safelisted_request_header,
    safelisted_value_size,
};

/// Why a request is not offered to foreign fetch workers. Meant for logging;
/// none of these is an error, the request simply goes on to the network.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum Ineligible {
    /// The request's service-workers mode is "none".
    ServiceWorkersModeNone,
    /// A navigation request.
    Navigation(Destination),
    /// A worker's main script.
    WorkerScript(Destination),
    /// Any other non-subresource request (e.g. a report).
    NotSubresource(Destination),
    /// The request's client is not a secure context.
    ClientNotSecureContext,
    /// The request's origin is same origin with its URL.
    SameOrigin,
    /// The method is not `GET`, `HEAD` or `POST`.
    MethodNotSafelisted(String),
    /// The request's use-CORS-preflight flag is set.
    UseCorsPreflight,
    /// This header is not a CORS-safelisted request-header.
    HeaderNotSafelisted(String),
    /// The CORS-safelisted headers' values are longer than 1024 bytes together.
    SafelistedHeadersTooLong(usize),
}

impl fmt::Display for Ineligible {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ineligible::ServiceWorkersModeNone => {
                write!(formatter, "the request's service-workers mode is \"none\"")
            },
            Ineligible::Navigation(destination) => {
                write!(
                    formatter,
                    "navigation requests ({destination:?}) are never intercepted"
                )
            },
            Ineligible::WorkerScript(destination) => {
                write!(
                    formatter,
                    "worker scripts ({destination:?}) are never intercepted"
                )
            },
            Ineligible::NotSubresource(destination) => {
                write!(formatter, "not a subresource request ({destination:?})")
            },
            Ineligible::ClientNotSecureContext => {
                write!(formatter, "the request's client is not a secure context")
            },
            Ineligible::SameOrigin => write!(formatter, "the request is same-origin"),
            Ineligible::MethodNotSafelisted(method) => {
                write!(formatter, "method {method:?} would need a CORS preflight")
            },
            Ineligible::UseCorsPreflight => {
                write!(formatter, "the request's use-CORS-preflight flag is set")
            },
            Ineligible::HeaderNotSafelisted(name) => {
                write!(formatter, "header {name:?} would need a CORS preflight")
            },
            Ineligible::SafelistedHeadersTooLong(size) => write!(
                formatter,
                "CORS-safelisted header values total {size} bytes (more than {MAX_SAFELISTED_TOTAL_LENGTH})"
            ),
        }
    }
}

impl std::error::Error for Ineligible {}

/// The request-only conditions of
/// [Handle Foreign Fetch](https://w3c.github.io/ServiceWorker/#on-foreign-fetch-request-algorithm)
/// (spec §4) and of its call site in Fetch's HTTP fetch.
///
/// `Ok(())` means: look the request up with
/// [`crate::registry::Registry::lookup`]. Chrome's rule is followed for
/// headers: anything that would need a CORS preflight is not intercepted, even
/// when a preflight result is cached.
pub fn check(request: &RequestSnapshot) -> Result<(), Ineligible> {
    // HTTP fetch: "If request's service-workers mode is not "none" ..."
    if request.service_workers_mode == ServiceWorkersMode::None {
        return Err(Ineligible::ServiceWorkersModeNone);
    }

    // Step 4. If request is not a subresource request, return null and abort
    // these steps.
    let destination = request.destination;
    if !destination.is_subresource() {
        return Err(if destination.is_navigation() {
            Ineligible::Navigation(destination)
        } else if destination.is_worker_script() {
            Ineligible::WorkerScript(destination)
        } else {
            Ineligible::NotSubresource(destination)
        });
    }

    // Step 5. If request's client is not a secure context, return null and
    // abort these steps.
    if !request.client_is_secure_context {
        return Err(Ineligible::ClientNotSecureContext);
    }

    // HTTP fetch: "... and request's origin is not same origin with request's
    // current URL's origin, run Handle Foreign Fetch."
    if request.origin.same_origin_with_url(&request.url) {
        return Err(Ineligible::SameOrigin);
    }

    // Step 12. If request's method is not a CORS-safelisted method, or if
    // there is at least one header in request's header list for whose name is
    // not a CORS-safelisted request-header, return null.
    if !is_cors_safelisted_method(&request.method) {
        return Err(Ineligible::MethodNotSafelisted(request.method.clone()));
    }
    // The current Fetch standard judges a header by its name *and* value, and
    // a request whose use-CORS-preflight flag is set needs a preflight too.
    if request.use_cors_preflight {
        return Err(Ineligible::UseCorsPreflight);
    }
    if let Some((name, _)) = request
        .headers
        .iter()
        .find(|(name, value)| !is_cors_safelisted_request_header(name, value))
    {
        return Err(Ineligible::HeaderNotSafelisted(name.to_ascii_lowercase()));
    }
    let size = safelisted_value_size(&request.headers);
    if size > MAX_SAFELISTED_TOTAL_LENGTH {
        return Err(Ineligible::SafelistedHeadersTooLong(size));
    }

    Ok(())
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::*;
    use crate::origin::Origin;

    fn request() -> RequestSnapshot {
        let mut request = RequestSnapshot::new(
            Url::parse("https://service.test/fonts/a.woff2").unwrap(),
            Origin::parse("https://page.test").unwrap(),
        );
        request.client_is_secure_context = true;
        request
    }

    #[test]
    fn a_plain_cross_origin_get_is_eligible() {
        assert_eq!(check(&request()), Ok(()));
    }

    #[test]
    fn service_workers_mode_none_is_not_intercepted() {
        let mut request = request();
        request.service_workers_mode = ServiceWorkersMode::None;
        assert_eq!(check(&request), Err(Ineligible::ServiceWorkersModeNone));
        request.service_workers_mode = ServiceWorkersMode::Foreign;
        assert_eq!(check(&request), Ok(()));
    }

    #[test]
    fn navigations_are_not_intercepted() {
        for destination in [
            Destination::Document,
            Destination::IFrame,
            Destination::Frame,
            Destination::Embed,
            Destination::Object,
        ] {
            let mut request = request();
            request.destination = destination;
            assert_eq!(check(&request), Err(Ineligible::Navigation(destination)));
        }
    }

    #[test]
    fn worker_scripts_are_not_intercepted() {
        for destination in [
            Destination::Worker,
            Destination::SharedWorker,
            Destination::ServiceWorker,
        ] {
            let mut request = request();
            request.destination = destination;
            assert_eq!(check(&request), Err(Ineligible::WorkerScript(destination)));
        }
        let mut request = request();
        request.destination = Destination::Report;
        assert_eq!(
            check(&request),
            Err(Ineligible::NotSubresource(Destination::Report))
        );
    }

    #[test]
    fn subresources_are_eligible() {
        for destination in [
            Destination::None,
            Destination::Image,
            Destination::Font,
            Destination::Script,
            Destination::Style,
            Destination::Audio,
            Destination::Video,
            Destination::Track,
            Destination::Json,
            Destination::Manifest,
            Destination::Xslt,
            Destination::AudioWorklet,
            Destination::PaintWorklet,
        ] {
            let mut request = request();
            request.destination = destination;
            assert_eq!(check(&request), Ok(()), "{destination:?}");
        }
    }

    #[test]
    fn insecure_clients_are_not_intercepted() {
        let mut request = request();
        request.client_is_secure_context = false;
        assert_eq!(check(&request), Err(Ineligible::ClientNotSecureContext));
    }

    #[test]
    fn same_origin_requests_are_not_intercepted() {
        let mut request = request();
        request.origin = Origin::parse("https://service.test:443").unwrap();
        assert_eq!(check(&request), Err(Ineligible::SameOrigin));
        // Another port is another origin.
        request.origin = Origin::parse("https://service.test:8443").unwrap();
        assert_eq!(check(&request), Ok(()));
        // An opaque origin is cross-origin with everything.
        request.origin = Origin::Opaque;
        assert_eq!(check(&request), Ok(()));
    }

    #[test]
    fn only_safelisted_methods() {
        for method in ["GET", "HEAD", "POST"] {
            let mut request = request();
            request.method = method.to_owned();
            assert_eq!(check(&request), Ok(()));
        }
        for method in ["PUT", "DELETE", "SPECIAL", "OPTIONS"] {
            let mut request = request();
            request.method = method.to_owned();
            assert_eq!(
                check(&request),
                Err(Ineligible::MethodNotSafelisted(method.to_owned()))
            );
        }
    }

    #[test]
    fn requests_needing_a_preflight_are_not_intercepted() {
        let mut request = request();
        request.headers.push(("Accept".to_owned(), b"*/*".to_vec()));
        request
            .headers
            .push(("Content-Type".to_owned(), b"text/plain".to_vec()));
        assert_eq!(check(&request), Ok(()));
        request
            .headers
            .push(("X-Requested-With".to_owned(), b"XMLHttpRequest".to_vec()));
        assert_eq!(
            check(&request),
            Err(Ineligible::HeaderNotSafelisted(
                "x-requested-with".to_owned()
            ))
        );

        let mut request = self::request();
        request
            .headers
            .push(("Content-Type".to_owned(), b"application/json".to_vec()));
        assert_eq!(
            check(&request),
            Err(Ineligible::HeaderNotSafelisted("content-type".to_owned()))
        );

        let mut request = self::request();
        request.use_cors_preflight = true;
        assert_eq!(check(&request), Err(Ineligible::UseCorsPreflight));
    }

    #[test]
    fn safelisted_headers_over_1024_bytes_are_not_intercepted() {
        let mut request = request();
        for _ in 0..8 {
            request.headers.push(("Accept".to_owned(), vec![b'a'; 128]));
        }
        assert_eq!(check(&request), Ok(()));
        request
            .headers
            .push(("Accept-Language".to_owned(), b"e".to_vec()));
        assert_eq!(
            check(&request),
            Err(Ineligible::SafelistedHeadersTooLong(1025))
        );
    }

    #[test]
    fn reasons_read_well() {
        assert_eq!(
            Ineligible::HeaderNotSafelisted("x-a".to_owned()).to_string(),
            "header \"x-a\" would need a CORS preflight"
        );
    }
}
