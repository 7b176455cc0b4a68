// A third-party service's own service worker. Registered by a `Link:
// rel="serviceworker"` response header; opts in to foreign fetch for its
// registration scope from any origin, and answers cross-origin requests with a
// synthetic, CORS-exposed response. Requests with `?fallback` are left to the
// network (respondWith is not called).
"use strict";

self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope], origins: ["*"]});
});

self.addEventListener("foreignfetch", event => {
  if (new URL(event.request.url).searchParams.has("fallback"))
    return;
  const body = JSON.stringify({from: "foreignfetch", origin: event.origin, url: event.request.url});
  event.respondWith(Promise.resolve({
    response: new Response(body, {headers: {"Content-Type": "application/json"}}),
    origin: event.origin,
  }));
});
