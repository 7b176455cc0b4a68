/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Servo's Fetch [`Request`] as the engine-independent
//! [`RequestSnapshot`] that `foreign_fetch` judges and later sends to the
//! foreign worker.

use foreign_fetch::origin::Origin as SnapshotOrigin;
use foreign_fetch::request::{self as snapshot, FetchFacts, RequestSnapshot};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use net_traits::blob_url_store::UrlWithBlobClaim;
use net_traits::request::{
    CredentialsMode, Destination, Origin, RedirectMode, Referrer, Request, RequestBuilder,
    RequestMode, ResponseTainting, ServiceWorkersMode, get_cors_unsafe_header_names,
    is_cors_safelisted_method,
};
use servo_url::{ImmutableOrigin, ServoUrl};

/// The parts of `request` that foreign fetch looks at.
pub fn request_snapshot(request: &Request) -> RequestSnapshot {
    RequestSnapshot {
        url: request.current_url().into_url(),
        method: request.method.as_str().to_owned(),
        headers: RequestSnapshot::headers_from_map(&request.headers),
        origin: request_origin(request),
        destination: destination(request.destination),
        facts: fetch_facts(request),
        mode: match request.mode {
            RequestMode::Navigate => snapshot::RequestMode::Navigate,
            RequestMode::SameOrigin => snapshot::RequestMode::SameOrigin,
            RequestMode::NoCors => snapshot::RequestMode::NoCors,
            RequestMode::CorsMode => snapshot::RequestMode::Cors,
            RequestMode::WebSocket { .. } => snapshot::RequestMode::WebSocket,
        },
        credentials_mode: match request.credentials_mode {
            CredentialsMode::Omit => snapshot::CredentialsMode::Omit,
            CredentialsMode::CredentialsSameOrigin => snapshot::CredentialsMode::SameOrigin,
            CredentialsMode::Include => snapshot::CredentialsMode::Include,
        },
        redirect_mode: match request.redirect_mode {
            RedirectMode::Follow => snapshot::RedirectMode::Follow,
            RedirectMode::Error => snapshot::RedirectMode::Error,
            RedirectMode::Manual => snapshot::RedirectMode::Manual,
        },
        response_tainting: match request.response_tainting {
            ResponseTainting::Basic => snapshot::ResponseTainting::Basic,
            ResponseTainting::CorsTainting => snapshot::ResponseTainting::Cors,
            ResponseTainting::Opaque => snapshot::ResponseTainting::Opaque,
        },
        // Servo 0.7.0 has no "foreign" service-workers mode.
        service_workers_mode: match request.service_workers_mode {
            ServiceWorkersMode::All => snapshot::ServiceWorkersMode::All,
            ServiceWorkersMode::Foreign => snapshot::ServiceWorkersMode::Foreign,
            ServiceWorkersMode::None => snapshot::ServiceWorkersMode::None,
        },
        use_cors_preflight: request.use_cors_preflight,
        referrer: match &request.referrer {
            Referrer::NoReferrer => None,
            Referrer::Client(url) | Referrer::ReferrerUrl(url) => Some(url.as_url().clone()),
        },
    }
}

/// The reverse of [`request_snapshot`]: a Fetch request with the snapshot's
/// URL, method, headers, origin, destination, modes, response tainting and
/// referrer, for the `Request` of a `ForeignFetchEvent` (Handle Foreign Fetch
/// step 14.3: "a new Request object associated with request"). Its
/// service-workers mode is "none", so that the worker's own
/// `fetch(event.request)` is not intercepted again.
///
/// The request has no client and no body; the facts of
/// [`RequestSnapshot::facts`] are derived from the other fields and not
/// restored.
pub fn request_builder(snapshot: &RequestSnapshot) -> RequestBuilder {
    let url = ServoUrl::from_url(snapshot.url.clone());
    let referrer = match &snapshot.referrer {
        Some(referrer) => Referrer::ReferrerUrl(ServoUrl::from_url(referrer.clone())),
        None => Referrer::NoReferrer,
    };
    let mut headers = HeaderMap::new();
    for (name, value) in &snapshot.headers {
        // The snapshot came from a `HeaderMap`: every pair is valid.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    let origin = match &snapshot.origin {
        SnapshotOrigin::Opaque => ImmutableOrigin::new_opaque(),
        SnapshotOrigin::Tuple { scheme, host, port } => {
            ImmutableOrigin::Tuple(scheme.clone(), host.clone(), *port)
        },
    };
    RequestBuilder::new(
        None,
        UrlWithBlobClaim::from_url_without_having_claimed_blob(url),
        referrer,
    )
    .method(Method::from_bytes(snapshot.method.as_bytes()).unwrap_or(Method::GET))
    .headers(headers)
    .origin(origin)
    .destination(servo_destination(snapshot.destination))
    .mode(match snapshot.mode {
        snapshot::RequestMode::Navigate => RequestMode::Navigate,
        snapshot::RequestMode::SameOrigin => RequestMode::SameOrigin,
        snapshot::RequestMode::NoCors => RequestMode::NoCors,
        // A WebSocket request never reaches HTTP fetch step 3.2.
        snapshot::RequestMode::Cors | snapshot::RequestMode::WebSocket => RequestMode::CorsMode,
    })
    .credentials_mode(match snapshot.credentials_mode {
        snapshot::CredentialsMode::Omit => CredentialsMode::Omit,
        snapshot::CredentialsMode::SameOrigin => CredentialsMode::CredentialsSameOrigin,
        snapshot::CredentialsMode::Include => CredentialsMode::Include,
    })
    .redirect_mode(match snapshot.redirect_mode {
        snapshot::RedirectMode::Follow => RedirectMode::Follow,
        snapshot::RedirectMode::Error => RedirectMode::Error,
        snapshot::RedirectMode::Manual => RedirectMode::Manual,
    })
    .response_tainting(match snapshot.response_tainting {
        snapshot::ResponseTainting::Basic => ResponseTainting::Basic,
        snapshot::ResponseTainting::Cors => ResponseTainting::CorsTainting,
        snapshot::ResponseTainting::Opaque => ResponseTainting::Opaque,
    })
    .use_cors_preflight(snapshot.use_cors_preflight)
    .service_workers_mode(ServiceWorkersMode::None)
}

/// <https://fetch.spec.whatwg.org/#concept-request-origin>. Main fetch has
/// replaced "client" by the client's origin before HTTP fetch runs; should
/// it not have, the client's origin is used, and an opaque origin if there
/// is no client.
fn request_origin(request: &Request) -> SnapshotOrigin {
    let origin = match &request.origin {
        Origin::Origin(origin) => Some(origin),
        Origin::Client => request
            .client
            .as_ref()
            .and_then(|client| match &client.origin {
                Origin::Origin(origin) => Some(origin),
                Origin::Client => None,
            }),
    };
    origin.map_or(SnapshotOrigin::Opaque, snapshot_origin)
}

fn snapshot_origin(origin: &ImmutableOrigin) -> SnapshotOrigin {
    match origin {
        ImmutableOrigin::Opaque(_) => SnapshotOrigin::Opaque,
        ImmutableOrigin::Tuple(scheme, host, port) => SnapshotOrigin::Tuple {
            scheme: scheme.clone(),
            host: host.clone(),
            port: *port,
        },
    }
}

/// What Servo decides about `request` with its own implementation of
/// Fetch's rules (the same functions its CORS preflight uses), for foreign
/// fetch to read rather than decide again.
pub fn fetch_facts(request: &Request) -> FetchFacts {
    FetchFacts {
        subresource: request.is_subresource_request(),
        navigation: request.is_navigation_request(),
        client_is_secure_context: client_is_secure_context(request),
        cors_safelisted_method: is_cors_safelisted_method(&request.method),
        cors_unsafe_request_header_names: get_cors_unsafe_header_names(&request.headers)
            .iter()
            .map(|name| name.as_str().to_owned())
            .collect(),
        url_is_potentially_trustworthy: request.current_url().is_potentially_trustworthy(),
    }
}

/// Whether the request's client is a
/// [secure context](https://html.spec.whatwg.org/multipage/#secure-context),
/// as far as net knows its client: its origin is potentially trustworthy
/// (or it is a worker that a secure context created from a `data:` URL).
/// Net does not know a nested document's top-level origin, so a trustworthy
/// frame inside an untrustworthy page counts as secure. No client: not
/// secure.
fn client_is_secure_context(request: &Request) -> bool {
    request
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

/// <https://fetch.spec.whatwg.org/#concept-request-destination>
fn destination(destination: Destination) -> snapshot::Destination {
    match destination {
        Destination::None => snapshot::Destination::None,
        Destination::Audio => snapshot::Destination::Audio,
        Destination::AudioWorklet => snapshot::Destination::AudioWorklet,
        Destination::Document => snapshot::Destination::Document,
        Destination::Embed => snapshot::Destination::Embed,
        Destination::Font => snapshot::Destination::Font,
        Destination::Frame => snapshot::Destination::Frame,
        Destination::IFrame => snapshot::Destination::IFrame,
        Destination::Image => snapshot::Destination::Image,
        Destination::Json => snapshot::Destination::Json,
        Destination::Manifest => snapshot::Destination::Manifest,
        Destination::Object => snapshot::Destination::Object,
        Destination::PaintWorklet => snapshot::Destination::PaintWorklet,
        Destination::Report => snapshot::Destination::Report,
        Destination::Script => snapshot::Destination::Script,
        Destination::ServiceWorker => snapshot::Destination::ServiceWorker,
        Destination::SharedWorker => snapshot::Destination::SharedWorker,
        Destination::Style => snapshot::Destination::Style,
        // Servo's "text" is not a Fetch destination; whether it is a
        // subresource request is Servo's fact (`FetchFacts::subresource`).
        // The worker's `Request` sees the empty destination.
        Destination::Text => snapshot::Destination::None,
        Destination::Track => snapshot::Destination::Track,
        Destination::Video => snapshot::Destination::Video,
        Destination::WebIdentity => snapshot::Destination::WebIdentity,
        Destination::Worker => snapshot::Destination::Worker,
        Destination::Xslt => snapshot::Destination::Xslt,
    }
}

/// The reverse of [`destination`] (Servo's "text" has no snapshot form).
fn servo_destination(destination: snapshot::Destination) -> Destination {
    match destination {
        snapshot::Destination::None => Destination::None,
        snapshot::Destination::Audio => Destination::Audio,
        snapshot::Destination::AudioWorklet => Destination::AudioWorklet,
        snapshot::Destination::Document => Destination::Document,
        snapshot::Destination::Embed => Destination::Embed,
        snapshot::Destination::Font => Destination::Font,
        snapshot::Destination::Frame => Destination::Frame,
        snapshot::Destination::IFrame => Destination::IFrame,
        snapshot::Destination::Image => Destination::Image,
        snapshot::Destination::Json => Destination::Json,
        snapshot::Destination::Manifest => Destination::Manifest,
        snapshot::Destination::Object => Destination::Object,
        snapshot::Destination::PaintWorklet => Destination::PaintWorklet,
        snapshot::Destination::Report => Destination::Report,
        snapshot::Destination::Script => Destination::Script,
        snapshot::Destination::ServiceWorker => Destination::ServiceWorker,
        snapshot::Destination::SharedWorker => Destination::SharedWorker,
        snapshot::Destination::Style => Destination::Style,
        snapshot::Destination::Track => Destination::Track,
        snapshot::Destination::Video => Destination::Video,
        snapshot::Destination::WebIdentity => Destination::WebIdentity,
        snapshot::Destination::Worker => Destination::Worker,
        snapshot::Destination::Xslt => Destination::Xslt,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use foreign_fetch::eligibility::{self, Ineligible};
    use http::header;
    use net_traits::policy_container::PolicyContainer;
    use net_traits::request::{InsecureRequestsPolicy, RequestClient, RequestId};

    fn origin(url: &str) -> ImmutableOrigin {
        ServoUrl::parse(url).unwrap().origin()
    }

    pub(crate) fn client(origin: ImmutableOrigin) -> RequestClient {
        RequestClient {
            preloaded_resources: Default::default(),
            policy_container: PolicyContainer::default(),
            origin: Origin::Origin(origin),
            is_nested_browsing_context: false,
            insecure_requests_policy: InsecureRequestsPolicy::DoNotUpgrade,
            has_trustworthy_ancestor_origin: false,
            top_level_site: None,
        }
    }

    /// What `fetch("http://localhost:8000/fonts/a.woff")` from a page on
    /// `http://127.0.0.1:8000` looks like when HTTP fetch runs.
    pub(crate) fn cross_origin_fetch() -> Request {
        let url = ServoUrl::parse("http://localhost:8000/fonts/a.woff").unwrap();
        let page = origin("http://127.0.0.1:8000/");
        let mut request = Request::new(
            RequestId::default(),
            UrlWithBlobClaim::new(url, None),
            Some(Origin::Origin(page.clone())),
            Referrer::ReferrerUrl(ServoUrl::parse("http://127.0.0.1:8000/page.html").unwrap()),
            None,
            None,
        );
        request.client = Some(client(page));
        request.mode = RequestMode::CorsMode;
        request.response_tainting = ResponseTainting::CorsTainting;
        request
            .headers
            .insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        request
    }

    #[test]
    fn converts_every_field() {
        let snapshot = request_snapshot(&cross_origin_fetch());
        let mut expected = RequestSnapshot::new(
            url::Url::parse("http://localhost:8000/fonts/a.woff").unwrap(),
            SnapshotOrigin::parse("http://127.0.0.1:8000").unwrap(),
        );
        expected.facts.client_is_secure_context = true;
        // localhost
        expected.facts.url_is_potentially_trustworthy = true;
        expected.headers = vec![("accept".to_owned(), b"*/*".to_vec())];
        expected.referrer = Some(url::Url::parse("http://127.0.0.1:8000/page.html").unwrap());
        assert_eq!(snapshot, expected);
        assert_eq!(eligibility::check(&snapshot), Ok(()));
    }

    /// The worker's `Request` is the page's request, field by field, except
    /// that nothing intercepts it again.
    #[test]
    fn request_builder_round_trips() {
        let mut request = cross_origin_fetch();
        request.method = Method::POST;
        request.mode = RequestMode::NoCors;
        request.credentials_mode = CredentialsMode::Include;
        request.redirect_mode = RedirectMode::Manual;
        request.response_tainting = ResponseTainting::Opaque;
        request.destination = Destination::Font;
        request
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        let snapshot = request_snapshot(&request);
        let rebuilt = request_builder(&snapshot).build();
        assert_eq!(rebuilt.service_workers_mode, ServiceWorkersMode::None);
        let mut expected = snapshot.clone();
        expected.service_workers_mode = snapshot::ServiceWorkersMode::None;
        // No client: the secure-context fact is the page's, not the copy's.
        expected.facts.client_is_secure_context = false;
        assert_eq!(request_snapshot(&rebuilt), expected);

        let mut request = cross_origin_fetch();
        request.referrer = Referrer::NoReferrer;
        request.origin = Origin::Origin(ImmutableOrigin::new_opaque());
        let rebuilt = request_builder(&request_snapshot(&request)).build();
        assert_eq!(rebuilt.referrer, Referrer::NoReferrer);
        assert_eq!(request_snapshot(&rebuilt).origin, SnapshotOrigin::Opaque);
    }

    #[test]
    fn current_url_method_and_modes() {
        let mut request = cross_origin_fetch();
        request.url_list.push(UrlWithBlobClaim::new(
            ServoUrl::parse("http://localhost:8000/b").unwrap(),
            None,
        ));
        request.method = Method::PUT;
        request.mode = RequestMode::NoCors;
        request.credentials_mode = CredentialsMode::Include;
        request.redirect_mode = RedirectMode::Manual;
        request.response_tainting = ResponseTainting::Opaque;
        request.service_workers_mode = ServiceWorkersMode::None;
        request.use_cors_preflight = true;
        request.referrer = Referrer::NoReferrer;
        request.destination = Destination::Image;
        let snapshot = request_snapshot(&request);
        assert_eq!(snapshot.url.as_str(), "http://localhost:8000/b");
        assert_eq!(snapshot.method, "PUT");
        assert_eq!(snapshot.mode, snapshot::RequestMode::NoCors);
        assert_eq!(
            snapshot.credentials_mode,
            snapshot::CredentialsMode::Include
        );
        assert_eq!(snapshot.redirect_mode, snapshot::RedirectMode::Manual);
        assert_eq!(
            snapshot.response_tainting,
            snapshot::ResponseTainting::Opaque
        );
        assert_eq!(
            snapshot.service_workers_mode,
            snapshot::ServiceWorkersMode::None
        );
        assert!(snapshot.use_cors_preflight);
        assert!(snapshot.facts.url_is_potentially_trustworthy);
        assert_eq!(snapshot.referrer, None);
        assert_eq!(snapshot.destination, snapshot::Destination::Image);
    }

    #[test]
    fn secure_context_comes_from_the_client() {
        let mut request = cross_origin_fetch();
        request.client = None;
        assert!(!request_snapshot(&request).facts.client_is_secure_context);
        request.client = Some(client(origin("http://insecure.test/")));
        let snapshot = request_snapshot(&request);
        assert!(!snapshot.facts.client_is_secure_context);
        assert_eq!(
            eligibility::check(&snapshot),
            Err(Ineligible::ClientNotSecureContext)
        );
        request.client = Some(client(origin("https://secure.test/")));
        assert!(request_snapshot(&request).facts.client_is_secure_context);
    }

    /// Handle Fetch offers a navigation to a service worker only for a
    /// potentially trustworthy URL (the current URL, after redirects).
    #[test]
    fn url_trustworthiness_is_the_current_urls() {
        let mut request = cross_origin_fetch();
        for (url, trustworthy) in [
            ("http://insecure.test/a", false),
            ("https://secure.test/a", true),
            ("http://127.0.0.1:8000/a", true),
            ("http://localhost:8000/a", true),
        ] {
            request
                .url_list
                .push(UrlWithBlobClaim::new(ServoUrl::parse(url).unwrap(), None));
            assert_eq!(
                request_snapshot(&request)
                    .facts
                    .url_is_potentially_trustworthy,
                trustworthy,
                "{url}"
            );
        }
    }

    #[test]
    fn origins() {
        let mut request = cross_origin_fetch();
        request.origin = Origin::Origin(ImmutableOrigin::new_opaque());
        assert_eq!(request_snapshot(&request).origin, SnapshotOrigin::Opaque);
        // "client" (never seen in HTTP fetch): the client's origin.
        request.origin = Origin::Client;
        assert_eq!(
            request_snapshot(&request).origin,
            SnapshotOrigin::parse("http://127.0.0.1:8000").unwrap()
        );
        request.client = None;
        assert_eq!(request_snapshot(&request).origin, SnapshotOrigin::Opaque);
        // Same origin with the URL.
        let mut request = cross_origin_fetch();
        request.origin = Origin::Origin(origin("http://localhost:8000/"));
        assert_eq!(
            eligibility::check(&request_snapshot(&request)),
            Err(Ineligible::SameOrigin)
        );
    }

    #[test]
    fn destinations() {
        let mut request = cross_origin_fetch();
        request.destination = Destination::Document;
        assert_eq!(
            eligibility::check(&request_snapshot(&request)),
            Err(Ineligible::Navigation(snapshot::Destination::Document))
        );
        // Servo's "text" stays a subresource request, as Servo sees it.
        request.destination = Destination::Text;
        assert!(request.is_subresource_request());
        assert_eq!(eligibility::check(&request_snapshot(&request)), Ok(()));
        request.destination = Destination::ServiceWorker;
        assert_eq!(
            eligibility::check(&request_snapshot(&request)),
            Err(Ineligible::NotSubresource(
                snapshot::Destination::ServiceWorker
            ))
        );
    }

    /// The preflight facts are Servo's: its safelist, with Fetch's 1024-byte
    /// total of safelisted values.
    #[test]
    fn preflight_facts_are_servos() {
        let mut request = cross_origin_fetch();
        request.method = Method::PUT;
        assert_eq!(
            eligibility::check(&request_snapshot(&request)),
            Err(Ineligible::MethodNotSafelisted("PUT".to_owned()))
        );
        let mut request = cross_origin_fetch();
        request.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert_eq!(
            eligibility::check(&request_snapshot(&request)),
            Err(Ineligible::HeaderNotSafelisted("content-type".to_owned()))
        );
        let mut request = cross_origin_fetch();
        request
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(eligibility::check(&request_snapshot(&request)), Ok(()));
        // Eight more 128-byte Accept values: each safelisted, together over
        // 1024 bytes, so every safelisted name becomes CORS-unsafe.
        for _ in 0..8 {
            let value = HeaderValue::from_bytes(&[b'a'; 128]).unwrap();
            request.headers.append(header::ACCEPT, value);
        }
        assert_eq!(
            fetch_facts(&request).cors_unsafe_request_header_names,
            ["accept", "content-type"]
        );
    }
}
