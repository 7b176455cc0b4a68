/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! How long a lifecycle phase may take.
//!
//! The specification lets the user agent terminate a service worker whose
//! events do not settle ("the user agent may terminate service workers",
//! <https://w3c.github.io/ServiceWorker/#service-worker-lifetime>). We use
//! Servo's existing preference `dom_serviceworker_timeout_seconds`
//! (servo-config 0.7.0, an `i64`, default 60) for each of:
//!
//! - fetching and running the worker's script (Update): on timeout the job
//!   promise is rejected with a `TypeError`;
//! - the `install` event's extend lifetime promises: on timeout the install
//!   fails, the worker becomes redundant, and the next job of the scope's job
//!   queue runs;
//! - the `activate` event's extend lifetime promises: on timeout the worker
//!   becomes *activated* anyway (activation cannot fail).
//!
//! A value of zero or less disables the limit (not recommended: a worker
//! whose install never settles then blocks its scope's job queue).

use std::time::Duration;

/// The lifecycle time limit for a `dom_serviceworker_timeout_seconds` value.
///
/// The same limit bounds each `foreignfetch` event; the conversion is the core
/// crate's, so that both read the preference alike.
pub fn lifecycle_timeout(seconds: i64) -> Option<Duration> {
    foreign_fetch::timeout::from_seconds(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_from_preference() {
        assert_eq!(lifecycle_timeout(60), Some(Duration::from_secs(60)));
        assert_eq!(lifecycle_timeout(0), None);
        assert_eq!(lifecycle_timeout(-5), None);
    }
}
