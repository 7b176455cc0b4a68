// Timing helpers for the service worker lifecycle tests: a promise that is
// answered with the wrong result, or never, must fail its subtest quickly
// rather than leave it to the harness timeout.
"use strict";

// Resolves with what `promise` settles with; rejects with a message naming
// `what` if it has not settled within `ms` milliseconds.
function settles_within(promise, ms, what) {
  return Promise.race([
    promise,
    new Promise((resolve, reject) => step_timeout(
        () => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)),
  ]);
}

// "pending" if `promise` has not settled after `ms` milliseconds, else
// "fulfilled" or "rejected".
function state_after(promise, ms) {
  return Promise.race([
    promise.then(() => "fulfilled", () => "rejected"),
    new Promise(resolve => step_timeout(() => resolve("pending"), ms)),
  ]);
}
