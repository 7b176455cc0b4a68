/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! `InstallEvent.registerForeignFetch(options)` (docs/feature.md §2): checking the
//! options a worker passes and turning them into a [`ForeignFetchConfig`].

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::origin::Origin;

/// The `ForeignFetchOptions` dictionary, after WebIDL conversion.
///
/// ```webidl
/// dictionary ForeignFetchOptions {
///   required sequence<USVString> scopes;
///   required sequence<USVString> origins;
/// };
/// ```
///
/// Conversion itself (a missing member, a value that is not a sequence) throws
/// a `TypeError` in the bindings before [`validate`] runs.
#[derive(Clone, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
pub struct ForeignFetchOptions {
    /// `options.scopes`
    pub scopes: Vec<String>,
    /// `options.origins`
    pub origins: Vec<String>,
}

/// What `registerForeignFetch` needs to know about the worker it runs in.
#[derive(Clone, Copy, Debug)]
pub struct InstallContext<'a> {
    /// Whether the `InstallEvent`'s [dispatch flag](https://dom.spec.whatwg.org/#dispatch-flag)
    /// is set, i.e. whether the call happens while the event is dispatched.
    pub dispatch_flag: bool,
    /// The worker's [API base URL](https://html.spec.whatwg.org/multipage/#api-base-url):
    /// its script URL.
    pub api_base_url: &'a Url,
    /// The containing registration's [scope URL](https://w3c.github.io/ServiceWorker/#dfn-scope-url).
    pub registration_scope: &'a Url,
}

/// The origins whose requests a foreign fetch worker intercepts (the
/// worker's *list of foreign fetch origins*).
#[derive(Clone, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum AllowedOrigins {
    /// `origins: ["*"]` (stored as an empty list in the spec): any origin.
    Any,
    /// Only these origins (never empty, never opaque).
    List(Vec<Origin>),
}

impl AllowedOrigins {
    /// Handle Foreign Fetch steps 9 to 11: "If activeWorker's list of foreign
    /// fetch origins is empty, set originMatches to true. For each origin in
    /// activeWorker's list of foreign fetch origins: If origin is equal to
    /// request's origin, set originMatches to true."
    pub fn allows(&self, request_origin: &Origin) -> bool {
        match self {
            AllowedOrigins::Any => true,
            AllowedOrigins::List(origins) => origins
                .iter()
                .any(|origin| origin.same_origin(request_origin)),
        }
    }
}

/// A worker's foreign fetch configuration: what a successful
/// `registerForeignFetch` sets.
#[derive(Clone, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub struct ForeignFetchConfig {
    /// The worker's *list of foreign fetch scopes*, without fragments.
    pub scopes: Vec<Url>,
    /// The worker's *list of foreign fetch origins*.
    pub origins: AllowedOrigins,
}

/// Which exception `registerForeignFetch` throws.
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum ErrorKind {
    /// A JavaScript `TypeError`.
    TypeError,
    /// An `"InvalidStateError"` `DOMException`.
    InvalidStateError,
}

/// The exception `registerForeignFetch` throws, with a message for the web
/// developer.
#[derive(Clone, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub struct OptionsError {
    /// The exception type.
    pub kind: ErrorKind,
    /// What went wrong, in terms of the options the developer passed.
    pub message: String,
}

impl OptionsError {
    fn type_error(message: String) -> OptionsError {
        OptionsError {
            kind: ErrorKind::TypeError,
            message,
        }
    }
}

impl fmt::Display for OptionsError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for OptionsError {}

/// <https://w3c.github.io/ServiceWorker/#register-foreign-fetch-method>
/// (docs/feature.md §2), minus its last two steps, which store the result: "Set this
/// service worker's list of foreign fetch scopes to subScopeURLs. Set this
/// service worker's list of foreign fetch origins to originURLs." (The spec
/// replaces an earlier configuration; Chrome appended to it.)
///
/// Two choices the spec leaves open:
/// - An origin string whose origin is opaque (`data:`, `blob:` of an opaque
///   origin, `about:blank`, `file:`) can never equal a request's origin, so it
///   is a `TypeError` rather than a silently useless entry.
/// - Scopes lose their fragment: registration scopes are always compared with
///   the *exclude fragments flag*, and a fragment never reaches the network.
///   The "starts with the registration scope" check runs before it is removed.
pub fn validate(
    options: &ForeignFetchOptions,
    context: &InstallContext<'_>,
) -> Result<ForeignFetchConfig, OptionsError> {
    // Step 1. If the dispatch flag is unset, throw an "InvalidStateError"
    // DOMException.
    if !context.dispatch_flag {
        return Err(OptionsError {
            kind: ErrorKind::InvalidStateError,
            message: "registerForeignFetch() can only be called while the install event is \
                      being dispatched, not later (for example from a timer or a promise callback)"
                .to_owned(),
        });
    }

    // Step 2. If options.origins is empty, throw a TypeError.
    if options.origins.is_empty() {
        return Err(OptionsError::type_error(
            "'origins' must not be empty: list the origins whose requests this worker handles, \
             or pass [\"*\"] for any origin"
                .to_owned(),
        ));
    }

    // Step 3. Let originURLs be an empty list of URLs.
    // Step 4. If the value of options.origins is not a single string equal to
    // a single U+002A ASTERISK character (*):
    let origins = if options.origins == ["*"] {
        AllowedOrigins::Any
    } else {
        let mut origin_urls = Vec::with_capacity(options.origins.len());
        // Step 4.1. For each origin in options.origins:
        for origin in &options.origins {
            if origin == "*" {
                return Err(OptionsError::type_error(
                    "'*' in 'origins' must be the only entry: pass [\"*\"] for any origin, or a \
                     list of origins without '*'"
                        .to_owned(),
                ));
            }
            // Step 4.1.1. If the value of origin is not an absolute-URL
            // string, throw a TypeError.
            let Ok(url) = Url::parse(origin) else {
                return Err(OptionsError::type_error(format!(
                    "'origins' entry {origin:?} is not an absolute URL; write origins like \
                     \"https://example.com\""
                )));
            };
            let parsed_origin = Origin::from_url(&url);
            if !parsed_origin.is_tuple() {
                return Err(OptionsError::type_error(format!(
                    "'origins' entry {origin:?} has an opaque origin, which never matches a \
                     request; write origins like \"https://example.com\""
                )));
            }
            // Step 4.1.2. Add the result of parsing origin to originURLs.
            origin_urls.push(parsed_origin);
        }
        AllowedOrigins::List(origin_urls)
    };

    // Step 5. If options.scopes is empty, throw a TypeError.
    if options.scopes.is_empty() {
        return Err(OptionsError::type_error(format!(
            "'scopes' must not be empty: list the URLs (at or below {}) whose requests this \
             worker handles",
            context.registration_scope
        )));
    }

    // Step 6. Let scopeString be the context object's relevant global object's
    // service worker's containing service worker registration's scope url,
    // serialized.
    let scope_string = context.registration_scope.as_str();

    // A service worker's script URL (its API base URL) is always http(s)
    // (Start Register step 2). Should an engine ever pass another, reject
    // rather than resolve page-chosen strings against it: url 2.5.8 trips a
    // debug_assert! joining some relative references onto `file:` URLs.
    if !matches!(context.api_base_url.scheme(), "http" | "https") {
        return Err(OptionsError::type_error(format!(
            "the worker's script URL {:?} is not an http(s) URL",
            context.api_base_url.as_str()
        )));
    }

    // Step 7. Let subScopeURLs be an empty list of URLs.
    let mut sub_scope_urls = Vec::with_capacity(options.scopes.len());

    // Step 8. For each subScope in options.scopes:
    for sub_scope in &options.scopes {
        // Step 8.1. Let subScopeURL be the result of parsing subScope with
        // context object's relevant settings object's API base URL.
        // Step 8.2. If subScopeURL is failure, throw a TypeError.
        let Ok(mut sub_scope_url) = context.api_base_url.join(sub_scope) else {
            return Err(OptionsError::type_error(format!(
                "'scopes' entry {sub_scope:?} is not a valid URL"
            )));
        };
        // Step 8.3. Let subScopeString be the serialized subScopeURL.
        // Step 8.4. If subScopeString does not start with scopeString, throw a
        // TypeError.
        if !sub_scope_url.as_str().starts_with(scope_string) {
            return Err(OptionsError::type_error(format!(
                "'scopes' entry {sub_scope:?} resolves to {}, which is not inside this \
                 worker's registration scope {scope_string}",
                sub_scope_url.as_str()
            )));
        }
        // Step 8.5. Add subScopeURL to subScopeURLs.
        sub_scope_url.set_fragment(None);
        sub_scope_urls.push(sub_scope_url);
    }

    Ok(ForeignFetchConfig {
        scopes: sub_scope_urls,
        origins,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "https://w.test/res/worker.js";
    const SCOPE: &str = "https://w.test/res/scope/";

    fn urls() -> (Url, Url) {
        (Url::parse(SCRIPT).unwrap(), Url::parse(SCOPE).unwrap())
    }

    fn run(scopes: &[&str], origins: &[&str]) -> Result<ForeignFetchConfig, OptionsError> {
        run_with_flag(true, scopes, origins)
    }

    fn run_with_flag(
        dispatch_flag: bool,
        scopes: &[&str],
        origins: &[&str],
    ) -> Result<ForeignFetchConfig, OptionsError> {
        let (script, scope) = urls();
        let options = ForeignFetchOptions {
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            origins: origins.iter().map(|s| s.to_string()).collect(),
        };
        validate(
            &options,
            &InstallContext {
                dispatch_flag,
                api_base_url: &script,
                registration_scope: &scope,
            },
        )
    }

    fn kind(result: Result<ForeignFetchConfig, OptionsError>) -> Option<ErrorKind> {
        result.err().map(|error| error.kind)
    }

    /// A JavaScript value passed as a `ForeignFetchOptions` member, to express
    /// the WebIDL conversion cases of the table at this level.
    enum Js {
        Missing,
        String(&'static str),
        Object,
        Array(Vec<Js>),
    }

    /// WebIDL conversion of a `required sequence<USVString>` member: missing
    /// or not an object → TypeError; a plain object has no @@iterator →
    /// TypeError; array elements go through ToString.
    fn convert(value: &Js) -> Result<Vec<String>, ErrorKind> {
        match value {
            Js::Missing | Js::String(_) | Js::Object => Err(ErrorKind::TypeError),
            Js::Array(items) => items
                .iter()
                .map(|item| match item {
                    Js::String(s) => Ok(s.to_string()),
                    Js::Object => Ok("[object Object]".to_owned()),
                    Js::Missing | Js::Array(_) => Err(ErrorKind::TypeError),
                })
                .collect(),
        }
    }

    /// `event.registerForeignFetch({scopes, origins})` as the bindings and
    /// then [`validate`] handle it.
    fn register(
        dispatch_flag: bool,
        scopes: Js,
        origins: Js,
    ) -> Result<ForeignFetchConfig, ErrorKind> {
        let origins = convert(&origins)?;
        let scopes = convert(&scopes)?;
        let (script, scope) = urls();
        validate(
            &ForeignFetchOptions { scopes, origins },
            &InstallContext {
                dispatch_flag,
                api_base_url: &script,
                registration_scope: &scope,
            },
        )
        .map_err(|error| error.kind)
    }

    fn strings(items: &[&'static str]) -> Js {
        Js::Array(items.iter().map(|item| Js::String(item)).collect())
    }

    /// The twenty cases of the removed WPT
    /// `service-workers/service-worker/resources/register-foreign-fetch-errors-worker.js`.
    #[test]
    fn register_foreign_fetch_errors_table() {
        use ErrorKind::{InvalidStateError, TypeError};
        let scope = SCOPE;
        let absolute_elsewhere = "https://example.com/res/scope/";
        let cases: Vec<(&str, bool, Js, Js, Option<ErrorKind>)> = vec![
            (
                "Invalid options",
                true,
                Js::Missing,
                Js::Missing,
                Some(TypeError),
            ),
            (
                "Scopes not an array",
                true,
                Js::String(scope),
                strings(&["*"]),
                Some(TypeError),
            ),
            (
                "Scopes not a string in array",
                true,
                Js::Array(vec![Js::Object]),
                strings(&["*"]),
                Some(TypeError),
            ),
            (
                "Relative url not under scope",
                true,
                strings(&["/foo"]),
                strings(&["*"]),
                Some(TypeError),
            ),
            (
                "Absolute url not under scope",
                true,
                strings(&[absolute_elsewhere]),
                strings(&["*"]),
                Some(TypeError),
            ),
            (
                "Empty scope array",
                true,
                strings(&[]),
                strings(&["*"]),
                Some(TypeError),
            ),
            (
                "Call after event returned",
                false,
                strings(&[scope]),
                strings(&["*"]),
                Some(InvalidStateError),
            ),
            (
                "Valid scopes with wildcard origin string",
                true,
                strings(&[scope]),
                strings(&["*"]),
                None,
            ),
            (
                "Absolute urls",
                true,
                strings(&[scope, "https://w.test/res/scope//foo"]),
                strings(&["*"]),
                None,
            ),
            (
                "Relative urls",
                true,
                strings(&["/res/scope/", "scope/", "./scope/", "scope//foo"]),
                strings(&["*"]),
                None,
            ),
            (
                "No origins specified",
                true,
                strings(&[scope]),
                Js::Missing,
                Some(TypeError),
            ),
            (
                "Origins not a string or array",
                true,
                strings(&[scope]),
                Js::Object,
                Some(TypeError),
            ),
            (
                "Origins contains something not a string",
                true,
                strings(&[scope]),
                Js::Array(vec![Js::Object]),
                Some(TypeError),
            ),
            (
                "Origin not an absolute URL",
                true,
                strings(&[scope]),
                strings(&["/foo"]),
                Some(TypeError),
            ),
            (
                "Wildcard origin string in array",
                true,
                strings(&[scope]),
                strings(&["*"]),
                None,
            ),
            (
                "Origin string",
                true,
                strings(&[scope]),
                Js::String("https://example.com/"),
                Some(TypeError),
            ),
            (
                "Origin string in array",
                true,
                strings(&[scope]),
                strings(&["https://example.com/"]),
                None,
            ),
            (
                "Array with multiple origins",
                true,
                strings(&[scope]),
                strings(&["https://example.com/", "https://chromium.org"]),
                None,
            ),
            (
                "Origins includes wildcard and other strings",
                true,
                strings(&[scope]),
                strings(&["*", "https://example.com/"]),
                Some(TypeError),
            ),
            (
                "Origins includes other strings and wildcard",
                true,
                strings(&[scope]),
                strings(&["https://example.com/", "*"]),
                Some(TypeError),
            ),
        ];
        assert_eq!(cases.len(), 20);
        for (name, dispatch_flag, scopes, origins, expected) in cases {
            let result = register(dispatch_flag, scopes, origins);
            assert_eq!(result.err(), expected, "{name}");
        }
    }

    #[test]
    fn dispatch_flag_is_checked_first() {
        let error = run_with_flag(false, &[], &[]).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidStateError);
        assert!(error.message.contains("while the install event"));
    }

    #[test]
    fn empty_origins() {
        let error = run(&[SCOPE], &[]).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TypeError);
        assert!(error.message.contains("[\"*\"]"), "{}", error.message);
    }

    #[test]
    fn wildcard_alone_means_any_origin() {
        assert_eq!(run(&[SCOPE], &["*"]).unwrap().origins, AllowedOrigins::Any);
        // Twice is not "a single string equal to *".
        assert_eq!(kind(run(&[SCOPE], &["*", "*"])), Some(ErrorKind::TypeError));
    }

    #[test]
    fn origin_list_stores_origins() {
        let config = run(
            &[SCOPE],
            &["https://a.test/some/path?q", "http://b.test:8080"],
        )
        .unwrap();
        assert_eq!(
            config.origins,
            AllowedOrigins::List(vec![
                Origin::parse("https://a.test").unwrap(),
                Origin::parse("http://b.test:8080").unwrap()
            ])
        );
        assert!(
            config
                .origins
                .allows(&Origin::parse("https://a.test:443").unwrap())
        );
        assert!(
            !config
                .origins
                .allows(&Origin::parse("https://c.test").unwrap())
        );
        assert!(!config.origins.allows(&Origin::Opaque));
        assert!(AllowedOrigins::Any.allows(&Origin::Opaque));
    }

    #[test]
    fn opaque_and_relative_origins_are_type_errors() {
        for origin in [
            "data:text/plain,hi",
            "about:blank",
            "file:///etc/passwd",
            "example.com",
            "",
            "//a.test",
        ] {
            let error = run(&[SCOPE], &[origin]).unwrap_err();
            assert_eq!(error.kind, ErrorKind::TypeError, "{origin:?}");
            assert!(
                error.message.contains("https://example.com"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn empty_scopes() {
        let error = run(&[], &["*"]).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TypeError);
        assert!(error.message.contains(SCOPE));
    }

    #[test]
    fn scopes_resolve_against_the_script_url() {
        let config = run(&["scope/fonts/", "/res/scope/api", SCOPE, ""], &["*"]);
        // "" resolves to the script URL, which is not under the scope here.
        assert_eq!(kind(config), Some(ErrorKind::TypeError));
        let config = run(&["scope/fonts/", "/res/scope/api", SCOPE], &["*"]).unwrap();
        assert_eq!(
            config.scopes.iter().map(Url::as_str).collect::<Vec<_>>(),
            vec![
                "https://w.test/res/scope/fonts/",
                "https://w.test/res/scope/api",
                "https://w.test/res/scope/"
            ]
        );
    }

    #[test]
    fn scope_prefix_check_is_on_the_serialization() {
        // Same origin but outside the scope, dot segments, other origin,
        // other scheme, and a prefix of the scope itself.
        for scope in [
            "/res/other/",
            "scope/../../x",
            "https://w.test:8443/res/scope/",
            "http://w.test/res/scope/",
            "/res/scope",
        ] {
            let error = run(&[scope], &["*"]).unwrap_err();
            assert_eq!(error.kind, ErrorKind::TypeError, "{scope}");
            assert!(error.message.contains("not inside"), "{}", error.message);
        }
        // Prefix matching is on strings, as everywhere in service workers.
        assert!(run(&["https://w.test/res/scope/x"], &["*"]).is_ok());
    }

    #[test]
    fn unparsable_scope() {
        let error = run(&["https://[::1"], &["*"]).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TypeError);
        assert!(error.message.contains("not a valid URL"));
    }

    #[test]
    fn fragments_are_dropped_from_scopes() {
        let config = run(&["scope/a#frag", "#top"], &["*"]);
        // "#top" resolves to the script URL with a fragment: outside the scope.
        assert_eq!(kind(config), Some(ErrorKind::TypeError));
        let config = run(&["scope/a#frag", "https://w.test/res/scope/#"], &["*"]).unwrap();
        assert_eq!(
            config.scopes.iter().map(Url::as_str).collect::<Vec<_>>(),
            vec!["https://w.test/res/scope/a", "https://w.test/res/scope/"]
        );
    }

    #[test]
    fn error_messages_name_the_offending_entry() {
        let error = run(&["/elsewhere/"], &["*"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "TypeError: 'scopes' entry \"/elsewhere/\" resolves to https://w.test/elsewhere/, \
             which is not inside this worker's registration scope https://w.test/res/scope/"
        );
    }

    /// A fuzzer-found panic (url 2.5.8's debug_assert! joining onto a
    /// `file:` URL): a script URL that is not http(s) is rejected before any
    /// scope is resolved against it.
    #[test]
    fn a_non_http_script_url_is_rejected_before_any_join() {
        let script = Url::parse("file:///*/l:").unwrap();
        let options = ForeignFetchOptions {
            scopes: vec!["../../\"/..(*A*".to_owned()],
            origins: vec!["*".to_owned()],
        };
        let context = InstallContext {
            dispatch_flag: true,
            api_base_url: &script,
            registration_scope: &script,
        };
        let error = validate(&options, &context).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TypeError);
        assert!(
            error.message.contains("not an http(s) URL"),
            "{}",
            error.message
        );
    }
}
