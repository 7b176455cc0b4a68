/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Which service worker, if any, [Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch)
//! offers a request to: the request's client's own (first-party) worker,
//! called from Fetch's [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch)
//! step 3.1, before foreign fetch (step 3.2).
//!
//! A navigation request looks its registration up by URL (Match Service
//! Worker Registration), and the registration's active worker becomes the
//! active service worker of the client the navigation creates; a subresource
//! request goes to its client's active service worker (the
//! [`Registry`]'s controllers). Either way the worker only gets a `fetch`
//! event if its set of event types to handle contains `fetch`
//! ([`crate::registry::ActiveWorker::handles_fetch`]).
//!
//! Not routed (the request goes on as if no worker existed): non-subresource
//! requests that are not navigations, i.e. worker scripts (`worker`,
//! `sharedworker`: their reserved client would need a registration match of
//! its own, and the engine gives a worker its owner's client key anyway)
//! and reports; and a navigation initiated by a shift+reload, which the
//! engine does not tell apart.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::registry::{ForeignFetchRegistration, PartitionKey, Registry};
use crate::request::{Destination, RequestSnapshot, ServiceWorkersMode};

/// Why Handle Fetch offers a request to no service worker at all. Meant for
/// logging: the request goes on (to foreign fetch, then the network).
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum Skip {
    /// The request's service-workers mode is not "all" (a service worker's
    /// own fetch is "foreign", some engine fetches are "none").
    ServiceWorkersMode(ServiceWorkersMode),
    /// A service worker's script: never handled by a service worker.
    ServiceWorkerScript,
    /// A plugin's resource (`embed` or `object`).
    Plugin(Destination),
    /// A non-subresource request that is not a navigation (a worker's
    /// script, a report).
    NotHandled(Destination),
    /// A navigation to a URL that is not potentially trustworthy.
    UrlNotPotentiallyTrustworthy,
}

impl fmt::Display for Skip {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::ServiceWorkersMode(mode) => {
                write!(formatter, "the request's service-workers mode is {mode:?}")
            },
            Skip::ServiceWorkerScript => write!(formatter, "a service worker's script"),
            Skip::Plugin(destination) => {
                write!(formatter, "a plugin resource ({destination:?})")
            },
            Skip::NotHandled(destination) => write!(
                formatter,
                "neither a navigation nor a subresource request ({destination:?})"
            ),
            Skip::UrlNotPotentiallyTrustworthy => {
                write!(formatter, "the URL is not potentially trustworthy")
            },
        }
    }
}

/// How Handle Fetch finds the service worker for a request.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum Route {
    /// No service worker.
    Skip(Skip),
    /// A navigation request: match a registration by the request's URL
    /// ([`navigation_registration`]); it then controls the client the
    /// navigation creates.
    Navigation,
    /// A subresource request: its client's active service worker, if any
    /// ([`Registry::controller`]).
    Subresource,
}

/// The steps of [Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch)
/// that read the request alone, and the condition of HTTP fetch step 3.1.
pub fn route(request: &RequestSnapshot) -> Route {
    // HTTP fetch step 3.1: "If request's service-workers mode is "all",
    // then ... set response to the result of invoking handle fetch". (Step
    // 3.2, foreign fetch, also runs for "foreign".)
    if request.service_workers_mode != ServiceWorkersMode::All {
        return Route::Skip(Skip::ServiceWorkersMode(request.service_workers_mode));
    }
    match request.destination {
        // "Assert: request's destination is not "serviceworker"." The
        // engine should give such a request the mode "none"; never route it.
        Destination::ServiceWorker => return Route::Skip(Skip::ServiceWorkerScript),
        // "If request's destination is either "embed" or "object", then
        // return null."
        Destination::Embed | Destination::Object => {
            return Route::Skip(Skip::Plugin(request.destination));
        },
        _ => {},
    }
    let facts = &request.facts;
    // "If request is a non-subresource request, then:"
    if facts.navigation {
        // "If reservedClient is not null and is an environment settings
        // object, then: If reservedClient is not a secure context, return
        // null. Else: If request's url is not a potentially trustworthy
        // URL, return null." A navigation's reserved client is an
        // environment, not yet a settings object.
        if !facts.url_is_potentially_trustworthy {
            return Route::Skip(Skip::UrlNotPotentiallyTrustworthy);
        }
        return Route::Navigation;
    }
    // "Else if request is a subresource request, then:"
    if facts.subresource {
        return Route::Subresource;
    }
    // Worker scripts and reports (see the module documentation).
    Route::Skip(Skip::NotHandled(request.destination))
}

/// Handle Fetch for a non-subresource request that [`route`]d to
/// [`Route::Navigation`], in partition `key`: "Set registration to the
/// result of running Match Service Worker Registration given storage key and
/// request's url. If registration is null or registration's active worker is
/// null, return null."
///
/// The caller then sets the reserved client's active service worker to the
/// registration's active worker ([`Registry::set_controller`], with `None`
/// when this returns `None`: the last hop of a redirected navigation decides).
pub fn navigation_registration<'a>(
    registry: &'a Registry,
    key: &PartitionKey,
    request: &RequestSnapshot,
) -> Option<&'a ForeignFetchRegistration> {
    registry
        .match_registration(key, &request.url)
        .filter(|registration| registration.active().is_some())
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::*;
    use crate::origin::Origin;
    use crate::registry::{ActiveWorker, RegistrationId, WorkerState};

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn subresource() -> RequestSnapshot {
        let mut request = RequestSnapshot::new(
            url("https://app.test/data.json"),
            Origin::parse("https://app.test").unwrap(),
        );
        request.facts.client_is_secure_context = true;
        request.facts.url_is_potentially_trustworthy = true;
        request
    }

    fn navigation(to: &str) -> RequestSnapshot {
        let mut request = subresource();
        request.url = url(to);
        request.destination = Destination::Document;
        request.facts.subresource = false;
        request.facts.navigation = true;
        request
    }

    #[test]
    fn subresources_and_navigations() {
        assert_eq!(route(&subresource()), Route::Subresource);
        assert_eq!(
            route(&navigation("https://app.test/page.html")),
            Route::Navigation
        );
        let mut iframe = navigation("https://app.test/frame.html");
        iframe.destination = Destination::IFrame;
        assert_eq!(route(&iframe), Route::Navigation);
    }

    #[test]
    fn only_service_workers_mode_all() {
        for mode in [ServiceWorkersMode::Foreign, ServiceWorkersMode::None] {
            let mut request = subresource();
            request.service_workers_mode = mode;
            assert_eq!(route(&request), Route::Skip(Skip::ServiceWorkersMode(mode)));
            let mut request = navigation("https://app.test/");
            request.service_workers_mode = mode;
            assert_eq!(route(&request), Route::Skip(Skip::ServiceWorkersMode(mode)));
        }
    }

    #[test]
    fn service_worker_scripts_and_plugins_are_skipped() {
        let mut request = subresource();
        request.destination = Destination::ServiceWorker;
        request.facts.subresource = false;
        assert_eq!(route(&request), Route::Skip(Skip::ServiceWorkerScript));
        // `embed` and `object` are navigation requests in Fetch's terms.
        for destination in [Destination::Embed, Destination::Object] {
            let mut request = navigation("https://app.test/plugin.swf");
            request.destination = destination;
            assert_eq!(route(&request), Route::Skip(Skip::Plugin(destination)));
        }
    }

    #[test]
    fn worker_scripts_and_reports_are_not_handled_yet() {
        for destination in [
            Destination::Worker,
            Destination::SharedWorker,
            Destination::Report,
        ] {
            let mut request = subresource();
            request.destination = destination;
            request.facts.subresource = false;
            assert_eq!(route(&request), Route::Skip(Skip::NotHandled(destination)));
        }
    }

    #[test]
    fn navigations_to_untrustworthy_urls_are_skipped() {
        let mut request = navigation("http://app.test/");
        request.facts.url_is_potentially_trustworthy = false;
        assert_eq!(
            route(&request),
            Route::Skip(Skip::UrlNotPotentiallyTrustworthy)
        );
        // A subresource request goes by its client's controller.
        let mut request = subresource();
        request.facts.url_is_potentially_trustworthy = false;
        assert_eq!(route(&request), Route::Subresource);
    }

    #[test]
    fn a_navigation_matches_the_longest_scope_with_an_active_worker() {
        let key = PartitionKey::Unpartitioned;
        let worker = ActiveWorker {
            key: 1,
            script_url: url("https://app.test/sw.js"),
            handles_fetch: true,
        };
        let registration = |id: u64, scope: &str, state: WorkerState| {
            ForeignFetchRegistration::without_foreign_fetch(RegistrationId(id), url(scope), state)
                .with_active_worker(worker.clone())
        };
        let mut registry = Registry::new();
        registry.insert(
            key.clone(),
            registration(1, "https://app.test/", WorkerState::Activated),
        );
        registry.insert(
            key.clone(),
            registration(2, "https://app.test/a/", WorkerState::Activating),
        );
        registry.insert(
            key.clone(),
            registration(3, "https://app.test/a/b/", WorkerState::Installing),
        );
        let matched =
            |to: &str| navigation_registration(&registry, &key, &navigation(to)).map(|r| r.id.0);
        assert_eq!(matched("https://app.test/page.html"), Some(1));
        assert_eq!(matched("https://app.test/a/page.html"), Some(2));
        // The longest scope has no active worker: no match (a shorter scope
        // does not stand in).
        assert_eq!(matched("https://app.test/a/b/page.html"), None);
        assert_eq!(matched("https://other.test/"), None);
        let other = PartitionKey::TopLevelSite("https://site.test".to_owned());
        assert!(
            navigation_registration(&registry, &other, &navigation("https://app.test/")).is_none()
        );
        // An active worker net does not know yet.
        registry.insert(
            key.clone(),
            ForeignFetchRegistration::without_foreign_fetch(
                RegistrationId(1),
                url("https://app.test/"),
                WorkerState::Activated,
            ),
        );
        assert_eq!(
            navigation_registration(&registry, &key, &navigation("https://app.test/x")),
            None
        );
    }
}
