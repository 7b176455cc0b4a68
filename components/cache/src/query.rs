/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Finding entries: [`CacheQueryOptions`], [Request Matches Cached Item] and [Query Cache].
//!
//! [Request Matches Cached Item]: https://w3c.github.io/ServiceWorker/#request-matches-cached-item-algorithm
//! [Query Cache]: https://w3c.github.io/ServiceWorker/#query-cache

use serde::{Deserialize, Serialize};
use url::{Position, Url};

use crate::entry::{CachedRequest, CachedResponse};
use crate::headers;

/// <https://w3c.github.io/ServiceWorker/#dictdef-cachequeryoptions>. `Default` gives the
/// dictionary's defaults (all `false`), which is also what the algorithms use when the spec
/// omits the options argument.
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub struct CacheQueryOptions {
    /// `ignoreSearch`: compare URLs without their query.
    pub ignore_search: bool,
    /// `ignoreMethod`: let a request whose method is not `GET` match.
    pub ignore_method: bool,
    /// `ignoreVary`: do not compare the headers the cached response's `Vary` names.
    pub ignore_vary: bool,
}

/// The serialization of `url` that [URL equals] compares with *exclude fragments* set, and with
/// the query set to the empty string when `ignore_search` is true.
///
/// Setting both URLs' query to the empty string gives both serializations the same `?` and
/// nothing after it (the fragment being excluded), so comparing them up to the end of the path
/// is the same comparison, without copying a URL.
///
/// [URL equals]: https://url.spec.whatwg.org/#concept-url-equals
fn serialization_to_compare(url: &Url, ignore_search: bool) -> &str {
    if ignore_search {
        &url[..Position::AfterPath]
    } else {
        &url[..Position::AfterQuery]
    }
}

/// <https://w3c.github.io/ServiceWorker/#request-matches-cached-item-algorithm>: whether
/// `request_query` matches the entry (`cached_request`, `cached_response`).
///
/// `cached_response` is `None` where the spec passes null (matching on the request alone).
///
/// Step 1 reads "|request|'s method", which names the cached request; before the algorithm was
/// split out of Query Cache (w3c/ServiceWorker#1341) that step tested the *query*, and
/// `match()`, `matchAll()`, `keys()` and `delete()` still return early for a query whose method
/// is not `GET` unless `ignoreMethod`. This function tests both, so that without
/// `ignore_method` a non-`GET` query matches nothing (the same early return, wherever Query
/// Cache is used) and a non-`GET` stored request is never matched (the spec's text); a list
/// built by [`crate::batch_cache_operations`] only holds `GET` requests, so the second test
/// changes nothing for it.
pub fn request_matches_cached_item(
    request_query: &CachedRequest,
    cached_request: &CachedRequest,
    cached_response: Option<&CachedResponse>,
    options: CacheQueryOptions,
) -> bool {
    // Step 1. If options["ignoreMethod"] is false and request's method is not `GET`, return
    // false. (Tested for requestQuery too: see above.)
    if !options.ignore_method && (cached_request.method != "GET" || request_query.method != "GET") {
        return false;
    }

    // Step 2. Let queryURL be requestQuery's url.
    // Step 3. Let cachedURL be request's url.
    // Step 4. If options["ignoreSearch"] is true, then:
    // Step 4.1. Set cachedURL's query to the empty string.
    // Step 4.2. Set queryURL's query to the empty string.
    let query_url = serialization_to_compare(&request_query.url, options.ignore_search);
    let cached_url = serialization_to_compare(&cached_request.url, options.ignore_search);

    // Step 5. If queryURL does not equal cachedURL with the exclude fragment flag set, then
    // return false.
    if query_url != cached_url {
        return false;
    }

    // Step 6. If response is null, options["ignoreVary"] is true, or response's header list
    // does not contain `Vary`, then return true.
    let Some(cached_response) = cached_response else {
        return true;
    };
    if options.ignore_vary {
        return true;
    }
    // Step 7. Let fieldValues be the list containing the elements corresponding to the
    // field-values of the Vary header for the value of the header with name `Vary`.
    // ("Get, decode, and split" gives null exactly when the header list does not contain
    // `Vary`, which is step 6's last condition.)
    let Some(field_values) = &cached_response.vary else {
        return true;
    };

    // Step 8. For each fieldValue in fieldValues:
    for field_value in field_values {
        // Step 8.1. If fieldValue matches "*", or the combined value given fieldValue and
        // request's header list does not match the combined value given fieldValue and
        // requestQuery's header list, then return false.
        // (The "combined value" is what header list "get" returns: see headers::get. Both
        // absent: two nulls, which match.)
        if field_value == "*"
            || headers::get(&cached_request.headers, field_value.as_bytes())
                != headers::get(&request_query.headers, field_value.as_bytes())
        {
            return false;
        }
    }

    // Step 9. Return true.
    true
}

/// <https://w3c.github.io/ServiceWorker/#query-cache>: the indices, in list order, of the
/// entries of `list` that `request_query` matches.
///
/// `list` is the spec's *targetStorage*, or the relevant request response list when that is
/// omitted. The spec returns copies of the matching entries (steps 5.3.1 to 5.3.3); indices let
/// the caller copy only what it needs (`matchAll()` the responses, `keys()` the requests).
pub fn query_cache(
    request_query: &CachedRequest,
    options: CacheQueryOptions,
    list: &[(CachedRequest, CachedResponse)],
) -> Vec<usize> {
    // Step 1. Let resultList be an empty list.
    // Steps 2 to 4. Let storage be targetStorage, or the relevant request response list.
    // (The caller passes it.)
    // Step 5. For each requestResponse of storage:
    list.iter()
        .enumerate()
        // Step 5.1. Let cachedRequest be requestResponse's request.
        // Step 5.2. Let cachedResponse be requestResponse's response.
        // Step 5.3. If Request Matches Cached Item with requestQuery, cachedRequest,
        // cachedResponse, and options returns true, then add (a copy of) requestResponse to
        // resultList.
        .filter(|(_, (cached_request, cached_response))| {
            request_matches_cached_item(
                request_query,
                cached_request,
                Some(cached_response),
                options,
            )
        })
        .map(|(index, _)| index)
        // Step 6. Return resultList.
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{BodyRef, ResponseType};

    fn request(url: &str, method: &str, headers: &[(&str, &str)]) -> CachedRequest {
        CachedRequest {
            url: Url::parse(url).expect("test URL"),
            method: method.to_string(),
            headers: headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
                .collect(),
        }
    }

    fn get(url: &str) -> CachedRequest {
        request(url, "GET", &[])
    }

    fn response(headers: &[(&str, &str)]) -> CachedResponse {
        let headers: Vec<(String, Vec<u8>)> = headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
            .collect();
        CachedResponse {
            response_type: ResponseType::Basic,
            status: 200,
            status_text: b"OK".to_vec(),
            url_list: Vec::new(),
            cors_exposed_header_names: Vec::new(),
            vary: crate::headers::get_decode_split(&headers, b"Vary"),
            headers,
            internal: None,
            body: BodyRef(0),
        }
    }

    const NO_OPTIONS: CacheQueryOptions = CacheQueryOptions {
        ignore_search: false,
        ignore_method: false,
        ignore_vary: false,
    };
    const IGNORE_SEARCH: CacheQueryOptions = CacheQueryOptions {
        ignore_search: true,
        ..NO_OPTIONS
    };
    const IGNORE_METHOD: CacheQueryOptions = CacheQueryOptions {
        ignore_method: true,
        ..NO_OPTIONS
    };
    const IGNORE_VARY: CacheQueryOptions = CacheQueryOptions {
        ignore_vary: true,
        ..NO_OPTIONS
    };

    fn matches(
        query: &CachedRequest,
        cached: &CachedRequest,
        cached_response: &CachedResponse,
        options: CacheQueryOptions,
    ) -> bool {
        request_matches_cached_item(query, cached, Some(cached_response), options)
    }

    #[test]
    fn default_options_are_all_false() {
        assert_eq!(CacheQueryOptions::default(), NO_OPTIONS);
    }

    #[test]
    fn same_url_matches() {
        let entry = get("https://example.com/a?x=1");
        assert!(matches(&entry, &entry, &response(&[]), NO_OPTIONS));
    }

    #[test]
    fn different_path_or_origin_does_not_match() {
        let cached = get("https://example.com/a");
        for url in [
            "https://example.com/b",
            "https://example.com/a/",
            "http://example.com/a",
            "https://example.org/a",
            "https://example.com:8443/a",
        ] {
            assert!(
                !matches(&get(url), &cached, &response(&[]), NO_OPTIONS),
                "{url}"
            );
        }
    }

    #[test]
    fn fragments_are_excluded() {
        let cached = get("https://example.com/a?x=1#cached");
        let response = response(&[]);
        assert!(matches(
            &get("https://example.com/a?x=1"),
            &cached,
            &response,
            NO_OPTIONS
        ));
        assert!(matches(
            &get("https://example.com/a?x=1#other"),
            &cached,
            &response,
            NO_OPTIONS
        ));
        assert!(matches(
            &get("https://example.com/a?x=1#"),
            &cached,
            &response,
            NO_OPTIONS
        ));
        // With ignoreSearch, too.
        assert!(matches(
            &get("https://example.com/a?y#z"),
            &cached,
            &response,
            IGNORE_SEARCH
        ));
    }

    #[test]
    fn search_must_match_unless_ignore_search() {
        let cached = get("https://example.com/a?x=1");
        let response = response(&[]);
        for url in [
            "https://example.com/a?x=2",
            "https://example.com/a",
            "https://example.com/a?",
            "https://example.com/a?X=1",
        ] {
            assert!(!matches(&get(url), &cached, &response, NO_OPTIONS), "{url}");
            assert!(
                matches(&get(url), &cached, &response, IGNORE_SEARCH),
                "{url}"
            );
        }
        // ignoreSearch does not relax the rest of the URL.
        assert!(!matches(
            &get("https://example.com/b?x=1"),
            &cached,
            &response,
            IGNORE_SEARCH
        ));
    }

    #[test]
    fn empty_query_differs_from_no_query() {
        let cached = get("https://example.com/a");
        let response = response(&[]);
        assert!(!matches(
            &get("https://example.com/a?"),
            &cached,
            &response,
            NO_OPTIONS
        ));
        assert!(matches(
            &get("https://example.com/a?"),
            &cached,
            &response,
            IGNORE_SEARCH
        ));
    }

    #[test]
    fn non_get_query_matches_only_with_ignore_method() {
        let cached = get("https://example.com/a");
        let response = response(&[]);
        for method in ["POST", "HEAD", "PUT", "get"] {
            let query = request("https://example.com/a", method, &[]);
            assert!(!matches(&query, &cached, &response, NO_OPTIONS), "{method}");
            assert!(
                !matches(&query, &cached, &response, IGNORE_SEARCH),
                "{method}"
            );
            assert!(
                matches(&query, &cached, &response, IGNORE_METHOD),
                "{method}"
            );
        }
    }

    #[test]
    fn non_get_cached_request_matches_only_with_ignore_method() {
        let cached = request("https://example.com/a", "POST", &[]);
        let response = response(&[]);
        let query = get("https://example.com/a");
        assert!(!matches(&query, &cached, &response, NO_OPTIONS));
        assert!(matches(&query, &cached, &response, IGNORE_METHOD));
    }

    #[test]
    fn ignore_method_does_not_relax_the_url() {
        let query = request("https://example.com/b", "POST", &[]);
        assert!(!matches(
            &query,
            &get("https://example.com/a"),
            &response(&[]),
            IGNORE_METHOD
        ));
    }

    #[test]
    fn null_response_skips_vary() {
        let cached = request("https://example.com/a", "GET", &[("Accept", "text/html")]);
        let query = request("https://example.com/a", "GET", &[("Accept", "image/png")]);
        assert!(request_matches_cached_item(
            &query, &cached, None, NO_OPTIONS
        ));
        assert!(!request_matches_cached_item(
            &get("https://example.com/b"),
            &cached,
            None,
            NO_OPTIONS
        ));
    }

    #[test]
    fn vary_compares_the_named_request_headers() {
        let cached = request("https://example.com/a", "GET", &[("Accept", "text/html")]);
        let vary = response(&[("Vary", "Accept")]);
        let same = request("https://example.com/a", "GET", &[("Accept", "text/html")]);
        let other = request("https://example.com/a", "GET", &[("Accept", "image/png")]);
        assert!(matches(&same, &cached, &vary, NO_OPTIONS));
        assert!(!matches(&other, &cached, &vary, NO_OPTIONS));
        assert!(matches(&other, &cached, &vary, IGNORE_VARY));
        // Without Vary the request headers do not matter.
        assert!(matches(&other, &cached, &response(&[]), NO_OPTIONS));
    }

    #[test]
    fn vary_ignores_headers_it_does_not_name() {
        let cached = request(
            "https://example.com/a",
            "GET",
            &[("Accept", "text/html"), ("X-Other", "1")],
        );
        let query = request(
            "https://example.com/a",
            "GET",
            &[("Accept", "text/html"), ("X-Other", "2")],
        );
        assert!(matches(
            &query,
            &cached,
            &response(&[("Vary", "Accept")]),
            NO_OPTIONS
        ));
    }

    #[test]
    fn vary_absent_versus_present_headers() {
        let vary = response(&[("Vary", "X-Token")]);
        let without = get("https://example.com/a");
        let with = request("https://example.com/a", "GET", &[("X-Token", "1")]);
        let with_empty = request("https://example.com/a", "GET", &[("X-Token", "")]);
        // Both absent: equal.
        assert!(matches(&without, &without, &vary, NO_OPTIONS));
        // One absent, one present: not equal, either way round.
        assert!(!matches(&with, &without, &vary, NO_OPTIONS));
        assert!(!matches(&without, &with, &vary, NO_OPTIONS));
        // Present but empty is not absent.
        assert!(!matches(&with_empty, &without, &vary, NO_OPTIONS));
        assert!(!matches(&without, &with_empty, &vary, NO_OPTIONS));
        assert!(matches(&with_empty, &with_empty, &vary, NO_OPTIONS));
        // ignoreVary makes all of them match.
        assert!(matches(&with, &without, &vary, IGNORE_VARY));
        assert!(matches(&without, &with_empty, &vary, IGNORE_VARY));
    }

    #[test]
    fn vary_with_several_names_needs_all_of_them_equal() {
        let cached = request(
            "https://example.com/a",
            "GET",
            &[("Accept", "text/html"), ("Accept-Language", "fr")],
        );
        let one_header = response(&[("Vary", "Accept, Accept-Language")]);
        let two_headers = response(&[("Vary", "Accept"), ("Vary", "Accept-Language")]);
        let equal = request(
            "https://example.com/a",
            "GET",
            &[("Accept-Language", "fr"), ("Accept", "text/html")],
        );
        let second_differs = request(
            "https://example.com/a",
            "GET",
            &[("Accept", "text/html"), ("Accept-Language", "de")],
        );
        let second_missing = request("https://example.com/a", "GET", &[("Accept", "text/html")]);
        for vary in [&one_header, &two_headers] {
            assert!(matches(&equal, &cached, vary, NO_OPTIONS));
            assert!(!matches(&second_differs, &cached, vary, NO_OPTIONS));
            assert!(!matches(&second_missing, &cached, vary, NO_OPTIONS));
            assert!(matches(&second_differs, &cached, vary, IGNORE_VARY));
        }
    }

    #[test]
    fn vary_names_and_header_names_are_case_insensitive() {
        let cached = request("https://example.com/a", "GET", &[("accept", "text/html")]);
        let query = request("https://example.com/a", "GET", &[("ACCEPT", "text/html")]);
        let other = request("https://example.com/a", "GET", &[("Accept", "image/png")]);
        for vary in [
            response(&[("Vary", "accept")]),
            response(&[("vary", "Accept")]),
            response(&[("VARY", "aCcEpT")]),
        ] {
            assert!(matches(&query, &cached, &vary, NO_OPTIONS));
            assert!(!matches(&other, &cached, &vary, NO_OPTIONS));
        }
    }

    #[test]
    fn vary_values_are_case_sensitive() {
        let cached = request("https://example.com/a", "GET", &[("Accept", "text/html")]);
        let query = request("https://example.com/a", "GET", &[("Accept", "TEXT/HTML")]);
        assert!(!matches(
            &query,
            &cached,
            &response(&[("Vary", "Accept")]),
            NO_OPTIONS
        ));
    }

    #[test]
    fn vary_compares_combined_values() {
        // Two headers combine to "a, b", the same as one header "a, b".
        let cached = request(
            "https://example.com/a",
            "GET",
            &[("X-List", "a"), ("X-List", "b")],
        );
        let combined = request("https://example.com/a", "GET", &[("X-List", "a, b")]);
        let reordered = request(
            "https://example.com/a",
            "GET",
            &[("X-List", "b"), ("X-List", "a")],
        );
        let vary = response(&[("Vary", "X-List")]);
        assert!(matches(&combined, &cached, &vary, NO_OPTIONS));
        assert!(!matches(&reordered, &cached, &vary, NO_OPTIONS));
    }

    #[test]
    fn vary_star_never_matches_unless_ignore_vary() {
        let cached = get("https://example.com/a");
        for vary in [
            response(&[("Vary", "*")]),
            response(&[("Vary", "Accept, *")]),
            response(&[("Vary", " * ")]),
            response(&[("Vary", "Accept"), ("Vary", "*")]),
        ] {
            assert!(!matches(&cached, &cached, &vary, NO_OPTIONS));
            assert!(!matches(&cached, &cached, &vary, IGNORE_SEARCH));
            assert!(!matches(&cached, &cached, &vary, IGNORE_METHOD));
            assert!(matches(&cached, &cached, &vary, IGNORE_VARY));
        }
        // A quoted "*" or a name containing "*" is just an (odd) header name.
        for vary in [response(&[("Vary", "\"*\"")]), response(&[("Vary", "X-*")])] {
            assert!(matches(&cached, &cached, &vary, NO_OPTIONS));
        }
    }

    #[test]
    fn empty_vary_and_empty_field_values() {
        let cached = request("https://example.com/a", "GET", &[("Accept", "a")]);
        let query = request("https://example.com/a", "GET", &[("Accept", "b")]);
        // An empty Vary header names no header: "" is nobody's name, null equals null.
        assert!(matches(
            &query,
            &cached,
            &response(&[("Vary", "")]),
            NO_OPTIONS
        ));
        assert!(matches(
            &query,
            &cached,
            &response(&[("Vary", " , ,")]),
            NO_OPTIONS
        ));
        // Empty pieces do not hide the real names.
        assert!(!matches(
            &query,
            &cached,
            &response(&[("Vary", ",Accept,")]),
            NO_OPTIONS
        ));
    }

    #[test]
    fn query_cache_returns_indices_in_list_order() {
        let list = vec![
            (get("https://example.com/a"), response(&[])),
            (get("https://example.com/b"), response(&[])),
            (get("https://example.com/a?x"), response(&[])),
            (get("https://example.com/a#f"), response(&[])),
            (get("https://example.com/a?y"), response(&[("Vary", "*")])),
        ];
        let query = get("https://example.com/a");
        assert_eq!(query_cache(&query, NO_OPTIONS, &list), vec![0, 3]);
        assert_eq!(query_cache(&query, IGNORE_SEARCH, &list), vec![0, 2, 3]);
        assert_eq!(
            query_cache(
                &query,
                CacheQueryOptions {
                    ignore_search: true,
                    ignore_vary: true,
                    ..NO_OPTIONS
                },
                &list
            ),
            vec![0, 2, 3, 4]
        );
        assert_eq!(
            query_cache(&get("https://example.com/c"), NO_OPTIONS, &list),
            Vec::<usize>::new()
        );
        assert_eq!(query_cache(&query, NO_OPTIONS, &[]), Vec::<usize>::new());
    }

    #[test]
    fn query_cache_with_non_get_query() {
        let list = vec![(get("https://example.com/a"), response(&[]))];
        let post = request("https://example.com/a", "POST", &[]);
        assert_eq!(query_cache(&post, NO_OPTIONS, &list), Vec::<usize>::new());
        assert_eq!(query_cache(&post, IGNORE_METHOD, &list), vec![0]);
    }

    #[test]
    fn query_cache_with_vary_picks_the_matching_variant() {
        let list = vec![
            (
                request("https://example.com/a", "GET", &[("Accept", "text/html")]),
                response(&[("Vary", "Accept")]),
            ),
            (
                request("https://example.com/a", "GET", &[("Accept", "image/png")]),
                response(&[("Vary", "Accept")]),
            ),
        ];
        let png = request("https://example.com/a", "GET", &[("Accept", "image/png")]);
        assert_eq!(query_cache(&png, NO_OPTIONS, &list), vec![1]);
        assert_eq!(query_cache(&png, IGNORE_VARY, &list), vec![0, 1]);
        assert_eq!(
            query_cache(&get("https://example.com/a"), NO_OPTIONS, &list),
            Vec::<usize>::new()
        );
    }
}
