/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Registration from a `Link: <...>; rel="serviceworker"` response header
//! (docs/feature.md §1).

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use super::value::LinkValue;
use crate::origin::Origin;

/// The [link type](https://w3c.github.io/ServiceWorker/#link-type-serviceworker)
/// that registers a service worker: `rel="serviceworker"`.
pub const SERVICEWORKER: &str = "serviceworker";

/// A [worker type](https://html.spec.whatwg.org/multipage/#workertype).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum WorkerType {
    /// `"classic"`
    #[default]
    Classic,
    /// `"module"`
    Module,
}

impl WorkerType {
    /// The WebIDL enum value with exactly this spelling, if any.
    pub fn from_idl(value: &str) -> Option<WorkerType> {
        match value {
            "classic" => Some(WorkerType::Classic),
            "module" => Some(WorkerType::Module),
            _ => None,
        }
    }
}

/// A registration's [update via cache mode](https://w3c.github.io/ServiceWorker/#dfn-update-via-cache).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum UpdateViaCache {
    /// `"imports"`
    #[default]
    Imports,
    /// `"all"`
    All,
    /// `"none"`
    None,
}

impl UpdateViaCache {
    /// The WebIDL enum value with exactly this spelling, if any.
    pub fn from_idl(value: &str) -> Option<UpdateViaCache> {
        match value {
            "imports" => Some(UpdateViaCache::Imports),
            "all" => Some(UpdateViaCache::All),
            "none" => Some(UpdateViaCache::None),
            _ => None,
        }
    }
}

/// What [Processing a "serviceworker" Link header](https://w3c.github.io/ServiceWorker/#link-header-processing)
/// hands to Start Register.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct ServiceWorkerLink {
    /// The link target, resolved against the link context (the response URL).
    pub script_url: Url,
    /// The `scope` target attribute resolved against `script_url`; `None`
    /// means Start Register's default, the script's directory.
    pub scope: Option<Url>,
    /// The `workertype` target attribute (default `classic`).
    pub worker_type: WorkerType,
    /// The `updateviacache` target attribute (default `imports`).
    pub update_via_cache: UpdateViaCache,
}

/// Why a link-value did not become a [`ServiceWorkerLink`] (for logging).
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum LinkIgnored {
    /// Its relation types do not include `serviceworker`.
    NotServiceWorker,
    /// It has an `anchor` parameter.
    HasAnchor,
    /// The response URL is not an `http` or `https` URL.
    ContextNotHttp(String),
    /// The target does not parse as a URL against the response URL.
    InvalidTarget(String),
    /// The script URL is not an `http` or `https` URL (Start Register
    /// step 2 would reject it).
    ScriptNotHttp(String),
    /// The `scope` does not parse as a URL against the script URL.
    InvalidScope(String),
    /// `workertype` is not a valid `WorkerType` value.
    InvalidWorkerType(String),
    /// `updateviacache` is not a valid `ServiceWorkerUpdateViaCache` value.
    InvalidUpdateViaCache(String),
}

impl fmt::Display for LinkIgnored {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkIgnored::NotServiceWorker => write!(formatter, "not a serviceworker link"),
            LinkIgnored::HasAnchor => {
                write!(
                    formatter,
                    "a serviceworker link must not have an anchor parameter"
                )
            },
            LinkIgnored::ContextNotHttp(url) => {
                write!(formatter, "the response URL {url:?} is not http(s)")
            },
            LinkIgnored::InvalidTarget(target) => {
                write!(formatter, "the script URL {target:?} does not parse")
            },
            LinkIgnored::ScriptNotHttp(url) => {
                write!(formatter, "the script URL {url:?} is not http(s)")
            },
            LinkIgnored::InvalidScope(scope) => {
                write!(formatter, "the scope {scope:?} does not parse")
            },
            LinkIgnored::InvalidWorkerType(value) => write!(
                formatter,
                "workertype {value:?} is not \"classic\" or \"module\""
            ),
            LinkIgnored::InvalidUpdateViaCache(value) => write!(
                formatter,
                "updateviacache {value:?} is not \"imports\", \"all\" or \"none\""
            ),
        }
    }
}

/// Steps 2 to 5 of [Processing a "serviceworker" Link header](https://w3c.github.io/ServiceWorker/#link-header-processing):
/// whether the `Link` headers of a response to a request from a client that
/// is (or is not) a secure context may register service workers at all.
pub fn may_process_link_header(context_url: &Url, client_is_secure_context: bool) -> bool {
    // Step 2. Let contextURL be the result of parsing the link context of the
    // Link header. (The caller passes the response URL.)
    // Step 3. If the result of running potentially trustworthy origin with the
    // origin of contextURL is Not Trusted, abort these steps.
    if !Origin::from_url(context_url).is_potentially_trustworthy() {
        return false;
    }
    // Step 4. Let request be the request for which this header was received in
    // the response.
    // Step 5. If request's client is not a secure context, abort these steps.
    client_is_secure_context
}

/// Every serviceworker link among `links`, processed per
/// [`ServiceWorkerLink::from_link_value`]; the others are dropped (and logged
/// at debug level when they were serviceworker links).
pub fn service_worker_links(links: &[LinkValue], context_url: &Url) -> Vec<ServiceWorkerLink> {
    links
        .iter()
        .filter_map(
            |link| match ServiceWorkerLink::from_link_value(link, context_url) {
                Ok(link) => Some(link),
                Err(LinkIgnored::NotServiceWorker) => None,
                Err(reason) => {
                    log::debug!("Ignoring serviceworker link {link}: {reason}");
                    None
                },
            },
        )
        .collect()
}

impl ServiceWorkerLink {
    /// [Processing a "serviceworker" Link header](https://w3c.github.io/ServiceWorker/#link-header-processing)
    /// for one link-value whose context is `context_url` (the response URL),
    /// except steps 2 to 5 ([`may_process_link_header`]) and step 12, which is
    /// the caller's: "Invoke Start Register with scopeURL, scriptURL, a new
    /// promise, null, contextURL, workerType, and updateViaCache."
    ///
    /// `workertype` and `updateviacache` must be spelled exactly as the WebIDL
    /// enums are. An invalid `updateviacache` drops the link, as an invalid
    /// `workertype` does (step 10): the spec's step 11 does not say what to do,
    /// but `register()` with such a value throws (WebIDL enum conversion), and
    /// a typo should not silently give a different caching policy.
    ///
    /// A script URL or scope that does not parse also drops the link: Start
    /// Register would reject the promise, which nobody observes.
    pub fn from_link_value(
        link: &LinkValue,
        context_url: &Url,
    ) -> Result<ServiceWorkerLink, LinkIgnored> {
        if !link.has_relation_type(SERVICEWORKER) {
            return Err(LinkIgnored::NotServiceWorker);
        }

        // Step 1. If the Link header has an "anchor" parameter, abort these
        // steps.
        if link.has_param("anchor") {
            return Err(LinkIgnored::HasAnchor);
        }

        // Only an HTTP(S) response carries a Link header that can register
        // anything (step 2 wants a potentially trustworthy context, Start
        // Register an http(s) script). Resolving attacker-chosen strings
        // against other URLs is not just useless but unsafe: url 2.5.8 trips
        // a debug_assert! joining some relative references onto `file:` URLs.
        if !is_http(context_url) {
            return Err(LinkIgnored::ContextNotHttp(context_url.as_str().to_owned()));
        }

        // Step 6. Let scriptURL be the result of parsing the link target of
        // the Link header.
        let script_url = link
            .resolve_target(context_url)
            .ok_or_else(|| LinkIgnored::InvalidTarget(link.target().to_owned()))?;
        // Start Register step 2 ("If scriptURL's scheme is not one of "http"
        // and "https", reject promise with a TypeError"), before the scope is
        // resolved against it.
        if !is_http(&script_url) {
            return Err(LinkIgnored::ScriptNotHttp(script_url.as_str().to_owned()));
        }

        // Step 7. Let scopeURL be null.
        // Step 8. If the "scope" target attribute of the Link header is
        // present, set scopeURL to the result of parsing the "scope" target
        // attribute with scriptURL.
        let scope = match link.param("scope") {
            None => None,
            Some(scope) => Some(
                script_url
                    .join(scope)
                    .map_err(|_| LinkIgnored::InvalidScope(scope.to_owned()))?,
            ),
        };

        // Step 9. Let workerType be the "workertype" target attribute of the
        // Link header, or "classic" if no such attribute is present.
        // Step 10. If workerType is not a valid WorkerType value, abort these
        // steps.
        let worker_type = match link.param("workertype") {
            None => WorkerType::Classic,
            Some(value) => WorkerType::from_idl(value)
                .ok_or_else(|| LinkIgnored::InvalidWorkerType(value.to_owned()))?,
        };

        // Step 11. Let updateViaCache be the "updateviacache" target attribute
        // of the Link header, or "imports" if no such attribute is present.
        let update_via_cache = match link.param("updateviacache") {
            None => UpdateViaCache::Imports,
            Some(value) => UpdateViaCache::from_idl(value)
                .ok_or_else(|| LinkIgnored::InvalidUpdateViaCache(value.to_owned()))?,
        };

        Ok(ServiceWorkerLink {
            script_url,
            scope,
            worker_type,
            update_via_cache,
        })
    }

    /// The URL checks of [Start Register](https://w3c.github.io/ServiceWorker/#start-register-algorithm)
    /// (steps 2 to 7): returns the script URL and the scope URL (the default
    /// scope filled in) to build the register job from, or why the promise
    /// (which nobody observes for a `Link` header) would be rejected.
    ///
    /// The job's own checks (trustworthy origin, same origin as the referrer,
    /// `Service-Worker-Allowed`) belong to Register and stay there.
    pub fn start_register_urls(&self) -> Result<(Url, Url), StartRegisterError> {
        let script_url = &self.script_url;
        // Step 2. If scriptURL's scheme is not one of "http" and "https",
        // reject promise with a TypeError and abort these steps.
        if !matches!(script_url.scheme(), "http" | "https") {
            return Err(StartRegisterError::ScriptSchemeNotHttp);
        }
        // Step 3. If any of the strings in scriptURL's path contains either
        // ASCII case-insensitive "%2f" or ASCII case-insensitive "%5c", reject
        // promise with a TypeError and abort these steps.
        if has_escaped_slash(script_url) {
            return Err(StartRegisterError::ScriptPathHasEscapedSlash);
        }
        // Step 4. If scopeURL is null, set scopeURL to the result of parsing
        // the string "./" with scriptURL.
        // Step 5. If scopeURL is failure, reject promise with a TypeError and
        // abort these steps.
        let scope_url = match &self.scope {
            Some(scope) => scope.clone(),
            None => script_url
                .join("./")
                .map_err(|_| StartRegisterError::ScopeSchemeNotHttp)?,
        };
        // Step 6. If scopeURL's scheme is not one of "http" and "https", reject
        // promise with a TypeError and abort these steps.
        if !matches!(scope_url.scheme(), "http" | "https") {
            return Err(StartRegisterError::ScopeSchemeNotHttp);
        }
        // Step 7. If any of the strings in scopeURL's path contains either
        // ASCII case-insensitive "%2f" or ASCII case-insensitive "%5c", reject
        // promise with a TypeError and abort these steps.
        if has_escaped_slash(&scope_url) {
            return Err(StartRegisterError::ScopePathHasEscapedSlash);
        }
        Ok((script_url.clone(), scope_url))
    }
}

/// Why [Start Register](https://w3c.github.io/ServiceWorker/#start-register-algorithm)
/// would reject (each is a `TypeError` there).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum StartRegisterError {
    /// The script URL is not `http:` or `https:`.
    ScriptSchemeNotHttp,
    /// The script URL's path contains `%2f` or `%5c`.
    ScriptPathHasEscapedSlash,
    /// The scope URL is not `http:` or `https:`.
    ScopeSchemeNotHttp,
    /// The scope URL's path contains `%2f` or `%5c`.
    ScopePathHasEscapedSlash,
}

impl fmt::Display for StartRegisterError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            StartRegisterError::ScriptSchemeNotHttp => "the script URL must be http: or https:",
            StartRegisterError::ScriptPathHasEscapedSlash => {
                "the script URL's path must not contain %2f or %5c"
            },
            StartRegisterError::ScopeSchemeNotHttp => "the scope URL must be http: or https:",
            StartRegisterError::ScopePathHasEscapedSlash => {
                "the scope URL's path must not contain %2f or %5c"
            },
        })
    }
}

fn has_escaped_slash(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    path.contains("%2f") || path.contains("%5c")
}

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::parse_field_value;

    fn context() -> Url {
        Url::parse("https://cdn.test/fonts/css?family=x").unwrap()
    }

    fn links(value: &str) -> Vec<ServiceWorkerLink> {
        service_worker_links(&parse_field_value(value), &context())
    }

    fn one(value: &str) -> Result<ServiceWorkerLink, LinkIgnored> {
        let parsed = parse_field_value(value);
        assert_eq!(parsed.len(), 1, "{value}");
        ServiceWorkerLink::from_link_value(&parsed[0], &context())
    }

    #[test]
    fn minimal_link_uses_the_defaults() {
        assert_eq!(
            one(r#"</sw.js>; rel="serviceworker""#),
            Ok(ServiceWorkerLink {
                script_url: Url::parse("https://cdn.test/sw.js").unwrap(),
                scope: None,
                worker_type: WorkerType::Classic,
                update_via_cache: UpdateViaCache::Imports,
            })
        );
    }

    #[test]
    fn target_resolves_against_the_response_url_and_scope_against_the_script() {
        let link = one(r#"<workers/sw.js>; rel=serviceworker; scope="./""#).unwrap();
        assert_eq!(
            link.script_url.as_str(),
            "https://cdn.test/fonts/workers/sw.js"
        );
        assert_eq!(
            link.scope.unwrap().as_str(),
            "https://cdn.test/fonts/workers/"
        );
        let link = one(r#"<https://other.test/a/sw.js>; rel=serviceworker; scope="../""#).unwrap();
        assert_eq!(link.scope.unwrap().as_str(), "https://other.test/");
    }

    #[test]
    fn all_attributes() {
        let link = one(
            r#"<sw.js>; rel="serviceworker"; scope="/"; workertype="module"; updateviacache="all""#,
        )
        .unwrap();
        assert_eq!(link.worker_type, WorkerType::Module);
        assert_eq!(link.update_via_cache, UpdateViaCache::All);
        let link =
            one("<sw.js>; rel=serviceworker; updateviacache=none; workertype=classic").unwrap();
        assert_eq!(link.update_via_cache, UpdateViaCache::None);
        assert_eq!(link.worker_type, WorkerType::Classic);
    }

    #[test]
    fn relation_type_is_case_insensitive_and_may_be_one_of_several() {
        assert!(one(r#"</sw.js>; rel="preload ServiceWorker""#).is_ok());
        assert_eq!(
            one(r#"</sw.js>; rel="service-worker""#),
            Err(LinkIgnored::NotServiceWorker)
        );
        assert_eq!(one("</sw.js>"), Err(LinkIgnored::NotServiceWorker));
    }

    #[test]
    fn anchor_drops_the_link() {
        assert_eq!(
            one(r##"</sw.js>; rel=serviceworker; anchor="#x""##),
            Err(LinkIgnored::HasAnchor)
        );
    }

    #[test]
    fn invalid_worker_type_or_update_via_cache_drops_the_link() {
        assert_eq!(
            one("</sw.js>; rel=serviceworker; workertype=shared"),
            Err(LinkIgnored::InvalidWorkerType("shared".to_owned()))
        );
        assert_eq!(
            one("</sw.js>; rel=serviceworker; workertype=Module"),
            Err(LinkIgnored::InvalidWorkerType("Module".to_owned()))
        );
        assert_eq!(
            one("</sw.js>; rel=serviceworker; updateviacache=sometimes"),
            Err(LinkIgnored::InvalidUpdateViaCache("sometimes".to_owned()))
        );
        assert_eq!(
            one("</sw.js>; rel=serviceworker; updateviacache"),
            Err(LinkIgnored::InvalidUpdateViaCache(String::new()))
        );
    }

    #[test]
    fn unparsable_urls_drop_the_link() {
        assert_eq!(
            one("<https://[::1>; rel=serviceworker"),
            Err(LinkIgnored::InvalidTarget("https://[::1".to_owned()))
        );
        assert_eq!(
            one("</sw.js>; rel=serviceworker; scope=\"https://[\""),
            Err(LinkIgnored::InvalidScope("https://[".to_owned()))
        );
    }

    #[test]
    fn first_parameter_wins() {
        let link = one(r#"</sw.js>; rel=serviceworker; scope="/a/"; scope="/b/"; workertype=module; workertype=nonsense"#)
            .unwrap();
        assert_eq!(link.scope.unwrap().path(), "/a/");
        assert_eq!(link.worker_type, WorkerType::Module);
    }

    #[test]
    fn only_serviceworker_links_are_returned() {
        let found = links(
            r#"</style.css>; rel=preload, </a.js>; rel=serviceworker, </b.js>; rel=serviceworker; anchor="/", </c.js>; rel="serviceworker""#,
        );
        assert_eq!(
            found
                .iter()
                .map(|link| link.script_url.path())
                .collect::<Vec<_>>(),
            vec!["/a.js", "/c.js"]
        );
    }

    #[test]
    fn precondition_needs_a_trustworthy_context_and_a_secure_client() {
        let secure = Url::parse("https://cdn.test/x").unwrap();
        let local = Url::parse("http://localhost:8000/x").unwrap();
        let insecure = Url::parse("http://cdn.test/x").unwrap();
        let opaque = Url::parse("data:text/plain,x").unwrap();
        assert!(may_process_link_header(&secure, true));
        assert!(may_process_link_header(&local, true));
        assert!(!may_process_link_header(&secure, false));
        assert!(!may_process_link_header(&insecure, true));
        assert!(!may_process_link_header(&opaque, true));
    }

    #[test]
    fn start_register_fills_in_the_default_scope() {
        let link = one("</fonts/sw.js>; rel=serviceworker").unwrap();
        let (script, scope) = link.start_register_urls().unwrap();
        assert_eq!(script.as_str(), "https://cdn.test/fonts/sw.js");
        assert_eq!(scope.as_str(), "https://cdn.test/fonts/");
    }

    #[test]
    fn start_register_rejections() {
        let link = |value: &str| one(value).unwrap().start_register_urls();
        // Step 2's scheme check runs while the link is read, before its scope
        // is resolved against the script URL.
        assert_eq!(
            one("<ftp://cdn.test/sw.js>; rel=serviceworker"),
            Err(LinkIgnored::ScriptNotHttp(
                "ftp://cdn.test/sw.js".to_owned()
            ))
        );
        assert_eq!(
            link("</a%2Fb/sw.js>; rel=serviceworker"),
            Err(StartRegisterError::ScriptPathHasEscapedSlash)
        );
        assert_eq!(
            link("</sw.js>; rel=serviceworker; scope=\"data:,x\""),
            Err(StartRegisterError::ScopeSchemeNotHttp)
        );
        assert_eq!(
            link("</sw.js>; rel=serviceworker; scope=\"/a%5cb/\""),
            Err(StartRegisterError::ScopePathHasEscapedSlash)
        );
    }

    /// A fuzzer-found panic: url 2.5.8's debug_assert! on joining this scope
    /// onto this `file:` script URL. The link is dropped before any join.
    #[test]
    fn a_file_script_url_is_dropped_before_its_scope_is_resolved() {
        let header = "<file:///*/l:>; rel=serviceworker; scope=\"../../\\\"/..(*A*\"";
        let context = Url::parse("https://service.test/page").unwrap();
        let links = crate::link::parse_field_value(header);
        assert_eq!(links.len(), 1);
        assert_eq!(
            ServiceWorkerLink::from_link_value(&links[0], &context),
            Err(LinkIgnored::ScriptNotHttp("file:///*/l:".to_owned()))
        );
        // The same link on a response that is not http(s) is not resolved at all.
        let context = Url::parse("file:///*/l:").unwrap();
        assert_eq!(
            ServiceWorkerLink::from_link_value(&links[0], &context),
            Err(LinkIgnored::ContextNotHttp("file:///*/l:".to_owned()))
        );
    }
}
