// Its install event gets two extend lifetime promises: one rejected at
// once, one that the page settles later by posting "resolve-late".
"use strict";
let resolve_late;
// Added before the listener below, so that it runs first.
const dispatched = new Promise(resolve => self.addEventListener("install", () => resolve()));
self.addEventListener("install", e => {
  e.waitUntil(Promise.reject(new Error("rejected early on purpose")));
  e.waitUntil(new Promise(resolve => resolve_late = resolve));
});
self.addEventListener("message", async e => {
  // The message may arrive before the install event has been dispatched.
  await dispatched;
  resolve_late();
  e.source.postMessage("resolved late");
});
