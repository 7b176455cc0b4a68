/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The bookkeeping behind `ExtendableEvent.waitUntil()`.
//!
//! <https://w3c.github.io/ServiceWorker/#extendableevent>: an extendable
//! event has *extend lifetime promises*, a *pending promises count* and a
//! *timed out flag*; it is *active* while the timed out flag is unset and
//! the pending promises count is not zero or the dispatch flag is set.
//!
//! The DOM side (`servo-script`'s `ExtendableEvent`) owns the promises; this
//! type only counts them and decides when the lifecycle algorithm that
//! dispatched the event may go on, and with what outcome.

use log::debug;

/// Why `waitUntil()` throws.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum ExtendError {
    /// <https://w3c.github.io/ServiceWorker/#extendableevent-add-lifetime-promise>
    /// Step 1: the event's `isTrusted` is false (an event constructed by
    /// script), or step 2: the event is not active. Both throw an
    /// `InvalidStateError` `DOMException`.
    InvalidState,
}

/// What waiting for all of an event's extend lifetime promises gave.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum ExtendOutcome {
    /// All promises fulfilled (or there were none).
    Fulfilled,
    /// At least one promise rejected: for `install`, *installFailed*.
    Rejected,
    /// The user agent gave up waiting (`dom_serviceworker_timeout_seconds`).
    TimedOut,
}

/// <https://w3c.github.io/ServiceWorker/#extendableevent-extend-lifetime-promises>
/// and what the lifecycle needs to know about them.
#[derive(Debug, Default)]
pub struct ExtendLifetime {
    /// <https://w3c.github.io/ServiceWorker/#extendableevent-pending-promises-count>
    pending: usize,
    /// How many promises were added in total.
    added: usize,
    /// Whether any promise rejected.
    rejected: bool,
    /// <https://w3c.github.io/ServiceWorker/#extendableevent-timed-out-flag>
    timed_out: bool,
    /// Whether the algorithm that dispatched the event has been told the
    /// outcome (it is told once).
    reported: bool,
    /// Whether dispatch has returned (so that an outcome may be reported).
    dispatched: bool,
}

impl ExtendLifetime {
    pub fn new() -> Self {
        Self::default()
    }

    /// <https://w3c.github.io/ServiceWorker/#extendableevent-active>
    pub fn is_active(&self, dispatching: bool) -> bool {
        !self.timed_out && (self.pending > 0 || dispatching)
    }

    /// The number of promises added so far.
    pub fn promise_count(&self) -> usize {
        self.added
    }

    /// <https://w3c.github.io/ServiceWorker/#extendableevent-add-lifetime-promise>,
    /// steps 1 to 4. On `Ok` the caller must arrange for
    /// [`ExtendLifetime::promise_settled`] to run when the promise settles
    /// (step 5).
    pub fn add_promise(&mut self, is_trusted: bool, dispatching: bool) -> Result<(), ExtendError> {
        // Step 1. If event's isTrusted attribute is false, throw an
        // "InvalidStateError" DOMException.
        if !is_trusted {
            return Err(ExtendError::InvalidState);
        }
        // Step 2. If event is not active, throw an "InvalidStateError"
        // DOMException.
        if !self.is_active(dispatching) {
            return Err(ExtendError::InvalidState);
        }
        // Step 3. Add promise to event's extend lifetime promises.
        self.added += 1;
        // Step 4. Increment event's pending promises count by one.
        self.pending += 1;
        Ok(())
    }

    /// Step 5 of *add lifetime promise*: upon fulfillment or rejection of a
    /// promise, decrement the pending promises count. Returns the outcome
    /// once every promise has settled and dispatch has returned; it is
    /// returned only once.
    ///
    /// The outcome is that of [waiting for all] of the extend lifetime
    /// promises, which the Install algorithm does before it decides
    /// (step 11.3.2: "Wait until e is not active", then "If the result of
    /// waiting for all of e's extend lifetime promises rejected, set
    /// installFailed to true"): `Rejected` if any of them rejected,
    /// `Fulfilled` otherwise, and only once none is pending. A rejection does
    /// not cut the wait short.
    ///
    /// [waiting for all]: https://webidl.spec.whatwg.org/#wait-for-all
    pub fn promise_settled(&mut self, fulfilled: bool) -> Option<ExtendOutcome> {
        // Step 5.1. Decrement event's pending promises count by one.
        self.pending = self.pending.saturating_sub(1);
        if !fulfilled {
            self.rejected = true;
        }
        debug!(
            "extend lifetime promise settled (fulfilled: {fulfilled}), {} pending",
            self.pending
        );
        self.outcome_if_ready()
    }

    /// The dispatching algorithm calls this when dispatch returns. Returns the
    /// outcome if nothing is pending any more (no `waitUntil()` call, or all
    /// promises already settled).
    pub fn dispatch_finished(&mut self) -> Option<ExtendOutcome> {
        self.dispatched = true;
        self.outcome_if_ready()
    }

    /// The user agent stops waiting: sets the timed out flag (the event is no
    /// longer active, later `waitUntil()` calls throw). Returns `TimedOut`
    /// unless an outcome was reported already.
    pub fn time_out(&mut self) -> Option<ExtendOutcome> {
        self.timed_out = true;
        if self.reported {
            return None;
        }
        self.reported = true;
        Some(ExtendOutcome::TimedOut)
    }

    fn outcome_if_ready(&mut self) -> Option<ExtendOutcome> {
        // The event is active while promises are pending: wait until it is
        // not.
        if self.reported || !self.dispatched || self.pending > 0 {
            return None;
        }
        let outcome = if self.rejected {
            ExtendOutcome::Rejected
        } else {
            ExtendOutcome::Fulfilled
        };
        self.reported = true;
        Some(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_wait_until_fulfils_at_end_of_dispatch() {
        let mut lifetime = ExtendLifetime::new();
        assert_eq!(lifetime.dispatch_finished(), Some(ExtendOutcome::Fulfilled));
    }

    #[test]
    fn untrusted_event_throws() {
        let mut lifetime = ExtendLifetime::new();
        assert_eq!(
            lifetime.add_promise(false, true),
            Err(ExtendError::InvalidState)
        );
    }

    #[test]
    fn wait_until_outside_dispatch_throws_unless_pending() {
        let mut lifetime = ExtendLifetime::new();
        assert_eq!(
            lifetime.add_promise(true, false),
            Err(ExtendError::InvalidState)
        );
        lifetime.add_promise(true, true).unwrap();
        assert_eq!(lifetime.dispatch_finished(), None);
        // Still active: a promise is pending.
        lifetime.add_promise(true, false).unwrap();
        assert_eq!(lifetime.promise_count(), 2);
    }

    #[test]
    fn waits_for_every_promise() {
        let mut lifetime = ExtendLifetime::new();
        lifetime.add_promise(true, true).unwrap();
        lifetime.add_promise(true, true).unwrap();
        assert_eq!(lifetime.dispatch_finished(), None);
        assert_eq!(lifetime.promise_settled(true), None);
        assert_eq!(
            lifetime.promise_settled(true),
            Some(ExtendOutcome::Fulfilled)
        );
        // Reported once only.
        assert_eq!(lifetime.promise_settled(true), None);
    }

    #[test]
    fn rejection_waits_for_the_other_promises() {
        let mut lifetime = ExtendLifetime::new();
        lifetime.add_promise(true, true).unwrap();
        lifetime.add_promise(true, true).unwrap();
        assert_eq!(lifetime.dispatch_finished(), None);
        // One rejects early: the event stays active for the other one.
        assert_eq!(lifetime.promise_settled(false), None);
        assert!(lifetime.is_active(false));
        assert_eq!(
            lifetime.promise_settled(true),
            Some(ExtendOutcome::Rejected)
        );
        assert_eq!(lifetime.promise_settled(true), None);
    }

    #[test]
    fn promise_added_after_a_rejection_is_waited_for() {
        let mut lifetime = ExtendLifetime::new();
        lifetime.add_promise(true, true).unwrap();
        assert_eq!(lifetime.dispatch_finished(), None);
        lifetime.add_promise(true, false).unwrap();
        assert_eq!(lifetime.promise_settled(false), None);
        assert_eq!(
            lifetime.promise_settled(true),
            Some(ExtendOutcome::Rejected)
        );
    }

    #[test]
    fn rejection_during_dispatch_is_reported_when_dispatch_returns() {
        let mut lifetime = ExtendLifetime::new();
        lifetime.add_promise(true, true).unwrap();
        assert_eq!(lifetime.promise_settled(false), None);
        assert_eq!(lifetime.dispatch_finished(), Some(ExtendOutcome::Rejected));
    }

    #[test]
    fn time_out_deactivates() {
        let mut lifetime = ExtendLifetime::new();
        lifetime.add_promise(true, true).unwrap();
        assert_eq!(lifetime.dispatch_finished(), None);
        assert_eq!(lifetime.time_out(), Some(ExtendOutcome::TimedOut));
        assert_eq!(
            lifetime.add_promise(true, false),
            Err(ExtendError::InvalidState)
        );
        assert_eq!(lifetime.promise_settled(true), None);
        assert_eq!(lifetime.time_out(), None);
    }
}
