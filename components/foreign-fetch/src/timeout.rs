/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! How long a service worker may take, from Servo's preference
//! `dom_serviceworker_timeout_seconds` (servo-config 0.7.0, an `i64`,
//! default 60).
//!
//! The specification lets the user agent terminate a service worker whose
//! events do not settle ("the user agent may terminate service workers",
//! <https://w3c.github.io/ServiceWorker/#service-worker-lifetime>). The same
//! limit bounds each lifecycle phase (sw-lifecycle) and each `foreignfetch`
//! event: a fetch whose worker does not answer in time gets a network error,
//! as Handle Foreign Fetch says for a worker that is terminated before its
//! `respondWith` promise settles (docs/feature.md §4).
//!
//! A value of zero or less disables the limit (not recommended: a worker
//! that never answers then keeps its fetches waiting forever).

use std::time::Duration;

/// The time limit for a `dom_serviceworker_timeout_seconds` value (`None`:
/// no limit).
pub fn from_seconds(seconds: i64) -> Option<Duration> {
    u64::try_from(seconds)
        .ok()
        .filter(|seconds| *seconds > 0)
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_from_preference() {
        assert_eq!(from_seconds(60), Some(Duration::from_secs(60)));
        assert_eq!(from_seconds(1), Some(Duration::from_secs(1)));
        assert_eq!(from_seconds(0), None);
        assert_eq!(from_seconds(-5), None);
    }
}
