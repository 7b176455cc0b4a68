/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Property tests of the public API, on small random caches drawn from few URLs and headers so
//! that matches are frequent.

use proptest::prelude::*;
use sw_cache::{
    BodyRef, CacheOperation, CacheQueryOptions, CachedRequest, CachedResponse, RequestResponseList,
    ResponseType, batch_cache_operations, check_put, query_cache,
};
use url::Url;

/// Few URLs, so that entries often share one: mostly one origin, two paths, a query that may
/// be absent, empty or set, and a fragment that matching must ignore.
fn url() -> impl Strategy<Value = Url> {
    (
        prop::sample::select(vec![
            "https://example.com",
            "https://example.com",
            "http://example.com",
        ]),
        prop::sample::select(vec!["/a", "/b"]),
        prop::sample::select(vec!["", "", "?x=1", "?"]),
        prop::sample::select(vec!["", "#f"]),
    )
        .prop_map(|(origin, path, query, fragment)| {
            Url::parse(&format!("{origin}{path}{query}{fragment}")).expect("valid URL")
        })
}

fn headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["Accept", "accept", "X-A"]),
            prop::sample::select(vec!["1", "1", "2", ""]),
        )
            .prop_map(|(name, value)| (name.to_string(), value.as_bytes().to_vec())),
        0..2,
    )
}

fn request(method: impl Strategy<Value = &'static str>) -> impl Strategy<Value = CachedRequest> {
    (url(), method, headers()).prop_map(|(url, method, headers)| CachedRequest {
        url,
        method: method.to_string(),
        headers,
    })
}

fn any_request() -> impl Strategy<Value = CachedRequest> {
    request(prop::sample::select(vec![
        "GET", "GET", "GET", "POST", "HEAD",
    ]))
}

fn get_request() -> impl Strategy<Value = CachedRequest> {
    request(Just("GET"))
}

fn response(vary: Vec<&'static str>) -> impl Strategy<Value = CachedResponse> {
    (prop::sample::select(vary), any::<u64>()).prop_map(|(vary, body)| {
        let headers = if vary.is_empty() {
            Vec::new()
        } else {
            vec![("Vary".to_string(), vary.as_bytes().to_vec())]
        };
        CachedResponse {
            response_type: ResponseType::Basic,
            status: 200,
            status_text: b"OK".to_vec(),
            url_list: Vec::new(),
            cors_exposed_header_names: Vec::new(),
            vary: sw_cache::headers::get_decode_split(&headers, b"Vary"),
            headers,
            internal: None,
            body: BodyRef(body),
        }
    })
}

/// Stored responses may vary on anything, `*` included (an engine may load such a list).
fn any_response() -> impl Strategy<Value = CachedResponse> {
    response(vec!["", "", "Accept", "x-a", "ACCEPT, X-A", "*"])
}

/// Responses `put()` accepts.
fn puttable_response() -> impl Strategy<Value = CachedResponse> {
    response(vec!["", "Accept", "x-a", "ACCEPT, X-A"])
}

fn list() -> impl Strategy<Value = RequestResponseList> {
    prop::collection::vec((any_request(), any_response()), 0..10)
}

fn options() -> impl Strategy<Value = CacheQueryOptions> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(ignore_search, ignore_method, ignore_vary)| CacheQueryOptions {
            ignore_search,
            ignore_method,
            ignore_vary,
        },
    )
}

fn operation() -> impl Strategy<Value = CacheOperation> {
    prop_oneof![
        (any_request(), any_response())
            .prop_map(|(request, response)| CacheOperation::Put { request, response }),
        (any_request(), options())
            .prop_map(|(request, options)| CacheOperation::Delete { request, options }),
    ]
}

fn is_subset(smaller: &[usize], larger: &[usize]) -> bool {
    smaller.iter().all(|index| larger.contains(index))
}

proptest! {
    /// Setting every ignore flag finds at least what any other options find.
    #[test]
    fn all_ignore_flags_find_a_superset(
        query in any_request(),
        options in options(),
        list in list(),
    ) {
        let all = CacheQueryOptions {
            ignore_search: true,
            ignore_method: true,
            ignore_vary: true,
        };
        let narrow = query_cache(&query, options, &list);
        let wide = query_cache(&query, all, &list);
        prop_assert!(is_subset(&narrow, &wide), "{narrow:?} ⊄ {wide:?}");
        prop_assert!(is_subset(&query_cache(&query, CacheQueryOptions::default(), &list), &narrow));
    }

    /// Each flag on its own only widens the result.
    #[test]
    fn each_ignore_flag_widens(query in any_request(), options in options(), list in list()) {
        let base = query_cache(&query, options, &list);
        for widened in [
            CacheQueryOptions { ignore_search: true, ..options },
            CacheQueryOptions { ignore_method: true, ..options },
            CacheQueryOptions { ignore_vary: true, ..options },
        ] {
            prop_assert!(is_subset(&base, &query_cache(&query, widened, &list)));
        }
    }

    /// Query Cache returns ascending indices into the list.
    #[test]
    fn query_cache_indices_are_ascending(
        query in any_request(),
        options in options(),
        list in list(),
    ) {
        let indices = query_cache(&query, options, &list);
        prop_assert!(indices.windows(2).all(|pair| pair[0] < pair[1]));
        prop_assert!(indices.iter().all(|&index| index < list.len()));
    }

    /// A put that `put()` accepts succeeds, is appended, and is then the only entry its own
    /// request finds with the default options.
    #[test]
    fn put_then_query_finds_the_put_entry(
        mut list in list(),
        request in get_request(),
        response in puttable_response(),
    ) {
        prop_assert_eq!(check_put(&request, &response), Ok(()));
        let before = list.clone();
        let removed = batch_cache_operations(
            &mut list,
            vec![CacheOperation::Put { request: request.clone(), response: response.clone() }],
        );
        prop_assert!(removed.is_ok());
        let removed = removed.unwrap_or_default();
        prop_assert_eq!(list.last(), Some(&(request.clone(), response)));
        prop_assert_eq!(
            query_cache(&request, CacheQueryOptions::default(), &list),
            vec![list.len() - 1]
        );
        // What was removed is what the put's request found before.
        prop_assert_eq!(
            &removed,
            &query_cache(&request, CacheQueryOptions::default(), &before)
        );
        prop_assert_eq!(list.len(), before.len() - removed.len() + 1);
    }

    /// A batch either fails and leaves the list as it was, or keeps every entry it did not
    /// report as removed, in order, followed by its puts.
    #[test]
    fn batches_are_all_or_nothing(
        mut list in list(),
        operations in prop::collection::vec(operation(), 0..5),
    ) {
        let before = list.clone();
        let puts: Vec<(CachedRequest, CachedResponse)> = operations
            .iter()
            .filter_map(|operation| match operation {
                CacheOperation::Put { request, response } => {
                    Some((request.clone(), response.clone()))
                },
                CacheOperation::Delete { .. } => None,
            })
            .collect();
        match batch_cache_operations(&mut list, operations) {
            Err(_) => prop_assert_eq!(list, before),
            Ok(removed) => {
                prop_assert!(removed.windows(2).all(|pair| pair[0] < pair[1]));
                let mut expected: RequestResponseList = before
                    .into_iter()
                    .enumerate()
                    .filter(|(index, _)| !removed.contains(index))
                    .map(|(_, entry)| entry)
                    .collect();
                expected.extend(puts);
                prop_assert_eq!(list, expected);
            },
        }
    }

    /// Entries survive a serde round trip unchanged.
    #[test]
    fn entries_round_trip_through_serde(list in list()) {
        let json = serde_json::to_string(&list).expect("serializes");
        let back: RequestResponseList = serde_json::from_str(&json).expect("deserializes");
        prop_assert_eq!(back, list);
    }
}
