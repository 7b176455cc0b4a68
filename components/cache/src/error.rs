/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The ways a Cache operation can fail, and the exception a DOM layer rejects its promise with
//! for each.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The exception a DOM layer turns a [`CacheError`] into.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum Exception {
    /// An ECMAScript `TypeError`.
    TypeError,
    /// A `DOMException` whose name is "`InvalidStateError`".
    InvalidStateError,
}

/// Why `Cache.put()`, `Cache.add()`, `Cache.addAll()` or [Batch Cache Operations] refused an
/// entry. Nothing was changed when one is returned.
///
/// [`CacheError::exception`] says which exception to reject with: every variant is a
/// `TypeError` except [`CacheError::DuplicateInBatch`], an "`InvalidStateError`"
/// `DOMException`. The spec's other failures are not here: a `Request` constructor's own
/// exceptions come before the DOM layer builds a [`crate::CachedRequest`], the "`AbortError`" of
/// an aborted `addAll()` fetch and the `QuotaExceededError` of a write are the engine's, and
/// Batch Cache Operations' `TypeError`s for a malformed operation (a type other than "`put`" or
/// "`delete`", a delete with a response, a put without one or with options) cannot be built
/// with [`crate::CacheOperation`].
///
/// [Batch Cache Operations]: https://w3c.github.io/ServiceWorker/#batch-cache-operations
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum CacheError {
    /// The request's URL's scheme is neither `http` nor `https` (`put()` step 4, `addAll()`
    /// steps 3.2 and 5.2, Batch Cache Operations step 4.2.6.3). `TypeError`.
    NotHttpScheme,
    /// The request's method is not `GET` (`put()` step 4, `addAll()` step 3.2, Batch Cache
    /// Operations step 4.2.6.4). `TypeError`.
    MethodNotGet,
    /// The response's status is 206 (`put()` step 6, `addAll()` step 5.6's processResponse
    /// step 1). `TypeError`.
    PartialContent,
    /// The response's `Vary` header has a `*` field-value (`put()` step 7.2.1, `addAll()`'s
    /// processResponse step 2.2.1, and the same check in [`crate::batch_cache_operations`]).
    /// `TypeError`.
    VaryStar,
    /// `addAll()`'s fetch ended in a [network error] (`addAll()`'s processResponse step 1).
    /// `TypeError`.
    ///
    /// [network error]: https://fetch.spec.whatwg.org/#concept-network-error
    NetworkError,
    /// The status of `addAll()`'s response, given here, is not an [ok status] (`addAll()`'s
    /// processResponse step 1). `TypeError`.
    ///
    /// [ok status]: https://fetch.spec.whatwg.org/#ok-status
    NotOkStatus(u16),
    /// An operation of the batch matches an entry that an earlier operation of the same batch
    /// put (Batch Cache Operations step 4.2.3), e.g. `addAll()` given the same URL twice.
    /// "`InvalidStateError`" `DOMException`.
    DuplicateInBatch,
}

impl CacheError {
    /// The exception to reject the DOM method's promise with.
    pub fn exception(&self) -> Exception {
        match self {
            CacheError::DuplicateInBatch => Exception::InvalidStateError,
            CacheError::NotHttpScheme
            | CacheError::MethodNotGet
            | CacheError::PartialContent
            | CacheError::VaryStar
            | CacheError::NetworkError
            | CacheError::NotOkStatus(_) => Exception::TypeError,
        }
    }
}

impl fmt::Display for CacheError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheError::NotHttpScheme => {
                formatter.write_str("Request scheme must be \"http\" or \"https\"")
            },
            CacheError::MethodNotGet => formatter.write_str("Request method must be \"GET\""),
            CacheError::PartialContent => {
                formatter.write_str("Partial response (status 206) cannot be cached")
            },
            CacheError::VaryStar => formatter.write_str("Vary header contains \"*\""),
            CacheError::NetworkError => formatter.write_str("Fetch resulted in a network error"),
            CacheError::NotOkStatus(status) => {
                write!(formatter, "Response status {status} is not an ok status")
            },
            CacheError::DuplicateInBatch => {
                formatter.write_str("Operation matches an entry added earlier in the same batch")
            },
        }
    }
}

impl std::error::Error for CacheError {}
