/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! [Link type "serviceworker"](https://w3c.github.io/ServiceWorker/#link-type-serviceworker):
//! a response's `Link: <sw.js>; rel="serviceworker"` header registers a
//! service worker with no client (docs/feature.md §1).
//!
//! One `Link` parser in the engine: Servo's preload processing
//! (`servo-script`'s `extract_links_from_headers`) reads `Link` headers with
//! Fetch's "get, decode, and split" (`net_traits::fetch::headers`) and the
//! `nom-rfc8288` crate. This module splits with the same function, and the
//! core crate's `parse_field_value` reads each value with the same parser,
//! so that a header means one thing to both paths; the core crate then
//! applies the service worker rules to each link-value
//! ([`foreign_fetch::link::ServiceWorkerLink::from_link_value`]).

use foreign_fetch::link::{self, LinkValue, ServiceWorkerLink};
use http::HeaderMap;
use http::header::LINK;
use log::{debug, warn};
use net_traits::ServiceWorkerLinkRegistration;
use net_traits::fetch::headers::get_decode_and_split_header_name;
use net_traits::request::{Origin, Request};
use parking_lot::RwLock;
use servo_base::generic_channel::GenericSender;
use servo_url::ServoUrl;

use crate::LOG_TARGET;

/// Where net sends the registrations that `Link` headers ask for: the
/// constellation's receiver (`CoreResourceMsg::ServiceWorkerLinks`), which
/// runs Start Register with a null client. `None` until the constellation
/// sends it (and in net's own unit tests).
pub type ServiceWorkerLinks = RwLock<Option<GenericSender<ServiceWorkerLinkRegistration>>>;

/// Every link-value of the `Link` headers of `headers`, as Servo reads them:
/// Fetch's [get, decode, and split](https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split)
/// of `Link`, then each value parsed by `nom-rfc8288` (lenient: empty
/// parameters are skipped). A value that does not parse is dropped, as
/// Servo's preload processing drops it.
pub fn link_values(headers: &HeaderMap) -> Vec<LinkValue> {
    let Some(values) = get_decode_and_split_header_name(LINK.as_str(), headers) else {
        return Vec::new();
    };
    values
        .iter()
        .flat_map(|value| link::parse_field_value(value))
        .collect()
}

/// The serviceworker links of a response to `request` whose URL is
/// `response_url`: none unless the response is potentially trustworthy and
/// the request's client a secure context ([Processing a "serviceworker" Link
/// header](https://w3c.github.io/ServiceWorker/#link-header-processing)
/// steps 2 to 5), else each valid one (steps 1, 6 to 11).
pub fn service_worker_links(
    request: &Request,
    response_url: &ServoUrl,
    headers: &HeaderMap,
) -> Vec<ServiceWorkerLink> {
    // Most responses have no Link header: decide that before anything else.
    if !headers.contains_key(LINK) {
        return Vec::new();
    }
    if !link::may_process_link_header(response_url.as_url(), client_is_secure_context(request)) {
        debug!(
            target: LOG_TARGET,
            "{response_url}: Link headers of this response may not register service workers \
             (not potentially trustworthy, or the client is not a secure context)"
        );
        return Vec::new();
    }
    link::service_worker_links(&link_values(headers), response_url.as_url())
}

/// Step 5's "request's client is a secure context". A navigation's client
/// is the environment it creates (its reserved client), which is secure
/// when the response URL is potentially trustworthy (step 3 checked that);
/// any other request's is the client net knows (the same fact foreign
/// fetch's eligibility uses).
fn client_is_secure_context(request: &Request) -> bool {
    request.is_navigation_request()
        || request
            .client
            .as_ref()
            .is_some_and(|client| match &client.origin {
                Origin::Origin(origin) => {
                    origin.is_potentially_trustworthy()
                        || origin.is_for_data_worker_from_secure_context()
                },
                Origin::Client => false,
            })
}

/// Processing a "serviceworker" Link header step 12 ("Invoke Start Register
/// with scopeURL, scriptURL, a new promise, null, contextURL, workerType, and
/// updateViaCache"), for each serviceworker link of a network response:
/// handed to the constellation, which runs the job on the service worker
/// manager of the script's origin. Nobody awaits it; the response goes on
/// to the page at once and unchanged.
pub fn process_link_headers(
    request: &Request,
    response_url: &ServoUrl,
    headers: &HeaderMap,
    registrar: &ServiceWorkerLinks,
) {
    let links = service_worker_links(request, response_url, headers);
    if links.is_empty() {
        return;
    }
    let registrar = registrar.read();
    let Some(registrar) = registrar.as_ref() else {
        warn!(
            target: LOG_TARGET,
            "{response_url}: no service worker registrar; ignoring its serviceworker links"
        );
        return;
    };
    for link in links {
        debug!(
            target: LOG_TARGET,
            "{response_url}: Link: rel=serviceworker registers {} (scope {:?})",
            link.script_url,
            link.scope.as_ref().map(|scope| scope.as_str())
        );
        let registration = ServiceWorkerLinkRegistration {
            link,
            response_url: response_url.clone(),
            webview_id: request.target_webview_id,
            pipeline_id: request.pipeline_id,
            top_level_site: request
                .client
                .as_ref()
                .and_then(|client| client.top_level_site.clone()),
        };
        if registrar.send(registration).is_err() {
            warn!(target: LOG_TARGET, "The constellation is gone; a serviceworker link is lost");
        }
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;
    use net_traits::blob_url_store::UrlWithBlobClaim;
    use net_traits::request::{Destination, Referrer, RequestId};

    use super::*;
    use crate::snapshot::tests::client;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(LINK, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn request(url: &str, client_origin: &str, destination: Destination) -> Request {
        let url = ServoUrl::parse(url).unwrap();
        let origin = ServoUrl::parse(client_origin).unwrap().origin();
        let mut request = Request::new(
            RequestId::default(),
            UrlWithBlobClaim::new(url, None),
            Some(Origin::Origin(origin.clone())),
            Referrer::NoReferrer,
            None,
            None,
        );
        request.destination = destination;
        request.client = Some(client(origin));
        request
    }

    #[test]
    fn reads_several_values_and_headers_as_servo_does() {
        let links = link_values(&headers(&[
            r#"</sw.js>; rel="serviceworker"; scope="/api/", </style.css>; rel=preload"#,
            r#"<https://cdn.test/other.js>; REL=serviceworker"#,
        ]));
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].target(), "/sw.js");
        assert_eq!(links[0].param("scope"), Some("/api/"));
        assert!(links[0].has_relation_type("serviceworker"));
        assert!(!links[1].has_relation_type("serviceworker"));
        assert!(
            links[2].has_relation_type("serviceworker"),
            "parameter names are case-insensitive"
        );
    }

    #[test]
    fn a_malformed_value_is_dropped_and_the_others_kept() {
        let links = link_values(&headers(&[
            r#"<unterminated; rel=serviceworker, </ok.js>; rel=serviceworker"#,
        ]));
        assert!(links.iter().any(|link| link.target() == "/ok.js"));
        let mut garbage = HeaderMap::new();
        garbage.append(LINK, HeaderValue::from_bytes(b"\xff\xfe; ;; <").unwrap());
        assert!(
            link_values(&garbage)
                .iter()
                .all(|link| !link.has_relation_type("serviceworker"))
        );
    }

    #[test]
    fn a_secure_clients_response_registers() {
        let request = request(
            "https://api.test/data",
            "https://site.test",
            Destination::None,
        );
        let url = ServoUrl::parse("https://api.test/data").unwrap();
        let links = service_worker_links(
            &request,
            &url,
            &headers(&[r#"</sw.js>; rel="serviceworker"; scope="/api/""#]),
        );
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].script_url.as_str(), "https://api.test/sw.js");
        assert_eq!(
            links[0].scope.as_ref().unwrap().as_str(),
            "https://api.test/api/"
        );
    }

    #[test]
    fn an_insecure_client_or_response_does_not() {
        let link = headers(&[r#"</sw.js>; rel="serviceworker""#]);
        let insecure_client = request(
            "https://api.test/data",
            "http://site.test",
            Destination::None,
        );
        let url = ServoUrl::parse("https://api.test/data").unwrap();
        assert!(service_worker_links(&insecure_client, &url, &link).is_empty());
        let insecure_response = request(
            "http://api.test/data",
            "https://site.test",
            Destination::None,
        );
        let url = ServoUrl::parse("http://api.test/data").unwrap();
        assert!(service_worker_links(&insecure_response, &url, &link).is_empty());
    }

    #[test]
    fn a_navigation_to_a_trustworthy_url_registers() {
        let mut navigation = request(
            "https://api.test/",
            "https://api.test",
            Destination::Document,
        );
        navigation.client = None;
        let url = ServoUrl::parse("https://api.test/").unwrap();
        let links = service_worker_links(
            &navigation,
            &url,
            &headers(&[r#"</sw.js>; rel=serviceworker"#]),
        );
        assert_eq!(links.len(), 1);
    }

    #[test]
    fn no_registrar_drops_the_links_quietly() {
        let request = request(
            "https://api.test/data",
            "https://site.test",
            Destination::None,
        );
        let url = ServoUrl::parse("https://api.test/data").unwrap();
        process_link_headers(
            &request,
            &url,
            &headers(&[r#"</sw.js>; rel="serviceworker""#]),
            &RwLock::new(None),
        );
    }
}
