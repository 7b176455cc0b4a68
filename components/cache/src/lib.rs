/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The algorithms behind the [`Cache`] interface of the Service Workers spec, on plain data.
//!
//! A service worker keeps responses for offline use in named caches (`caches.open(name)`), each
//! a [request response list]: requests paired with the responses stored for them. For a foreign
//! fetch worker that list is the service's *single authoritative cache*: one store of the
//! service's responses, written by its worker and read to answer every site's requests to the
//! service, so what it finds must be exactly what the spec says it finds. This crate holds the
//! parts of the Cache API that decide that, with no engine types, no I/O and no threads, so they
//! can be tested (and fuzzed) on their own and shared by whichever engine process owns the
//! storage:
//!
//! * [`entry`]: what one entry holds ([`CachedRequest`], [`CachedResponse`], [`BodyRef`]);
//! * [`headers`]: Fetch's header-list [get] (which `Vary` matching compares) and [get, decode,
//!   and split] (for tests and engines without one);
//! * [`query`]: [`CacheQueryOptions`], [Request Matches Cached Item] and [Query Cache];
//! * [`operations`]: [`CacheOperation`], [Batch Cache Operations] (all or nothing), and the
//!   checks `put()` and `addAll()` make first;
//! * [`error`]: [`CacheError`] and the exception each one becomes.
//!
//! # What a DOM method calls
//!
//! | Method | Here |
//! |---|---|
//! | `match(request, options)`, `matchAll(request, options)` | [`query_cache`], then the engine copies the responses at the indices (first one for `match()`); with no request, every response |
//! | `keys(request, options)` | [`query_cache`], then the requests at the indices; with no request, every request |
//! | `put(request, response)` | [`check_put`], then (body read) [`batch_cache_operations`] with one [`CacheOperation::Put`] |
//! | `add(request)`, `addAll(requests)` | [`check_add_request`] for each request, [`check_add_response`] for each fetched response, then [`batch_cache_operations`] with one put per request |
//! | `delete(request, options)` | [`batch_cache_operations`] with one [`CacheOperation::Delete`]; resolves with whether it removed anything |
//!
//! A query whose method is not `GET` finds nothing unless `ignoreMethod` is set, so the early
//! returns of `match()`, `matchAll()`, `keys()` and `delete()` for such a request need no code
//! of their own (see [`request_matches_cached_item`]).
//!
//! # What the engine provides
//!
//! * Storage of each request response list (a `Vec<(CachedRequest, CachedResponse)>`, which
//!   serializes with serde) and of the name to cache map, and the serialization of access to
//!   them: the spec runs these algorithms "in parallel" but one at a time per list, and
//!   [`batch_cache_operations`] takes the list by `&mut` for the whole batch.
//! * Storage of bodies, behind [`BodyRef`]: it reads a body fully before a put (as `put()`
//!   and `addAll()` do), hands out a handle, and frees bodies no entry refers to any more
//!   ([`batch_cache_operations`] says which entries it removed).
//! * The DOM side: `Request` and `Response` objects to and from [`CachedRequest`] /
//!   [`CachedResponse`], promises and tasks, fetching for `addAll()`, the cross-origin resource
//!   policy check `matchAll()` runs on opaque responses, and turning a [`CacheError`] into the
//!   exception [`CacheError::exception`] names.
//!
//! # One definition of each rule
//!
//! The `Vary` header's field-values come in as a fact: [`CachedResponse::vary`], which the
//! engine computes with its own Fetch "get, decode, and split" when it stores a response (in
//! Servo, `net_traits`' `get_decode_and_split_header_name`, which its `Link` code uses too).
//! [`headers`] implements Fetch's header-list "get" (the combined value that `Vary` matching
//! compares) and a "get, decode, and split" for the tests and for engines that have none; two
//! copies of a rule in the engine's path could disagree.
//!
//! # What is deliberately not here
//!
//! * Bodies: never read, copied or stored here; only their handles move.
//! * I/O: no disk, no database, no quota (`QuotaExceededError` is the engine's to raise before
//!   it commits a batch's result).
//! * Partitioning: which list a cache name refers to, and under which key (origin, or top-level
//!   site and origin when storage is partitioned), is decided before these functions are
//!   called; nothing here knows about origins, sites or storage keys.
//! * `CacheStorage` (`caches.open()`, `has()`, `delete()`, `keys()`, `match()`): bookkeeping of
//!   the name to cache map, with no matching rules of its own beyond [`query_cache`] on each
//!   list in order.
//!
//! [`Cache`]: https://w3c.github.io/ServiceWorker/#cache-interface
//! [request response list]: https://w3c.github.io/ServiceWorker/#dfn-request-response-list
//! [get]: https://fetch.spec.whatwg.org/#concept-header-list-get
//! [get, decode, and split]: https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split
//! [Request Matches Cached Item]: https://w3c.github.io/ServiceWorker/#request-matches-cached-item-algorithm
//! [Query Cache]: https://w3c.github.io/ServiceWorker/#query-cache
//! [Batch Cache Operations]: https://w3c.github.io/ServiceWorker/#batch-cache-operations

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod entry;
pub mod error;
pub mod headers;
pub mod operations;
pub mod query;

pub use crate::entry::{
    BodyRef, CachedRequest, CachedResponse, HeaderList, InternalResponse, RequestResponseList,
    ResponseType,
};
pub use crate::error::{CacheError, Exception};
pub use crate::operations::{
    CacheOperation, batch_cache_operations, check_add_request, check_add_response, check_put,
};
pub use crate::query::{CacheQueryOptions, query_cache, request_matches_cached_item};
