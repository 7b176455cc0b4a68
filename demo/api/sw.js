/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

// The weather API's foreign fetch worker.
//
// The API service installs it without any page of its own: every answer of
// the API carries `Link: </sw.js>; rel="serviceworker"; scope="/api/"`, and
// the browser registers this script from that header. In its install event
// the worker opts in to foreign fetch for its whole scope and for every
// origin; from then on, other sites' requests to /api/... come to its
// `foreignfetch` event before the HTTP cache and the network.
//
// Strategy: network first. The worker answers from the network and keeps
// the last good answer for each URL in its own Cache (one authoritative
// copy for every site that asks); when the network fails (the API server is
// down, the user is offline) it answers from that copy, or with a synthetic
// answer when it has none. Every answer says where it came from in
// `servedBy`, so that the page (and the demo's narrator) can tell.

"use strict";

// The service's cache: the last good answer for each URL.
const CACHE = "weather";

self.addEventListener("install", event => {
  const scopes = [self.registration.scope];
  event.registerForeignFetch({scopes, origins: ["*"]});
  console.log(`sw: install: registerForeignFetch({scopes: ${JSON.stringify(scopes)}, origins: ["*"]})`);
});

self.addEventListener("activate", () => {
  console.log(`sw: activated for ${self.registration.scope}`);
});

// Inside the worker, fetch(request) goes to the network: a foreign fetch
// worker's own requests are never offered to a worker again.
async function answer(request) {
  let failure;
  try {
    const response = await fetch(request);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    const cache = await caches.open(CACHE);
    await cache.put(request.url, new Response(JSON.stringify(body), {
      headers: {"Content-Type": "application/json"},
    }));
    return {...body, servedBy: "worker-network"};
  } catch (error) {
    failure = String(error);
  }
  const copy = await caches.match(request.url);
  if (copy) return {...(await copy.json()), servedBy: "worker-cache", networkError: failure};
  const city = new URL(request.url).searchParams.get("city");
  return {
    data: {city, temperatureC: null, sky: "unknown: the weather service is offline"},
    servedBy: "worker-synthetic",
    networkError: failure,
  };
}

self.addEventListener("foreignfetch", event => {
  const request = event.request;
  event.respondWith(answer(request).then(body => {
    console.log(`sw: foreignfetch ${request.url} for ${event.origin}: ${body.servedBy}`);
    const response = new Response(JSON.stringify(body), {
      headers: {"Content-Type": "application/json"},
    });
    // `origin` makes the answer a CORS response that the requesting page
    // may read; without it the page would get an opaque response.
    return {response, origin: event.origin};
  }));
});
