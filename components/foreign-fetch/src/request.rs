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

impl Destination {
    /// <https://fetch.spec.whatwg.org/#subresource-request>: "A subresource
    /// request is a request whose destination is "audio", "audioworklet",
    /// "font", "image", "json", "manifest", "paintworklet", "script", "style",
    /// "track", "video", "xslt", or the empty string."
    pub fn is_subresource(self) -> bool {
        matches!(
            self,
            Destination::None
                | Destination::Audio
                | Destination::AudioWorklet
                | Destination::Font
                | Destination::Image
                | Destination::Json
                | Destination::Manifest
                | Destination::PaintWorklet
                | Destination::Script
                | Destination::Style
                | Destination::Track
                | Destination::Video
                | Destination::Xslt
        )
    }

    /// <https://fetch.spec.whatwg.org/#navigation-request>: "A navigation
    /// request is a request whose destination is "document", "embed",
    /// "frame", "iframe", or "object"."
    pub fn is_navigation(self) -> bool {
        matches!(
            self,
            Destination::Document
                | Destination::Embed
                | Destination::Frame
                | Destination::IFrame
                | Destination::Object
        )
    }

    /// Whether the request fetches a worker's main script (`"serviceworker"`,
    /// `"sharedworker"`, `"worker"`), which foreign fetch never intercepts.
    pub fn is_worker_script(self) -> bool {
        matches!(
            self,
            Destination::ServiceWorker | Destination::SharedWorker | Destination::Worker
        )
    }
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

/// The parts of a Fetch [request](https://fetch.spec.whatwg.org/#concept-request)
/// that foreign fetch needs (spec §4 "Handle Foreign Fetch", and the
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
    /// Whether the request's [client](https://fetch.spec.whatwg.org/#concept-request-client)
    /// is a [secure context](https://html.spec.whatwg.org/multipage/#secure-context).
    pub client_is_secure_context: bool,
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
    /// referrer, and a client that is *not* a secure context until the caller
    /// says so.
    pub fn new(url: Url, origin: Origin) -> RequestSnapshot {
        RequestSnapshot {
            url,
            method: "GET".to_owned(),
            headers: Vec::new(),
            origin,
            destination: Destination::None,
            client_is_secure_context: false,
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
    fn subresource_and_navigation_destinations() {
        assert!(Destination::None.is_subresource());
        assert!(Destination::Image.is_subresource());
        assert!(Destination::Script.is_subresource());
        assert!(!Destination::Document.is_subresource());
        assert!(Destination::Document.is_navigation());
        assert!(Destination::IFrame.is_navigation());
        assert!(!Destination::Worker.is_subresource());
        assert!(Destination::Worker.is_worker_script());
        assert!(Destination::ServiceWorker.is_worker_script());
        assert!(!Destination::Report.is_subresource());
    }

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
