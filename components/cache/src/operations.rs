/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Changing a cache: [cache batch operations], [Batch Cache Operations], and the checks
//! `Cache.put()` and `Cache.addAll()` make before they build a batch.
//!
//! [cache batch operations]: https://w3c.github.io/ServiceWorker/#dfn-cache-batch-operation
//! [Batch Cache Operations]: https://w3c.github.io/ServiceWorker/#batch-cache-operations

use serde::{Deserialize, Serialize};

use crate::entry::{CachedRequest, CachedResponse, ResponseType};
use crate::error::CacheError;
use crate::query::{CacheQueryOptions, query_cache, request_matches_cached_item};

/// A [cache batch operation].
///
/// The spec's struct has a type, a request, a response and options, and Batch Cache Operations
/// throws a `TypeError` for the combinations that make no sense (steps 4.2.1, 4.2.2, 4.2.6.1
/// and 4.2.6.5); this enum only has the two that do, so those steps cannot fail here.
///
/// [cache batch operation]: https://w3c.github.io/ServiceWorker/#dfn-cache-batch-operation
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[expect(
    clippy::large_enum_variant,
    reason = "nearly every operation is a put (put(), add(), addAll()); boxing it would cost an \
              allocation per put and save nothing"
)]
pub enum CacheOperation {
    /// Type "`put`": store `response` for `request`, replacing the entries that
    /// [Query Cache](crate::query_cache) finds for `request` with the default options. A put
    /// has null options.
    Put {
        /// The operation's request.
        request: CachedRequest,
        /// The operation's response.
        response: CachedResponse,
    },
    /// Type "`delete`": remove the entries that [Query Cache](crate::query_cache) finds for
    /// `request` and `options`. A delete has a null response.
    Delete {
        /// The operation's request.
        request: CachedRequest,
        /// The operation's options.
        options: CacheQueryOptions,
    },
}

/// Whether `response`'s header list contains `Vary` and one of its field-values matches `*`
/// (`put()` step 7, `addAll()`'s processResponse step 2).
fn vary_contains_star(response: &CachedResponse) -> bool {
    // If response's header list contains a header named `Vary`, then:
    // Let fieldValues be the list containing the items corresponding to the Vary header's
    // field-values.
    // For each fieldValue in fieldValues: if fieldValue matches "*", …
    // (The engine split the field-values when it stored the response: see
    // `CachedResponse::vary`.)
    response
        .vary
        .as_ref()
        .is_some_and(|field_values| field_values.iter().any(|value| value == "*"))
}

/// Whether `request`'s URL's scheme is `http` or `https` (the `url` crate lowercases schemes).
fn is_http_scheme(request: &CachedRequest) -> bool {
    matches!(request.url.scheme(), "http" | "https")
}

/// The checks `Cache.put()` makes before anything is stored
/// (<https://w3c.github.io/ServiceWorker/#cache-put>), in the spec's order. Every error maps to
/// a `TypeError`.
///
/// The DOM layer still has its own steps around these: steps 1 to 3 (turning a string into a
/// `Request`, whose constructor may throw) come before, and step 8 (a disturbed or locked body
/// is a `TypeError`) after.
pub fn check_put(request: &CachedRequest, response: &CachedResponse) -> Result<(), CacheError> {
    // Step 4. If innerRequest's url's scheme is not one of "http" and "https", or
    // innerRequest's method is not `GET`, return a promise rejected with a TypeError.
    check_add_request(request)?;

    // Step 5. Let innerResponse be response's response.
    // Step 6. If innerResponse's status is 206, return a promise rejected with a TypeError.
    if response.status == 206 {
        return Err(CacheError::PartialContent);
    }

    // Step 7. If innerResponse's header list contains a header named `Vary`, then:
    // Step 7.1. Let fieldValues be the list containing the items corresponding to the Vary
    // header's field-values.
    // Step 7.2. For each fieldValue in fieldValues:
    // Step 7.2.1. If fieldValue matches "*", return a promise rejected with a TypeError.
    if vary_contains_star(response) {
        return Err(CacheError::VaryStar);
    }

    Ok(())
}

/// The checks `Cache.addAll()` (and so `Cache.add()`) makes on each request before fetching it
/// (<https://w3c.github.io/ServiceWorker/#cache-addAll>). Every error maps to a `TypeError`.
///
/// Step 3.2 checks the scheme and the method of a `Request` argument; step 5.2 checks the
/// scheme of every request once the `Request` constructor has run. A string argument becomes a
/// `GET` request, so checking both for every request is the same as the two steps.
pub fn check_add_request(request: &CachedRequest) -> Result<(), CacheError> {
    // Step 3.2 / step 5.2. If r's url's scheme is not one of "http" and "https", … return a
    // promise rejected with a TypeError.
    if !is_http_scheme(request) {
        return Err(CacheError::NotHttpScheme);
    }
    // Step 3.2. … or r's method is not `GET`, return a promise rejected with a TypeError.
    if request.method != "GET" {
        return Err(CacheError::MethodNotGet);
    }
    Ok(())
}

/// The checks of `Cache.addAll()`'s processResponse on each fetched response
/// (<https://w3c.github.io/ServiceWorker/#cache-addAll>, step 5.6). Every error maps to a
/// `TypeError`; on one the DOM layer also aborts the other fetches.
pub fn check_add_response(response: &CachedResponse) -> Result<(), CacheError> {
    // Step 1. If response's type is "error", or response's status is not an ok status or is
    // 206, reject responsePromise with a TypeError.
    if response.response_type == ResponseType::Error {
        return Err(CacheError::NetworkError);
    }
    if !(200..=299).contains(&response.status) {
        return Err(CacheError::NotOkStatus(response.status));
    }
    if response.status == 206 {
        return Err(CacheError::PartialContent);
    }
    // Step 2. Else if response's header list contains a header named `Vary`, then:
    // Step 2.1. Let fieldValues be the list containing the elements corresponding to the
    // field-values of the Vary header.
    // Step 2.2. For each fieldValue of fieldValues:
    // Step 2.2.1. If fieldValue matches "*", then reject responsePromise with a TypeError,
    // abort every fetch controller, and abort these steps.
    if vary_contains_star(response) {
        return Err(CacheError::VaryStar);
    }
    Ok(())
}

/// The steps of one operation that can throw, in the spec's order: everything Batch Cache
/// Operations checks before it changes the cache for `operations[index]`.
///
/// `earlier` are the operations before it in the same batch; the puts among them are the
/// spec's *addedItems* (every earlier operation passed these checks, or the batch would have
/// stopped there).
fn check_operation(
    operation: &CacheOperation,
    earlier: &[CacheOperation],
) -> Result<(), CacheError> {
    // Step 4.2.1. If operation's type matches neither "delete" nor "put", throw a TypeError.
    // Step 4.2.2. If operation's type matches "delete" and operation's response is not null,
    // throw a TypeError.
    // (Neither can be built with CacheOperation.)
    let (request, options) = match operation {
        CacheOperation::Put { request, .. } => (request, CacheQueryOptions::default()),
        CacheOperation::Delete { request, options } => (request, *options),
    };

    // Step 4.2.3. If the result of running Query Cache with operation's request, operation's
    // options, and addedItems is not empty, throw an "InvalidStateError" DOMException.
    // (A put's options are null: the defaults.)
    let matches_added_item = earlier.iter().any(|earlier| match earlier {
        CacheOperation::Put {
            request: added_request,
            response: added_response,
        } => request_matches_cached_item(request, added_request, Some(added_response), options),
        CacheOperation::Delete { .. } => false,
    });
    if matches_added_item {
        return Err(CacheError::DuplicateInBatch);
    }

    if let CacheOperation::Put { request, response } = operation {
        // Step 4.2.6.1. If operation's response is null, throw a TypeError. (Cannot happen.)
        // Step 4.2.6.2. Let r be operation's request's associated request.
        // Step 4.2.6.3. If r's url's scheme is not one of "http" and "https", throw a
        // TypeError.
        if !is_http_scheme(request) {
            return Err(CacheError::NotHttpScheme);
        }
        // Step 4.2.6.4. If r's method is not `GET`, throw a TypeError.
        if request.method != "GET" {
            return Err(CacheError::MethodNotGet);
        }
        // Not a step of Batch Cache Operations, but of every caller that builds a put
        // (`put()` step 7, `addAll()`'s processResponse step 2): a response with `Vary: *`
        // would only ever be found with ignoreVary. Checked here too so that a batch never
        // stores one, whoever built it.
        if vary_contains_star(response) {
            return Err(CacheError::VaryStar);
        }
        // Step 4.2.6.5. If operation's options is not null, throw a TypeError. (Cannot
        // happen: a put has no options.)
    }

    Ok(())
}

/// Removes the entries at `indices` (ascending, as Query Cache returns them) from `list`, and
/// the matching items of `origins`, recording in `removed` the original index of every removed
/// entry that was in the list before the batch.
fn remove_entries(
    list: &mut Vec<(CachedRequest, CachedResponse)>,
    origins: &mut Vec<Option<usize>>,
    indices: &[usize],
    removed: &mut Vec<usize>,
) {
    for &index in indices.iter().rev() {
        list.remove(index);
        if let Some(original_index) = origins.remove(index) {
            removed.push(original_index);
        }
    }
}

/// <https://w3c.github.io/ServiceWorker/#batch-cache-operations>: runs `operations` on `list`
/// (the relevant request response list), all or nothing.
///
/// On success, returns the indices, in `list` as it was before the call and in ascending
/// order, of the entries the batch removed (by a delete, or replaced by a put); put entries are
/// appended to `list` in operation order. On error, returns the first error in the spec's order
/// and `list` is unchanged.
///
/// The spec returns *resultList*, one request/response per operation whatever it did, so
/// `Cache.delete()`'s "if requestResponses is not empty, resolve with true" would always be true
/// (w3c/ServiceWorker#1677). What the callers need is what was removed: `Cache.delete()`
/// resolves with `!removed.is_empty()`, and the engine can release the bodies no entry refers
/// to any more, e.g. by copying the [`crate::BodyRef`]s (8 bytes each) before the call:
///
/// ```
/// # use sw_cache::{BodyRef, CacheOperation, RequestResponseList, batch_cache_operations};
/// # fn example(list: &mut RequestResponseList, operations: Vec<CacheOperation>) {
/// let bodies: Vec<BodyRef> = list.iter().map(|(_, response)| response.body).collect();
/// if let Ok(removed) = batch_cache_operations(list, operations) {
///     let released = removed.iter().map(|&index| bodies[index]);
///     // … unless another entry still refers to the same body.
/// #   let _ = released;
/// }
/// # }
/// ```
///
/// The spec copies the list (step 2) and restores it if a step throws (step 5). Here every step
/// that can throw depends only on the operations, not on the list (the *addedItems* of step
/// 4.2.3 are the puts before the operation), so all of them run first, in the spec's order, and
/// the list is changed only once none has thrown: the same outcome without the copy. A quota
/// (step 4.2.6.9's `QuotaExceededError`) is the engine's to enforce before committing.
pub fn batch_cache_operations(
    list: &mut Vec<(CachedRequest, CachedResponse)>,
    operations: Vec<CacheOperation>,
) -> Result<Vec<usize>, CacheError> {
    // Step 1. Let cache be the relevant request response list.
    // Step 2. Let backupCache be a new request response list that is a copy of cache.
    // (Not needed: see above.)
    // Step 3. Let addedItems be an empty list.
    // Step 4. Try running the following substeps atomically:
    // Step 4.1. Let resultList be an empty list.
    // Step 4.2. For each operation in operations: the steps that can throw.
    for (index, operation) in operations.iter().enumerate() {
        check_operation(operation, &operations[..index])?;
    }

    // Step 4.2, again: the steps that change the cache. None of them can throw any more.
    // Where each entry of `list` was before the batch (None: put by this batch).
    let mut origins: Vec<Option<usize>> = (0..list.len()).map(Some).collect();
    let mut removed = Vec::new();
    for operation in operations {
        // Step 4.2.4. Let requestResponses be an empty list.
        match operation {
            // Step 4.2.5. If operation's type matches "delete", then:
            CacheOperation::Delete { request, options } => {
                // Step 4.2.5.1. Set requestResponses to the result of running Query Cache
                // with operation's request and operation's options.
                let request_responses = query_cache(&request, options, list);
                // Step 4.2.5.2. For each requestResponse in requestResponses: remove the item
                // whose value matches requestResponse from cache.
                remove_entries(list, &mut origins, &request_responses, &mut removed);
            },
            // Step 4.2.6. Else if operation's type matches "put", then:
            CacheOperation::Put { request, response } => {
                // Steps 4.2.6.1 to 4.2.6.5: checked above.
                // Step 4.2.6.6. Set requestResponses to the result of running Query Cache
                // with operation's request.
                let request_responses = query_cache(&request, CacheQueryOptions::default(), list);
                // Step 4.2.6.7. For each requestResponse of requestResponses: remove the item
                // whose value matches requestResponse from cache.
                remove_entries(list, &mut origins, &request_responses, &mut removed);
                // Step 4.2.6.8. Append operation's request/operation's response to cache.
                list.push((request, response));
                origins.push(None);
                // Step 4.2.6.9. If the cache write operation in the previous two steps failed
                // due to exceeding the granted quota limit, throw a QuotaExceededError. (The
                // engine's.)
                // Step 4.2.6.10. Append operation's request/operation's response to
                // addedItems. (Done by check_operation's `earlier`.)
            },
        }
        // Step 4.2.7. Append operation's request/operation's response to resultList.
        // (Replaced by `removed`: see above.)
    }

    // Step 4.3. Return resultList.
    // Step 5. And then, if an exception was thrown, restore backupCache and throw it. (Nothing
    // to restore: the list is only changed once no step can throw.)
    removed.sort_unstable();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::*;
    use crate::entry::BodyRef;

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

    fn response(body: u64, headers: &[(&str, &str)]) -> CachedResponse {
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
            body: BodyRef(body),
        }
    }

    fn with_status(status: u16) -> CachedResponse {
        CachedResponse {
            status,
            ..response(0, &[])
        }
    }

    fn put(request: CachedRequest, response: CachedResponse) -> CacheOperation {
        CacheOperation::Put { request, response }
    }

    fn delete(request: CachedRequest, options: CacheQueryOptions) -> CacheOperation {
        CacheOperation::Delete { request, options }
    }

    fn bodies(list: &[(CachedRequest, CachedResponse)]) -> Vec<u64> {
        list.iter().map(|(_, response)| response.body.0).collect()
    }

    fn three_entries() -> Vec<(CachedRequest, CachedResponse)> {
        vec![
            (get("https://example.com/a"), response(1, &[])),
            (get("https://example.com/b?x"), response(2, &[])),
            (get("https://example.com/b?y"), response(3, &[])),
        ]
    }

    const IGNORE_SEARCH: CacheQueryOptions = CacheQueryOptions {
        ignore_search: true,
        ignore_method: false,
        ignore_vary: false,
    };

    // check_put, check_add_request, check_add_response.

    #[test]
    fn check_put_accepts_an_ordinary_entry() {
        assert_eq!(
            check_put(&get("https://example.com/a"), &response(0, &[])),
            Ok(())
        );
        assert_eq!(
            check_put(&get("http://example.com/a"), &with_status(404)),
            Ok(())
        );
        assert_eq!(
            check_put(&get("HTTPS://example.com/a"), &with_status(500)),
            Ok(())
        );
        assert_eq!(
            check_put(
                &get("https://example.com/a"),
                &response(0, &[("Vary", "Accept")])
            ),
            Ok(())
        );
    }

    #[test]
    fn check_put_rejects_non_http_schemes() {
        for url in [
            "file:///tmp/a",
            "data:text/plain,a",
            "blob:https://example.com/1",
            "ftp://example.com/a",
            "about:blank",
        ] {
            let error = check_put(&get(url), &response(0, &[])).unwrap_err();
            assert_eq!(error, CacheError::NotHttpScheme, "{url}");
            assert_eq!(error.exception(), crate::Exception::TypeError);
        }
    }

    #[test]
    fn check_put_rejects_non_get_methods() {
        for method in ["POST", "HEAD", "PUT", "get"] {
            let error = check_put(
                &request("https://example.com/a", method, &[]),
                &response(0, &[]),
            )
            .unwrap_err();
            assert_eq!(error, CacheError::MethodNotGet, "{method}");
            assert_eq!(error.exception(), crate::Exception::TypeError);
        }
    }

    #[test]
    fn check_put_rejects_partial_content() {
        let error = check_put(&get("https://example.com/a"), &with_status(206)).unwrap_err();
        assert_eq!(error, CacheError::PartialContent);
        assert_eq!(error.exception(), crate::Exception::TypeError);
    }

    #[test]
    fn check_put_rejects_vary_star() {
        for headers in [
            &[("Vary", "*")][..],
            &[("vary", "Accept, *")][..],
            &[("Vary", "Accept"), ("VARY", " *")][..],
        ] {
            let error =
                check_put(&get("https://example.com/a"), &response(0, headers)).unwrap_err();
            assert_eq!(error, CacheError::VaryStar, "{headers:?}");
            assert_eq!(error.exception(), crate::Exception::TypeError);
        }
    }

    #[test]
    fn check_put_reports_the_first_failing_step() {
        let bad_request = request("file:///a", "POST", &[]);
        let bad_response = CachedResponse {
            status: 206,
            ..response(0, &[("Vary", "*")])
        };
        assert_eq!(
            check_put(&bad_request, &bad_response),
            Err(CacheError::NotHttpScheme)
        );
        assert_eq!(
            check_put(&request("https://example.com/", "POST", &[]), &bad_response),
            Err(CacheError::MethodNotGet)
        );
        assert_eq!(
            check_put(&get("https://example.com/"), &bad_response),
            Err(CacheError::PartialContent)
        );
    }

    #[test]
    fn check_add_request_needs_http_and_get() {
        assert_eq!(check_add_request(&get("https://example.com/a")), Ok(()));
        assert_eq!(
            check_add_request(&get("data:,a")),
            Err(CacheError::NotHttpScheme)
        );
        assert_eq!(
            check_add_request(&request("https://example.com/a", "POST", &[])),
            Err(CacheError::MethodNotGet)
        );
    }

    #[test]
    fn check_add_response_needs_an_ok_non_partial_response_without_vary_star() {
        assert_eq!(check_add_response(&response(0, &[])), Ok(()));
        assert_eq!(check_add_response(&with_status(204)), Ok(()));
        assert_eq!(check_add_response(&with_status(299)), Ok(()));
        let network_error = CachedResponse {
            response_type: ResponseType::Error,
            status: 0,
            ..response(0, &[])
        };
        assert_eq!(
            check_add_response(&network_error),
            Err(CacheError::NetworkError)
        );
        for status in [0, 199, 300, 304, 404, 500] {
            assert_eq!(
                check_add_response(&with_status(status)),
                Err(CacheError::NotOkStatus(status))
            );
        }
        // An opaque response has status 0: addAll() refuses it, put() does not.
        let opaque = CachedResponse {
            response_type: ResponseType::Opaque,
            status: 0,
            ..response(0, &[])
        };
        assert_eq!(check_add_response(&opaque), Err(CacheError::NotOkStatus(0)));
        assert_eq!(check_put(&get("https://example.com/"), &opaque), Ok(()));
        assert_eq!(
            check_add_response(&with_status(206)),
            Err(CacheError::PartialContent)
        );
        assert_eq!(
            check_add_response(&response(0, &[("Vary", "*")])),
            Err(CacheError::VaryStar)
        );
        for error in [
            CacheError::NetworkError,
            CacheError::NotOkStatus(404),
            CacheError::PartialContent,
        ] {
            assert_eq!(error.exception(), crate::Exception::TypeError);
        }
    }

    // batch_cache_operations: put.

    #[test]
    fn put_into_an_empty_list_appends() {
        let mut list = Vec::new();
        let removed = batch_cache_operations(
            &mut list,
            vec![put(get("https://example.com/a"), response(7, &[]))],
        );
        assert_eq!(removed, Ok(vec![]));
        assert_eq!(list, vec![(get("https://example.com/a"), response(7, &[]))]);
    }

    #[test]
    fn put_replaces_the_matching_entry_and_appends_at_the_end() {
        let mut list = three_entries();
        let removed = batch_cache_operations(
            &mut list,
            vec![put(get("https://example.com/a"), response(9, &[]))],
        );
        assert_eq!(removed, Ok(vec![0]));
        assert_eq!(bodies(&list), vec![2, 3, 9]);
        assert_eq!(list[2].0, get("https://example.com/a"));
    }

    #[test]
    fn put_replaces_an_entry_whose_url_differs_only_by_fragment() {
        let mut list = vec![(get("https://example.com/a#old"), response(1, &[]))];
        let removed = batch_cache_operations(
            &mut list,
            vec![put(get("https://example.com/a#new"), response(2, &[]))],
        );
        assert_eq!(removed, Ok(vec![0]));
        assert_eq!(
            list,
            vec![(get("https://example.com/a#new"), response(2, &[]))]
        );
    }

    #[test]
    fn put_matches_with_default_options() {
        // The search is compared: /b?z replaces neither /b?x nor /b?y.
        let mut list = three_entries();
        let removed = batch_cache_operations(
            &mut list,
            vec![put(get("https://example.com/b?z"), response(4, &[]))],
        );
        assert_eq!(removed, Ok(vec![]));
        assert_eq!(bodies(&list), vec![1, 2, 3, 4]);
    }

    #[test]
    fn put_keeps_entries_whose_vary_does_not_match() {
        // Query Cache with the put's request and default options: the stored entry varies on
        // Accept, and the new request's Accept differs, so it is not replaced.
        let html = request("https://example.com/a", "GET", &[("Accept", "text/html")]);
        let png = request("https://example.com/a", "GET", &[("Accept", "image/png")]);
        let mut list = vec![(html.clone(), response(1, &[("Vary", "Accept")]))];
        let removed = batch_cache_operations(
            &mut list,
            vec![put(png.clone(), response(2, &[("Vary", "Accept")]))],
        );
        assert_eq!(removed, Ok(vec![]));
        assert_eq!(bodies(&list), vec![1, 2]);

        // The same Accept replaces the variant it matches, only that one.
        let removed = batch_cache_operations(
            &mut list,
            vec![put(html.clone(), response(3, &[("Vary", "Accept")]))],
        );
        assert_eq!(removed, Ok(vec![0]));
        assert_eq!(bodies(&list), vec![2, 3]);

        // The new response's Vary does not matter, the stored one's does: a stored entry
        // without Vary is replaced whatever the headers.
        let mut list = vec![(html, response(1, &[]))];
        let removed = batch_cache_operations(
            &mut list,
            vec![put(png, response(2, &[("Vary", "Accept")]))],
        );
        assert_eq!(removed, Ok(vec![0]));
        assert_eq!(bodies(&list), vec![2]);
    }

    #[test]
    fn put_of_a_non_get_request_is_a_type_error() {
        let mut list = three_entries();
        let error = batch_cache_operations(
            &mut list,
            vec![put(
                request("https://example.com/a", "POST", &[]),
                response(9, &[]),
            )],
        )
        .unwrap_err();
        assert_eq!(error, CacheError::MethodNotGet);
        assert_eq!(error.exception(), crate::Exception::TypeError);
        assert_eq!(list, three_entries());
    }

    #[test]
    fn put_of_a_non_http_request_is_a_type_error() {
        let mut list = three_entries();
        assert_eq!(
            batch_cache_operations(&mut list, vec![put(get("file:///a"), response(9, &[]))]),
            Err(CacheError::NotHttpScheme)
        );
        assert_eq!(list, three_entries());
    }

    #[test]
    fn put_of_a_vary_star_response_is_a_type_error() {
        let mut list = three_entries();
        assert_eq!(
            batch_cache_operations(
                &mut list,
                vec![put(
                    get("https://example.com/c"),
                    response(9, &[("Vary", "x, *")])
                )]
            ),
            Err(CacheError::VaryStar)
        );
        assert_eq!(list, three_entries());
    }

    #[test]
    fn put_twice_in_one_batch_is_an_invalid_state_error() {
        let mut list = three_entries();
        let error = batch_cache_operations(
            &mut list,
            vec![
                put(get("https://example.com/c"), response(8, &[])),
                put(get("https://example.com/c#other"), response(9, &[])),
            ],
        )
        .unwrap_err();
        assert_eq!(error, CacheError::DuplicateInBatch);
        assert_eq!(error.exception(), crate::Exception::InvalidStateError);
        assert_eq!(list, three_entries());
    }

    #[test]
    fn puts_of_different_variants_in_one_batch_are_allowed() {
        let html = request("https://example.com/a", "GET", &[("Accept", "text/html")]);
        let png = request("https://example.com/a", "GET", &[("Accept", "image/png")]);
        let mut list = Vec::new();
        let removed = batch_cache_operations(
            &mut list,
            vec![
                put(html, response(1, &[("Vary", "Accept")])),
                put(png, response(2, &[("Vary", "Accept")])),
            ],
        );
        assert_eq!(removed, Ok(vec![]));
        assert_eq!(bodies(&list), vec![1, 2]);
    }

    #[test]
    fn puts_of_different_urls_in_one_batch() {
        let mut list = three_entries();
        let removed = batch_cache_operations(
            &mut list,
            vec![
                put(get("https://example.com/b?y"), response(5, &[])),
                put(get("https://example.com/c"), response(6, &[])),
                put(get("https://example.com/a"), response(7, &[])),
            ],
        );
        assert_eq!(removed, Ok(vec![0, 2]));
        assert_eq!(bodies(&list), vec![2, 5, 6, 7]);
    }

    // batch_cache_operations: delete.

    #[test]
    fn delete_removes_what_query_cache_finds() {
        let mut list = three_entries();
        let removed = batch_cache_operations(
            &mut list,
            vec![delete(
                get("https://example.com/b?x"),
                CacheQueryOptions::default(),
            )],
        );
        assert_eq!(removed, Ok(vec![1]));
        assert_eq!(bodies(&list), vec![1, 3]);
    }

    #[test]
    fn delete_with_ignore_search_removes_every_variant() {
        let mut list = three_entries();
        let removed = batch_cache_operations(
            &mut list,
            vec![delete(get("https://example.com/b"), IGNORE_SEARCH)],
        );
        assert_eq!(removed, Ok(vec![1, 2]));
        assert_eq!(bodies(&list), vec![1]);
    }

    #[test]
    fn delete_of_nothing_removes_nothing() {
        let mut list = three_entries();
        let removed = batch_cache_operations(
            &mut list,
            vec![delete(
                get("https://example.com/z"),
                CacheQueryOptions::default(),
            )],
        );
        assert_eq!(removed, Ok(vec![]));
        assert_eq!(list, three_entries());
    }

    #[test]
    fn delete_of_a_non_get_request_is_a_no_op_unless_ignore_method() {
        let mut list = three_entries();
        let post = request("https://example.com/a", "POST", &[]);
        let removed = batch_cache_operations(
            &mut list,
            vec![delete(post.clone(), CacheQueryOptions::default())],
        );
        assert_eq!(removed, Ok(vec![]));
        assert_eq!(list, three_entries());

        let removed = batch_cache_operations(
            &mut list,
            vec![delete(
                post,
                CacheQueryOptions {
                    ignore_method: true,
                    ..CacheQueryOptions::default()
                },
            )],
        );
        assert_eq!(removed, Ok(vec![0]));
        assert_eq!(bodies(&list), vec![2, 3]);
    }

    #[test]
    fn delete_honours_vary_unless_ignore_vary() {
        let html = request("https://example.com/a", "GET", &[("Accept", "text/html")]);
        let png = request("https://example.com/a", "GET", &[("Accept", "image/png")]);
        let entries = vec![
            (html, response(1, &[("Vary", "Accept")])),
            (
                get("https://example.com/a?q"),
                response(2, &[("Vary", "*")]),
            ),
        ];
        let mut list = entries.clone();
        assert_eq!(
            batch_cache_operations(
                &mut list,
                vec![delete(png.clone(), CacheQueryOptions::default())]
            ),
            Ok(vec![])
        );
        assert_eq!(list, entries);
        // A Vary: * entry is only ever found with ignoreVary.
        assert_eq!(
            batch_cache_operations(
                &mut list,
                vec![delete(
                    get("https://example.com/a?q"),
                    CacheQueryOptions::default()
                )]
            ),
            Ok(vec![])
        );
        let everything = CacheQueryOptions {
            ignore_search: true,
            ignore_vary: true,
            ignore_method: false,
        };
        assert_eq!(
            batch_cache_operations(&mut list, vec![delete(png, everything)]),
            Ok(vec![0, 1])
        );
        assert!(list.is_empty());
    }

    #[test]
    fn delete_after_put_of_the_same_request_is_an_invalid_state_error() {
        let mut list = three_entries();
        assert_eq!(
            batch_cache_operations(
                &mut list,
                vec![
                    put(get("https://example.com/c"), response(9, &[])),
                    delete(get("https://example.com/c"), CacheQueryOptions::default()),
                ]
            ),
            Err(CacheError::DuplicateInBatch)
        );
        assert_eq!(list, three_entries());
        // The delete's options are the ones used against the added items.
        assert_eq!(
            batch_cache_operations(
                &mut list,
                vec![
                    put(get("https://example.com/c?x"), response(9, &[])),
                    delete(get("https://example.com/c"), IGNORE_SEARCH),
                ]
            ),
            Err(CacheError::DuplicateInBatch)
        );
        assert_eq!(list, three_entries());
    }

    #[test]
    fn put_after_delete_of_the_same_request_is_allowed() {
        let mut list = three_entries();
        let removed = batch_cache_operations(
            &mut list,
            vec![
                delete(get("https://example.com/a"), CacheQueryOptions::default()),
                put(get("https://example.com/a"), response(9, &[])),
            ],
        );
        assert_eq!(removed, Ok(vec![0]));
        assert_eq!(bodies(&list), vec![2, 3, 9]);
    }

    #[test]
    fn removed_indices_are_those_of_the_list_before_the_batch() {
        let mut list = three_entries();
        // The delete shifts the list; the put's replaced entry is still reported as index 2.
        let removed = batch_cache_operations(
            &mut list,
            vec![
                delete(get("https://example.com/a"), CacheQueryOptions::default()),
                put(get("https://example.com/b?y"), response(9, &[])),
            ],
        );
        assert_eq!(removed, Ok(vec![0, 2]));
        assert_eq!(bodies(&list), vec![2, 9]);
    }

    // batch_cache_operations: all or nothing.

    #[test]
    fn an_error_in_a_later_operation_undoes_the_earlier_ones() {
        for failing in [
            put(get("file:///x"), response(9, &[])),
            put(
                request("https://example.com/x", "POST", &[]),
                response(9, &[]),
            ),
            put(get("https://example.com/x"), response(9, &[("Vary", "*")])),
            put(get("https://example.com/c"), response(9, &[])),
        ] {
            let mut list = three_entries();
            let result = batch_cache_operations(
                &mut list,
                vec![
                    delete(get("https://example.com/b"), IGNORE_SEARCH),
                    put(get("https://example.com/a"), response(7, &[])),
                    put(get("https://example.com/c"), response(8, &[])),
                    failing.clone(),
                ],
            );
            assert!(result.is_err(), "{failing:?}");
            assert_eq!(list, three_entries(), "{failing:?}");
        }
    }

    #[test]
    fn the_first_failing_operation_decides_the_error() {
        let mut list = three_entries();
        assert_eq!(
            batch_cache_operations(
                &mut list,
                vec![
                    put(get("https://example.com/c"), response(1, &[])),
                    put(get("https://example.com/d"), response(2, &[("Vary", "*")])),
                    put(get("https://example.com/c"), response(3, &[])),
                ]
            ),
            Err(CacheError::VaryStar)
        );
        // Within one operation, step 4.2.3 (addedItems) comes before the scheme check.
        assert_eq!(
            batch_cache_operations(
                &mut list,
                vec![
                    put(get("https://example.com/c"), response(1, &[])),
                    delete(get("https://example.com/c"), CacheQueryOptions::default()),
                    put(get("file:///c"), response(3, &[])),
                ]
            ),
            Err(CacheError::DuplicateInBatch)
        );
        assert_eq!(list, three_entries());
    }

    #[test]
    fn an_empty_batch_changes_nothing() {
        let mut list = three_entries();
        assert_eq!(batch_cache_operations(&mut list, Vec::new()), Ok(vec![]));
        assert_eq!(list, three_entries());
    }

    #[test]
    fn operations_serialize() {
        let operation = delete(get("https://example.com/a#f"), IGNORE_SEARCH);
        let json = serde_json::to_string(&operation).expect("serializes");
        assert_eq!(
            serde_json::from_str::<CacheOperation>(&json).expect("deserializes"),
            operation
        );
    }
}
