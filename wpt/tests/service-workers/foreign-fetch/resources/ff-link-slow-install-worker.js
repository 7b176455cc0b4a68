// A service worker whose install takes 2 s (link-header-clients.https.html):
// long enough for a page of its origin to get its registration while it is
// still installing.
"use strict";
self.addEventListener("install", event => {
  event.waitUntil(new Promise(resolve => setTimeout(resolve, 2000)));
});
