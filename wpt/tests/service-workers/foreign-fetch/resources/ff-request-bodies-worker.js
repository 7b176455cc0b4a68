// The third-party service's worker for foreign-fetch-request-bodies.https.html,
// registered by service-frame.html with the scope ff-request-bodies/. It opts
// in to foreign fetch of ff-request-bodies/foreign/ from any origin. Under it
// the network has echo.py, which answers {from: "network", method, bytes,
// contentType} for the request it receives.
//
// By the request URL's ?mode=:
//   worker    answers {from: "foreignfetch", method, bytes, contentType,
//             bodyUsed} from event.request (bodyUsed: before reading it);
//   network   answers with what fetch(event.request) gave (the body goes on
//             to echo.py), plus via: "foreignfetch";
//   fallback  does not call respondWith() (the request goes to the network),
//             after reading the body of the event's request;
//   seen      answers {seen: the bytes the last fallback event's request had}.
"use strict";

self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope + "foreign/"], origins: ["*"]});
});

// service-frame.html asks the new worker for a report.
self.addEventListener("message", e => e.source.postMessage({ready: true}));

async function describe(request) {
  const bodyUsed = request.bodyUsed;
  const bytes = Array.from(new Uint8Array(await request.arrayBuffer()));
  return {
    from: "foreignfetch",
    method: request.method,
    bytes,
    contentType: request.headers.get("Content-Type") || "",
    bodyUsed,
  };
}

function json_response(value) {
  return new Response(JSON.stringify(value), {headers: {"Content-Type": "application/json"}});
}

// The body of the last fallback event's request, once read.
let seen = Promise.resolve(null);

self.addEventListener("foreignfetch", event => {
  const mode = new URL(event.request.url).searchParams.get("mode");
  let response;
  switch (mode) {
  case "fallback":
    seen = event.request.arrayBuffer().then(buffer => Array.from(new Uint8Array(buffer)));
    return;
  case "seen":
    response = seen.then(bytes => json_response({from: "foreignfetch", seen: bytes}));
    break;
  case "network":
    response = fetch(event.request).then(response => response.json())
        .then(answer => json_response(Object.assign(answer, {via: "foreignfetch"})));
    break;
  default:
    response = describe(event.request).then(json_response);
  }
  event.respondWith(response.then(response => ({response, origin: event.origin})));
});
