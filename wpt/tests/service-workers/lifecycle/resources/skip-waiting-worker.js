// Calls self.skipWaiting() in its install handler and answers any message
// with what it gave.
"use strict";
const report = {};
self.addEventListener("install", e => {
  try {
    report.type = typeof self.skipWaiting;
    const promise = self.skipWaiting();
    report.is_promise = promise instanceof Promise;
    e.waitUntil(promise.then(value => {
      report.resolved_with = value === undefined ? "undefined" : String(value);
    }));
  } catch (error) {
    report.error = error.name + ": " + error.message;
  }
});
self.addEventListener("message", e => e.source.postMessage(report));
