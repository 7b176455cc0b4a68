/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Which requests a foreign fetch worker may see at all (docs/feature.md §4), judged from
//! the request alone, before the registry is consulted.
//!
//! The checks that need the matched worker (its foreign fetch scopes, its
//! origin, its origin list) are in [`crate::registry::Registry::lookup`].

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::request::RequestSnapshot;
use crate::request::{Destination, ServiceWorkersMode};

/// Why a request is not offered to foreign fetch workers. Meant for logging;
/// none of these is an error, the request simply goes on to the network.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum Ineligible {
    /// The request's service-workers mode is "none".
    ServiceWorkersModeNone,
    /// A navigation request.
    Navigation(Destination),
    /// Any other non-subresource request (a worker's script, a report).
    NotSubresource(Destination),
    /// The request's client is not a secure context.
    ClientNotSecureContext,
    /// The request's origin is same origin with its URL.
    SameOrigin,
    /// The method is not `GET`, `HEAD` or `POST`.
    MethodNotSafelisted(String),
    /// The request's use-CORS-preflight flag is set.
    UseCorsPreflight,
    /// A CORS-unsafe request-header name of the request's header list (the
    /// first, in Fetch's sorted order).
    HeaderNotSafelisted(String),
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
        }
    }
}

impl std::error::Error for Ineligible {}

/// The request-only conditions of
/// [Handle Foreign Fetch](https://w3c.github.io/ServiceWorker/#on-foreign-fetch-request-algorithm)
/// (docs/feature.md §4) and of its call site in Fetch's HTTP fetch.
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
    let facts = &request.facts;
    if !facts.subresource {
        return Err(if facts.navigation {
            Ineligible::Navigation(request.destination)
        } else {
            Ineligible::NotSubresource(request.destination)
        });
    }

    // Step 5. If request's client is not a secure context, return null and
    // abort these steps.
    if !facts.client_is_secure_context {
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
    if !facts.cors_safelisted_method {
        return Err(Ineligible::MethodNotSafelisted(request.method.clone()));
    }
    // The current Fetch standard judges a header by its name *and* value
    // (the CORS-unsafe request-header names, with the 1024-byte total), and
    // a request whose use-CORS-preflight flag is set needs a preflight too.
    if request.use_cors_preflight {
        return Err(Ineligible::UseCorsPreflight);
    }
    if let Some(name) = facts.cors_unsafe_request_header_names.first() {
        return Err(Ineligible::HeaderNotSafelisted(name.clone()));
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
        request.facts.client_is_secure_context = true;
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
        let mut request = request();
        request.destination = Destination::IFrame;
        request.facts.subresource = false;
        request.facts.navigation = true;
        assert_eq!(
            check(&request),
            Err(Ineligible::Navigation(Destination::IFrame))
        );
    }

    #[test]
    fn other_non_subresources_are_not_intercepted() {
        let mut request = request();
        request.destination = Destination::Worker;
        request.facts.subresource = false;
        assert_eq!(
            check(&request),
            Err(Ineligible::NotSubresource(Destination::Worker))
        );
    }

    #[test]
    fn insecure_clients_are_not_intercepted() {
        let mut request = request();
        request.facts.client_is_secure_context = false;
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
    fn requests_needing_a_preflight_are_not_intercepted() {
        let mut request = request();
        request.method = "PUT".to_owned();
        request.facts.cors_safelisted_method = false;
        assert_eq!(
            check(&request),
            Err(Ineligible::MethodNotSafelisted("PUT".to_owned()))
        );

        let mut request = self::request();
        request.facts.cors_unsafe_request_header_names =
            vec!["content-type".to_owned(), "x-requested-with".to_owned()];
        assert_eq!(
            check(&request),
            Err(Ineligible::HeaderNotSafelisted("content-type".to_owned()))
        );

        let mut request = self::request();
        request.use_cors_preflight = true;
        assert_eq!(check(&request), Err(Ineligible::UseCorsPreflight));
    }

    #[test]
    fn reasons_read_well() {
        assert_eq!(
            Ineligible::HeaderNotSafelisted("x-a".to_owned()).to_string(),
            "header \"x-a\" would need a CORS preflight"
        );
    }
}
