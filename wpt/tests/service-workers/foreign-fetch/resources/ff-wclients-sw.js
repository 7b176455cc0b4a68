// The test page's own service worker (foreign-fetch-worker-clients.https.html),
// on the page's origin, with no fetch handler: a message {fetch: url} makes it
// fetch url itself and answer the message's source with
// {fetched: url, secure, from} or {fetched: url, secure, error}.
"use strict";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("message", e => {
  if (!e.data || !e.data.fetch) return;
  const url = e.data.fetch;
  const answer = (async () => {
    const result = {fetched: url, secure: self.isSecureContext};
    try {
      result.from = (await (await fetch(url)).json()).from;
    } catch (error) {
      result.error = String(error);
    }
    e.source.postMessage(result);
  })();
  e.waitUntil(answer);
});
