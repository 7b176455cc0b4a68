/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! [Match Service Worker Registration], as written: a scan of one registration
//! map.
//!
//! The one implementation of the algorithm in this project. An origin's
//! service worker manager runs it over its own registrations to answer the
//! network side's active worker query (`sw-lifecycle` re-exports it), and
//! [`crate::registry::lookup_linear`], the reference that the indexed
//! [`crate::registry::Registry`] is tested against, runs it over a slice.
//!
//! [Match Service Worker Registration]: https://w3c.github.io/ServiceWorker/#scope-match-algorithm

use url::{Position, Url};

/// The serialization a registration is keyed by: "serialized scope with the
/// exclude fragment flag set" (Get Registration, step 3).
pub fn scope_key(scope: &Url) -> &str {
    &scope[..Position::AfterQuery]
}

/// <https://w3c.github.io/ServiceWorker/#scope-match-algorithm>
///
/// `registrations` is a registration map of one storage key, as (scope URL,
/// registration) pairs; returns the pair whose scope is the longest prefix of
/// `client_url`, if any. The caller then looks at that registration only:
/// a longer-scoped registration without an active worker hides a
/// shorter-scoped one that has one.
pub fn match_registration<'a, R>(
    registrations: impl IntoIterator<Item = (&'a Url, R)>,
    client_url: &Url,
) -> Option<(&'a Url, R)> {
    // Step 2. Let clientURLString be the serialized clientURL.
    let client_url_string = client_url.as_str();
    let client_origin = client_url.origin();
    // Step 4-5. For each scope of the registration map's keys with storage
    // key, append it to scopeStringSet.
    // Step 6. Set matchingScopeString to the longest value in scopeStringSet
    // which the value of clientURLString starts with, if it exists.
    registrations
        .into_iter()
        .filter(|(scope, _)| client_url_string.starts_with(scope_key(scope)))
        // Step 8. Assert: matchingScope's origin and clientURL's origin are
        // same origin. (The map is one storage key's; a scope of another
        // origin never matches.)
        .filter(|(scope, _)| scope.origin() == client_origin)
        .max_by_key(|(scope, _)| scope_key(scope).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(url: &str) -> Url {
        Url::parse(url).unwrap()
    }

    fn matching(scopes: &[Url], client_url: &str) -> Option<String> {
        match_registration(
            scopes.iter().map(|scope| (scope, scope.path())),
            &url(client_url),
        )
        .map(|(_, path)| path.to_owned())
    }

    #[test]
    fn longest_scope_wins() {
        let scopes = [
            url("http://127.0.0.1:8000/"),
            url("http://127.0.0.1:8000/fonts/"),
            url("http://127.0.0.1:8000/fonts/woff/"),
        ];
        assert_eq!(
            matching(&scopes, "http://127.0.0.1:8000/fonts/a.woff").as_deref(),
            Some("/fonts/")
        );
        assert_eq!(
            matching(&scopes, "http://127.0.0.1:8000/fonts/woff/a.woff").as_deref(),
            Some("/fonts/woff/")
        );
        assert_eq!(
            matching(&scopes, "http://127.0.0.1:8000/img/a.png").as_deref(),
            Some("/")
        );
    }

    #[test]
    fn outside_every_scope_is_none() {
        let scopes = [url("https://a.test/scope/")];
        assert_eq!(matching(&scopes, "https://a.test/other/x"), None);
        assert_eq!(matching(&scopes, "https://a.test/scope"), None);
        assert_eq!(matching(&[], "https://a.test/scope/x"), None);
    }

    #[test]
    fn scopes_match_by_serialization() {
        // A scope without a trailing slash is a plain string prefix.
        let scopes = [url("https://a.test/fonts")];
        assert_eq!(
            matching(&scopes, "https://a.test/fonts-extra/x").as_deref(),
            Some("/fonts")
        );
        // Query and fragment are part of the serialization.
        assert_eq!(
            matching(&scopes, "https://a.test/fonts?x=1").as_deref(),
            Some("/fonts")
        );
    }

    #[test]
    fn a_scope_fragment_is_not_part_of_its_key() {
        let scopes = [url("https://a.test/fonts/#x")];
        assert_eq!(
            matching(&scopes, "https://a.test/fonts/a.woff").as_deref(),
            Some("/fonts/")
        );
    }

    #[test]
    fn other_origins_never_match() {
        let scopes = [url("http://127.0.0.1:8000/")];
        assert_eq!(matching(&scopes, "http://127.0.0.1:8001/"), None);
        assert_eq!(matching(&scopes, "http://localhost:8000/"), None);
        assert_eq!(matching(&scopes, "https://127.0.0.1:8000/"), None);
    }
}
