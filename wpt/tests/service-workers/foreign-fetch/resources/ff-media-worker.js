// The third-party service's worker for foreign-fetch-fonts-media.https.html,
// registered by service-frame.html with the scope ff-media/. It opts in to
// foreign fetch of ff-media/foreign/ from any origin. Nothing exists on the
// network under ff-media/ (a 404), so a font or a media resource there only
// loads if this worker answers.
//
// It records every foreignfetch event it gets (URL, destination, mode, Range
// header, requesting origin) and answers, by the last path segment:
//   font.ttf    the font built by ../ff-media-font.py (fetched same-origin
//               from the network), CORS-exposed to the requesting origin;
//   media       4096 bytes (Content-Type from ?type=, default video/webm);
//   fallback    no respondWith(): the request goes on to the network (404);
//   log         the log, as JSON, exposed to the requesting origin: the
//               entries whose ?token= is the log request's;
//   anything else  {"from": "foreignfetch"} (the precondition).
"use strict";

const log = [];

self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope + "foreign/"], origins: ["*"]});
});

// service-frame.html asks the new worker for a report.
self.addEventListener("message", e => e.source.postMessage({ready: true}));

function answer(event, response) {
  event.respondWith(Promise.resolve({response, origin: event.origin}));
}

self.addEventListener("foreignfetch", event => {
  const request = event.request;
  const url = new URL(request.url);
  const name = url.pathname.split("/").pop();
  if (name !== "log") {
    log.push({url: request.url, destination: request.destination, mode: request.mode,
              range: request.headers.get("range"), origin: event.origin});
  }
  switch (name) {
  case "font.ttf":
    event.respondWith(fetch("ff-media-font.py").then(response => {
      if (!response.ok) throw new Error("ff-media-font.py: " + response.status);
      return {response, origin: event.origin};
    }));
    return;
  case "media": {
    const bytes = new Uint8Array(4096).map((_, i) => i & 0xff);
    answer(event, new Response(bytes, {
        headers: {"Content-Type": url.searchParams.get("type") || "video/webm"}}));
    return;
  }
  case "fallback":
    return;
  case "log": {
    const token = url.searchParams.get("token");
    const entries = log.filter(entry => new URL(entry.url).searchParams.get("token") === token);
    answer(event, new Response(JSON.stringify(entries),
                               {headers: {"Content-Type": "application/json"}}));
    return;
  }
  default:
    answer(event, new Response(JSON.stringify({from: "foreignfetch"}),
                               {headers: {"Content-Type": "application/json"}}));
  }
});
