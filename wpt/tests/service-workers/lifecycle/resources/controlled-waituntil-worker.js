// Extends install and activate with promises that the page settles by
// posting "resolve-install", "resolve-activate" or "reject-install". A
// message may arrive before the event it is about has been dispatched
// (messages and lifecycle events are different task sources): it then waits
// for that event.
"use strict";
const settle = {};
self.addEventListener("install", e => {
  e.waitUntil(new Promise((resolve, reject) => {
    settle["resolve-install"] = resolve;
    settle["reject-install"] = () => reject(new Error("rejected by the test"));
  }));
});
self.addEventListener("activate", e => {
  e.waitUntil(new Promise(resolve => settle["resolve-activate"] = resolve));
});
// Added after the listeners above, so that these run after them.
const dispatched = {};
for (const name of ["install", "activate"]) {
  dispatched[name] = new Promise(resolve => self.addEventListener(name, () => resolve()));
}
self.addEventListener("message", async e => {
  const event = String(e.data).split("-")[1];
  if (!(event in dispatched)) {
    e.source.postMessage("unknown " + e.data);
    return;
  }
  await dispatched[event];
  settle[e.data]();
  e.source.postMessage("settled " + e.data);
});
