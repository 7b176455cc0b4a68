// The third-party service's worker for foreign-fetch-bodies.https.html,
// registered by service-frame.html with the scope ff-bodies/. It opts in to
// foreign fetch of ff-bodies/foreign/ from any origin. Nothing exists on the
// network under ff-bodies/ (a 404), so every body the page reads there is
// this worker's.
//
// Each answer is {response, origin: event.origin, headers: ["X-FF-Bodies"]},
// by the last path segment of the request URL:
//   binary      the 256 byte values 0..255, in order;
//   empty       status 200, an empty body;
//   large       ?size= bytes (default 50 MiB), byte i = ff_bodies_byte(i);
//   stream      a ReadableStream: ?chunks= chunks (default 10), one per
//               pull(), each after a ?delay= ms timer (default 20); chunk k
//               is ff_bodies_chunk(k);
//   stream-error  a ReadableStream that gives one chunk, then errors;
//   held        a ReadableStream that gives chunk 0 at once, then waits until
//               the worker gets release?token= with the same ?token= (or 8 s
//               pass), then gives chunk 1 and ends;
//   release     releases the held stream of ?token=;
//   anything else  {"from": "foreignfetch"} (the precondition).
"use strict";

importScripts("ff-bodies-data.js");

self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope + "foreign/"], origins: ["*"]});
});

// service-frame.html asks the new worker for a report.
self.addEventListener("message", e => e.source.postMessage({ready: true}));

function answer(event, body, init) {
  init = init || {};
  init.headers = Object.assign({"X-FF-Bodies": "worker"}, init.headers || {});
  event.respondWith(Promise.resolve({response: new Response(body, init), origin: event.origin,
                                     headers: ["X-FF-Bodies"]}));
}

// token -> the function that releases a held stream.
const releases = new Map();

function release_of(token) {
  if (!releases.has(token)) {
    let release;
    const released = new Promise(resolve => release = resolve);
    releases.set(token, {release, released});
  }
  return releases.get(token);
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

self.addEventListener("foreignfetch", event => {
  const url = new URL(event.request.url);
  const params = url.searchParams;
  switch (url.pathname.split("/").pop()) {
  case "binary":
    answer(event, new Uint8Array(256).map((_, i) => i),
           {headers: {"Content-Type": "application/octet-stream"}});
    return;
  case "empty":
    answer(event, new Uint8Array(0), {headers: {"Content-Type": "text/plain"}});
    return;
  case "large": {
    const size = Number(params.get("size") || FF_BODIES_LARGE_SIZE);
    const started = performance.now();
    const bytes = ff_bodies_large(size);
    console.log(`ff-bodies-worker: generated ${size} bytes in ` +
                `${Math.round(performance.now() - started)} ms`);
    answer(event, bytes, {headers: {"Content-Type": "application/octet-stream"}});
    return;
  }
  case "stream": {
    const chunks = Number(params.get("chunks") || 10);
    const ms = Number(params.get("delay") || 20);
    let k = 0;
    const stream = new ReadableStream({
      async pull(controller) {
        await delay(ms);
        if (k < chunks) controller.enqueue(ff_bodies_chunk(k++));
        else controller.close();
      }
    });
    answer(event, stream, {headers: {"Content-Type": "application/octet-stream"}});
    return;
  }
  case "stream-error": {
    let pulls = 0;
    const stream = new ReadableStream({
      async pull(controller) {
        await delay(20);
        if (pulls++ === 0) controller.enqueue(ff_bodies_chunk(0));
        else controller.error(new TypeError("the stream broke"));
      }
    });
    answer(event, stream, {headers: {"Content-Type": "application/octet-stream"}});
    return;
  }
  case "held": {
    const held = release_of(params.get("token"));
    let pulls = 0;
    const stream = new ReadableStream({
      async pull(controller) {
        const pull = pulls++;
        if (pull === 0) {
          controller.enqueue(ff_bodies_chunk(0));
        } else if (pull === 1) {
          await Promise.race([held.released, delay(8000)]);
          controller.enqueue(ff_bodies_chunk(1));
        } else {
          controller.close();
        }
      }
    });
    answer(event, stream, {headers: {"Content-Type": "application/octet-stream"}});
    return;
  }
  case "release":
    release_of(params.get("token")).release();
    answer(event, JSON.stringify({released: true}),
           {headers: {"Content-Type": "application/json"}});
    return;
  default:
    answer(event, JSON.stringify({from: "foreignfetch"}),
           {headers: {"Content-Type": "application/json"}});
  }
});
