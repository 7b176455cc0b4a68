// Reports what self.registration looks like while its script runs, in its
// install handler and in its activate handler; answers any message with it.
"use strict";
const report = {};
report.at_start = typeof self.registration;
let first_seen = null;

function describe(state) {
  try {
    const registration = self.registration;
    first_seen = first_seen || registration;
    return {
      is_registration: registration instanceof ServiceWorkerRegistration,
      same_object: registration === self.registration && registration === first_seen,
      scope: registration.scope,
      installing: registration.installing && registration.installing.state,
      waiting: registration.waiting && registration.waiting.state,
      active: registration.active && registration.active.state,
    };
  } catch (e) {
    return {error: e.name + ": " + e.message};
  }
}

self.addEventListener("install", () => report.install = describe());
self.addEventListener("activate", () => report.activate = describe());
self.addEventListener("message", e => e.source.postMessage(report));
