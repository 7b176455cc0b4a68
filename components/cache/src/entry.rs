/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The items of a [request response list]: the request and the response of one cache entry,
//! reduced to the fields that the Cache algorithms read or that a `Request` / `Response`
//! object must be rebuilt from.
//!
//! [request response list]: https://w3c.github.io/ServiceWorker/#dfn-request-response-list

use serde::{Deserialize, Serialize};
use url::Url;

/// A [header list]: `(name, value)` pairs in order, names as the engine received them (any
/// case), values as bytes. Several headers may share a name.
///
/// [header list]: https://fetch.spec.whatwg.org/#concept-header-list
pub type HeaderList = Vec<(String, Vec<u8>)>;

/// One [request response list], as the engine stores it. Indices into it are what
/// [`crate::query_cache`] and [`crate::batch_cache_operations`] return.
///
/// [request response list]: https://w3c.github.io/ServiceWorker/#dfn-request-response-list
pub type RequestResponseList = Vec<(CachedRequest, CachedResponse)>;

/// The request of a cache entry, or the request a query is made with.
///
/// <https://fetch.spec.whatwg.org/#concept-request>
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct CachedRequest {
    /// <https://fetch.spec.whatwg.org/#concept-request-url>, fragment included: matching
    /// ignores it ([URL equals] with *exclude fragments*), but `Cache.keys()` returns it.
    ///
    /// [URL equals]: https://url.spec.whatwg.org/#concept-url-equals
    pub url: Url,
    /// <https://fetch.spec.whatwg.org/#concept-request-method>, already normalized by the
    /// `Request` constructor (`get` → `GET`); compared byte for byte with `GET`.
    pub method: String,
    /// <https://fetch.spec.whatwg.org/#concept-request-header-list>, read by `Vary` matching.
    pub headers: HeaderList,
}

/// <https://fetch.spec.whatwg.org/#concept-response-type>
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum ResponseType {
    /// "`basic`"
    Basic,
    /// "`cors`"
    Cors,
    /// "`default`"
    Default,
    /// "`error`"
    Error,
    /// "`opaque`"
    Opaque,
    /// "`opaqueredirect`"
    OpaqueRedirect,
}

/// What an opaque filtered response hides from script (see [`CachedResponse::internal`]).
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct InternalResponse {
    /// <https://fetch.spec.whatwg.org/#concept-response-status>
    pub status: u16,
    /// <https://fetch.spec.whatwg.org/#concept-response-status-message>
    pub status_text: Vec<u8>,
    /// <https://fetch.spec.whatwg.org/#concept-response-header-list>
    pub headers: HeaderList,
    /// <https://fetch.spec.whatwg.org/#concept-response-url-list>
    pub url_list: Vec<Url>,
}

/// An opaque handle to the body of a cached response, chosen and resolved by the engine (a key
/// in its blob store, a file number, …).
///
/// Why a `Copy` handle and not the bytes, nor a type parameter:
///
/// * The algorithms here never read a body, but they do copy entries: [Query Cache] hands out
///   copies of the matching items, [Batch Cache Operations] keeps a backup of the whole list,
///   and engines clone the list to persist it or to send it to another thread. Bodies of
///   several MB must not be copied along, so an entry carries only this 8-byte handle and
///   cloning an entry never touches the body.
/// * A type parameter (`CachedResponse<B>`) would spread `B: Clone + Serialize + …` bounds
///   through every signature and make the serialized form depend on the engine's body type;
///   a `u64` serializes the same everywhere, so a stored list can be read back by any build.
/// * Two entries may share a handle (an engine may deduplicate bodies); whether a body is still
///   referenced after a batch is the engine's business (see
///   [`crate::batch_cache_operations`], which says which entries were removed).
///
/// [Query Cache]: https://w3c.github.io/ServiceWorker/#query-cache
/// [Batch Cache Operations]: https://w3c.github.io/ServiceWorker/#batch-cache-operations
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize)]
pub struct BodyRef(pub u64);

/// The response of a cache entry.
///
/// <https://fetch.spec.whatwg.org/#concept-response>. For a [filtered response] the engine
/// stores the filtered view's `response_type` and `headers` and the internal response's other
/// fields, as `Cache.put()` receives the `Response`'s response.
///
/// [filtered response]: https://fetch.spec.whatwg.org/#concept-filtered-response
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct CachedResponse {
    /// <https://fetch.spec.whatwg.org/#concept-response-type>
    pub response_type: ResponseType,
    /// <https://fetch.spec.whatwg.org/#concept-response-status>
    pub status: u16,
    /// <https://fetch.spec.whatwg.org/#concept-response-status-message>
    pub status_text: Vec<u8>,
    /// <https://fetch.spec.whatwg.org/#concept-response-header-list>; its `Vary` header drives
    /// matching.
    pub headers: HeaderList,
    /// <https://fetch.spec.whatwg.org/#concept-response-url-list>
    pub url_list: Vec<Url>,
    /// <https://fetch.spec.whatwg.org/#concept-response-cors-exposed-header-name-list>
    pub cors_exposed_header_names: Vec<String>,
    /// The field-values of the `Vary` header of `headers`, as Fetch's [get, decode, and split]
    /// gives them; `None` when `headers` has no `Vary`. The engine computes it with its own
    /// implementation of that algorithm when it stores the response, so that the Cache reads
    /// `Vary` as the engine's Fetch does (one definition of the rule);
    /// [`crate::headers::get_decode_split`] is this crate's, for tests and for engines that
    /// have none.
    ///
    /// [get, decode, and split]: https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split
    pub vary: Option<Vec<String>>,
    /// For an opaque filtered response, what it hides from script: its [internal response]'s
    /// status, status message, header list and URL list (its body is `body`), so that an
    /// opaque response from the cache can still answer a `no-cors` request (a page's `<img>`)
    /// as the network's did. `None` for every other response.
    ///
    /// [internal response]: https://fetch.spec.whatwg.org/#concept-internal-response
    pub internal: Option<InternalResponse>,
    /// <https://fetch.spec.whatwg.org/#concept-response-body>, by handle (see [`BodyRef`]). A
    /// null body is the engine's to encode (a handle to an empty body, or a reserved value).
    pub body: BodyRef,
}
