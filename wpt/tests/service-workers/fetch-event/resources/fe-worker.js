// The first-party worker of fetch-event.https.html, registered with the scope
// resources/fe-scope/. Its fetch handler answers by the request URL's
// ?respond= parameter:
//   synthetic     a JSON Response describing the event: {from: "fetch-event",
//                 clientId, resultingClientId, mode, method, destination, url,
//                 is_fetch_event, cancelable, headers_guard_immutable}
//   reject        respondWith(a rejected promise): a network error
//   not-response  respondWith(a promise of a non-Response): a network error
//   cancel        preventDefault() without respondWith(): a network error
//   twice         respondWith() twice: the second throws; answers
//                 {from: "fetch-event", second: the error's name}
//   passthrough   respondWith(fetch(event.request))
//   hang          respondWith(a promise that never settles)
//   loop          a handler that never returns
//   panic         the worker's thread dies (ServoTestUtils.panic())
//   throw         a handler that throws before respondWith()
//   (none)        no respondWith(): the request goes on (the network, or a
//                 foreign worker for a cross-origin URL in its scopes).
// A navigation to a URL whose path ends in fe-nav.html is answered with a
// page that posts {nav: "from-worker", controller} to its parent.
// A message "constructor" is answered with the FetchEvent constructor's and
// respondWith()'s behaviour outside a dispatch; a message {clients: id} with
// what self.clients.matchAll() and get(id) give.
"use strict";

self.addEventListener("install", () => self.skipWaiting());

function outcome(f) {
  try {
    f();
    return "no exception";
  } catch (e) {
    return e.name;
  }
}

function describe(event, extra) {
  return new Response(JSON.stringify(Object.assign({
    from: "fetch-event",
    clientId: event.clientId,
    resultingClientId: event.resultingClientId,
    mode: event.request.mode,
    method: event.request.method,
    destination: event.request.destination,
    url: event.request.url,
    is_fetch_event: event instanceof FetchEvent,
    cancelable: event.cancelable,
    headers_guard_immutable: outcome(() => event.request.headers.set("x-a", "1")),
  }, extra || {})), {headers: {"Content-Type": "application/json"}});
}

self.addEventListener("fetch", event => {
  const url = new URL(event.request.url);
  if (event.request.mode === "navigate") {
    if (url.pathname.endsWith("/fe-nav.html")) {
      event.respondWith(new Response(
          "<script>parent.postMessage({nav: 'from-worker', " +
          "controller: navigator.serviceWorker.controller && " +
          "navigator.serviceWorker.controller.scriptURL}, '*')</" + "script>",
          {headers: {"Content-Type": "text/html"}}));
    }
    return;
  }
  switch (url.searchParams.get("respond")) {
  case "synthetic":
    event.respondWith(describe(event));
    return;
  case "reject":
    event.respondWith(Promise.reject(new Error("rejected")));
    return;
  case "not-response":
    event.respondWith(Promise.resolve({not: "a Response"}));
    return;
  case "cancel":
    event.preventDefault();
    return;
  case "twice": {
    event.respondWith(new Promise(resolve => setTimeout(() => resolve(describe(event, {second})), 0)));
    const second = outcome(() => event.respondWith(describe(event)));
    return;
  }
  case "passthrough":
    event.respondWith(fetch(event.request));
    return;
  case "hang":
    event.respondWith(new Promise(() => {}));
    return;
  case "loop":
    // A handler that never returns.
    for (;;) {}
  case "panic":
    // The worker's thread dies: Servo's own test hook panics in Rust (the
    // pref dom_servo_helpers_enabled exposes it, see the test's .ini).
    event.respondWith(new Promise(() => {}));
    ServoTestUtils.panic();
    return;
  case "throw":
    throw new Error("a handler that throws before respondWith()");
  }
});

function describe_client(client) {
  return client ? {id: client.id, url: client.url, frameType: client.frameType, type: client.type}
                : null;
}

self.addEventListener("message", event => {
  if (event.data && event.data.clients !== undefined) {
    // {clients: id}: what self.clients says of the controlled clients.
    const id = event.data.clients;
    event.waitUntil(Promise.all([
      self.clients.matchAll(),
      self.clients.matchAll({type: "all", includeUncontrolled: true}),
      self.clients.matchAll({type: "worker"}),
      self.clients.get(id),
      self.clients.get("no such client"),
    ]).then(([all, every, workers, found, missing]) => event.source.postMessage({
      all: all.map(describe_client),
      every: every.map(describe_client),
      workers: workers.length,
      found: describe_client(found),
      missing: missing === undefined ? "undefined" : String(missing),
      same_object: self.clients === self.clients,
    }), error => event.source.postMessage({error: String(error)})));
    return;
  }
  if (event.data !== "constructor") {
    event.source.postMessage({ready: true});
    return;
  }
  const request = new Request("https://example.com/x");
  const results = {};
  results.no_dict = outcome(() => new FetchEvent("fetch"));
  results.empty_dict = outcome(() => new FetchEvent("fetch", {}));
  results.null_request = outcome(() => new FetchEvent("fetch", {request: null}));
  const built = new FetchEvent("fetch", {request, clientId: "c", resultingClientId: "r",
                                         cancelable: true});
  results.same_request = built.request === request;
  results.client_id = built.clientId;
  results.resulting_client_id = built.resultingClientId;
  results.replaces_client_id = built.replacesClientId;
  results.defaults = (() => {
    const e = new FetchEvent("fetch", {request});
    return [e.clientId, e.resultingClientId, e.replacesClientId, e.cancelable];
  })();
  results.is_extendable = built instanceof ExtendableEvent;
  results.respond_outside_dispatch = outcome(() => built.respondWith(new Response("x")));
  results.has_onfetch = "onfetch" in self;
  event.source.postMessage(results);
});
