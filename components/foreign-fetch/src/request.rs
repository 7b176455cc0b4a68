/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! [`RequestSnapshot`]: the parts of a Fetch
//! [request](https://fetch.spec.whatwg.org/#concept-request) that foreign
//! fetch looks at, as a plain serializable value.
//!
//! Net builds one from its `Request` inside HTTP fetch, checks it with
//! [`crate::eligibility::check`], and sends it to the foreign worker in a
//! [`crate::messages::ForeignFetchRequest`], where script builds the
//! `ForeignFetchEvent.request` from it and, once the event is over, hands it to
//! [`crate::outcome::decide`].

use http::HeaderMap;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::origin::Origin;

/// A Fetch request's [destination](https://fetch.spec.whatwg.org/#concept-request-destination).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum Destination {
    /// The empty string: `fetch()`, XHR, `navigator.sendBeacon()`, ...
    #[default]
    None,
    /// `"audio"`
    Audio,
    /// `"audioworklet"`
    AudioWorklet,
    /// `"document"`
    Document,
    /// `"embed"`
    Embed,
    /// `"font"`
    Font,
    /// `"frame"`
    Frame,
    /// `"iframe"`
    IFrame,
    /// `"image"`
    Image,
    /// `"json"`
    Json,
    /// `"manifest"`
    Manifest,
    /// `"object"`
    Object,
    /// `"paintworklet"`
    PaintWorklet,
    /// `"report"`
    Report,
    /// `"script"`
    Script,
    /// `"serviceworker"`
    ServiceWorker,
    /// `"sharedworker"`
    SharedWorker,
    /// `"style"`
    Style,
    /// `"track"`
    Track,
    /// `"video"`
    Video,
    /// `"webidentity"`
    WebIdentity,
    /// `"worker"`
    Worker,
    /// `"xslt"`
    Xslt,
}

/// A request's [mode](https://fetch.spec.whatwg.org/#concept-request-mode).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum RequestMode {
    /// `"same-origin"`
    SameOrigin,
    /// `"cors"`, the default of `fetch()`.
    #[default]
    Cors,
    /// `"no-cors"`
    NoCors,
    /// `"navigate"`
    Navigate,
    /// `"websocket"`
    WebSocket,
}

/// A request's [credentials mode](https://fetch.spec.whatwg.org/#concept-request-credentials-mode).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum CredentialsMode {
    /// `"omit"`
    Omit,
    /// `"same-origin"`
    #[default]
    SameOrigin,
    /// `"include"`
    Include,
}

/// A request's [redirect mode](https://fetch.spec.whatwg.org/#concept-request-redirect-mode).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum RedirectMode {
    /// `"follow"`
    #[default]
    Follow,
    /// `"error"`
    Error,
    /// `"manual"`
    Manual,
}

/// A request's [response tainting](https://fetch.spec.whatwg.org/#concept-request-response-tainting).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum ResponseTainting {
    /// `"basic"`
    #[default]
    Basic,
    /// `"cors"`
    Cors,
    /// `"opaque"`
    Opaque,
}

/// A request's [service-workers mode](https://fetch.spec.whatwg.org/#request-service-workers-mode).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum ServiceWorkersMode {
    /// `"all"`: the client's own worker, then foreign workers.
    #[default]
    All,
    /// `"foreign"`: only foreign workers (after a redirect, or for a fetch made
    /// by a service worker).
    Foreign,
    /// `"none"`: no service worker sees the request.
    None,
}

/// Facts about a request that the engine decides with its own
/// implementation of Fetch's rules, and hands to foreign fetch.
///
/// One definition of each rule: Servo already implements these (net-traits'
/// `Request::is_subresource_request`, `is_cors_safelisted_method`,
/// `get_cors_unsafe_header_names`, and what script knows of its global's
/// secure context), so foreign fetch reads the answers instead of keeping a
/// second copy that could disagree with the one the CORS preflight uses.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct FetchFacts {
    /// Whether the request is a
    /// [subresource request](https://fetch.spec.whatwg.org/#subresource-request).
    pub subresource: bool,
    /// Whether the request is a
    /// [navigation request](https://fetch.spec.whatwg.org/#navigation-request).
    pub navigation: bool,
    /// Whether the request's [client](https://fetch.spec.whatwg.org/#concept-request-client)
    /// is a [secure context](https://html.spec.whatwg.org/multipage/#secure-context).
    pub client_is_secure_context: bool,
    /// Whether the method is a
    /// [CORS-safelisted method](https://fetch.spec.whatwg.org/#cors-safelisted-method).
    pub cors_safelisted_method: bool,
    /// The [CORS-unsafe request-header names](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names)
    /// of the header list (lowercase, sorted; every safelisted name too once
    /// their values total more than 1024 bytes).
    pub cors_unsafe_request_header_names: Vec<String>,
    /// Whether the request's [current URL](https://fetch.spec.whatwg.org/#concept-request-current-url)
    /// is [potentially trustworthy](https://w3c.github.io/webappsec-secure-contexts/#potentially-trustworthy-url)
    /// (Handle Fetch offers a navigation to a service worker only then).
    #[serde(default)]
    pub url_is_potentially_trustworthy: bool,
}

impl Default for FetchFacts {
    /// The facts of `fetch(url)` (a `GET` with no headers, the empty
    /// destination) from a client that is *not* a secure context, to a URL
    /// that is not potentially trustworthy either.
    fn default() -> FetchFacts {
        FetchFacts {
            subresource: true,
            navigation: false,
            client_is_secure_context: false,
            cors_safelisted_method: true,
            cors_unsafe_request_header_names: Vec::new(),
            url_is_potentially_trustworthy: false,
        }
    }
}

/// The parts of a Fetch [request](https://fetch.spec.whatwg.org/#concept-request)
/// that foreign fetch needs (docs/feature.md §4 "Handle Foreign Fetch", and the
/// `ForeignFetchEvent.request` the worker sees).
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct RequestSnapshot {
    /// The request's [current URL](https://fetch.spec.whatwg.org/#concept-request-current-url).
    pub url: Url,
    /// The request's [method](https://fetch.spec.whatwg.org/#concept-request-method),
    /// already normalized (`get` → `GET`).
    pub method: String,
    /// The request's [header list](https://fetch.spec.whatwg.org/#concept-request-header-list),
    /// in order, names as sent.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The request's [origin](https://fetch.spec.whatwg.org/#concept-request-origin)
    /// (never "client" by the time HTTP fetch runs).
    pub origin: Origin,
    /// The request's [destination](https://fetch.spec.whatwg.org/#concept-request-destination).
    pub destination: Destination,
    /// What the engine decided about this request with its own Fetch rules.
    #[serde(default)]
    pub facts: FetchFacts,
    /// The request's mode.
    pub mode: RequestMode,
    /// The request's credentials mode.
    pub credentials_mode: CredentialsMode,
    /// The request's redirect mode.
    pub redirect_mode: RedirectMode,
    /// The request's response tainting.
    pub response_tainting: ResponseTainting,
    /// The request's service-workers mode.
    pub service_workers_mode: ServiceWorkersMode,
    /// The request's [use-CORS-preflight flag](https://fetch.spec.whatwg.org/#use-cors-preflight-flag)
    /// (set e.g. by XHR upload listeners): such a request always needs a preflight.
    #[serde(default)]
    pub use_cors_preflight: bool,
    /// The request's [referrer](https://fetch.spec.whatwg.org/#concept-request-referrer)
    /// once determined; `None` for "no-referrer".
    pub referrer: Option<Url>,
}

impl RequestSnapshot {
    /// A `GET` request for `url` from `origin` with the defaults of `fetch(url)`
    /// (mode "cors", credentials "same-origin", redirect "follow",
    /// service-workers mode "all", empty destination), the response tainting
    /// main fetch gives a cross-origin "cors" request ("cors"), no headers, no
    /// referrer, and the [`FetchFacts::default`] of such a request (a client
    /// that is *not* a secure context until the caller says so).
    pub fn new(url: Url, origin: Origin) -> RequestSnapshot {
        RequestSnapshot {
            url,
            method: "GET".to_owned(),
            headers: Vec::new(),
            origin,
            destination: Destination::None,
            facts: FetchFacts::default(),
            mode: RequestMode::Cors,
            credentials_mode: CredentialsMode::SameOrigin,
            redirect_mode: RedirectMode::Follow,
            response_tainting: ResponseTainting::Cors,
            service_workers_mode: ServiceWorkersMode::All,
            use_cors_preflight: false,
            referrer: None,
        }
    }

    /// Converts an [`http::HeaderMap`] into the header-list form this type
    /// carries (one entry per value, in the map's iteration order).
    pub fn headers_from_map(map: &HeaderMap) -> Vec<(String, Vec<u8>)> {
        map.iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use http::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

    use super::*;

    #[test]
    fn headers_from_map_keeps_every_value() {
        let mut map = HeaderMap::new();
        map.append(ACCEPT, HeaderValue::from_static("*/*"));
        map.append(ACCEPT, HeaderValue::from_static("text/html"));
        map.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        let headers = RequestSnapshot::headers_from_map(&map);
        assert_eq!(headers.len(), 3);
        assert!(headers.contains(&("accept".to_owned(), b"text/html".to_vec())));
    }
}
