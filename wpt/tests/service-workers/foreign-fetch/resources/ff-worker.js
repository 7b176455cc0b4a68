// The third-party service's own service worker, registered by a frame on the
// service's origin (service-frame.html) with the scope ff-service/. In its
// install handler it opts in to foreign fetch for ff-service/foreign/ from any
// origin, and records what registerForeignFetch() and the ForeignFetchEvent
// constructor do with bad input; it answers any message with that report.
//
// Each foreignfetch event is answered as the request URL's `mode` query
// parameter says (default: a CORS-exposed JSON description of the event).
"use strict";

const report = {validation: {}, constructor: {}};

// What calling `f` does: "ok", or the exception's name.
function outcome(f) {
  try {
    f();
    return "ok";
  } catch (e) {
    return e.name;
  }
}

// ?origins=<JSON list> on the script URL: register for these origins instead
// of ["*"] (the final, successful call below).
const origins = JSON.parse(new URL(self.location.href).searchParams.get("origins") || '["*"]');

// A 1x1 PNG, for <img>.
const PNG = Uint8Array.from(atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
    c => c.charCodeAt(0));

self.addEventListener("install", event => {
  const scope = self.registration.scope;
  const foreign = scope + "foreign/";
  const register = options => outcome(() => event.registerForeignFetch(options));
  // The validation table: every entry but the last throws a TypeError.
  Object.assign(report.validation, {
    no_options: outcome(() => event.registerForeignFetch()),
    empty_dictionary: register({}),
    missing_origins: register({scopes: [foreign]}),
    missing_scopes: register({origins: ["*"]}),
    empty_origins: register({scopes: [foreign], origins: []}),
    empty_scopes: register({scopes: [], origins: ["*"]}),
    star_mixed: register({scopes: [foreign], origins: ["*", "https://example.com"]}),
    origin_not_url: register({scopes: [foreign], origins: ["example.com"]}),
    origin_opaque: register({scopes: [foreign], origins: ["data:text/plain,x"]}),
    scope_outside_registration: register({scopes: [new URL("/elsewhere/", scope).href],
                                          origins: ["*"]}),
    scope_other_origin: register({scopes: ["https://example.com/"], origins: ["*"]}),
    scope_not_url: register({scopes: ["https://exa mple.com:99999/"], origins: ["*"]}),
    // Relative scopes are parsed against the script URL: valid.
    relative_scope: register({scopes: ["ff-service/foreign/"], origins: ["*"]}),
  });
  // The configuration that stays: the last successful call wins.
  report.validation.final = register({scopes: [foreign], origins});

  // InvalidStateError: an InstallEvent built by script is not being dispatched.
  report.validation.synthetic_event = outcome(() =>
      new InstallEvent("install").registerForeignFetch({scopes: [foreign], origins: ["*"]}));

  // The ForeignFetchEvent constructor.
  const c = report.constructor;
  c.no_dictionary = outcome(() => new ForeignFetchEvent("foreignfetch"));
  c.empty_dictionary = outcome(() => new ForeignFetchEvent("foreignfetch", {}));
  c.null_request = outcome(() => new ForeignFetchEvent("foreignfetch", {request: null}));
  try {
    const request = new Request(foreign + "constructed");
    const e = new ForeignFetchEvent("foreignfetch", {request});
    c.default_origin = e.origin;
    c.same_request = e.request === request && e.request === e.request;
    c.type = e.type;
    c.is_extendable = e instanceof ExtendableEvent;
    const e2 = new ForeignFetchEvent("x", {request, origin: "https://example.com",
                                           bubbles: true, cancelable: true});
    c.given_origin = e2.origin;
    c.bubbles = e2.bubbles;
    c.cancelable = e2.cancelable;
    c.respond_with_outside_dispatch = outcome(() => e2.respondWith(Promise.resolve()));
  } catch (e) {
    c.error = e.name + ": " + e.message;
  }

  // After the handler returned, the event is no longer dispatched.
  event.waitUntil(new Promise(resolve => setTimeout(() => {
    report.validation.after_dispatch = outcome(() =>
        event.registerForeignFetch({scopes: [foreign], origins: ["*"]}));
    resolve();
  }, 0)));
});

self.addEventListener("message", e => e.source.postMessage(report));

function json_response(event, extra) {
  const body = JSON.stringify(Object.assign({
    from: "foreignfetch",
    origin: event.origin,
    url: event.request.url,
    method: event.request.method,
    mode: event.request.mode,
    referrer: event.request.referrer,
    cancelable: event.cancelable,
    is_foreign_fetch_event: event instanceof ForeignFetchEvent,
    headers_guard_immutable: outcome(() => event.request.headers.set("x-a", "1")),
  }, extra || {}));
  return new Response(body, {headers: {"Content-Type": "application/json",
                                       "X-Foreign": "exposed", "X-Hidden": "hidden"}});
}

// ?inner=<kind>&answer=<kind>: the worker's answer is built from an inner
// response of that kind (see foreign-fetch-inner-responses.https.html).
async function inner_response(kind, event) {
  const path = "/service-workers/foreign-fetch/resources/inner.py";
  switch (kind) {
  case "synthetic":
    return new Response("inner", {headers: {"Content-Type": "text/plain",
                                            "X-Foreign": "exposed", "X-Hidden": "hidden"}});
  case "same-origin":
    return fetch(path);
  case "cors":
    return fetch(new URL(path, event.origin), {mode: "cors"});
  case "opaque":
    return fetch(new URL(path, event.origin), {mode: "no-cors"});
  }
}

function answer_with(kind, response, event) {
  switch (kind) {
  case "no-origin": return {response};
  case "origin": return {response, origin: event.origin};
  case "headers": return {response, origin: event.origin, headers: ["X-Foreign"]};
  case "wrong-origin": return {response, origin: "https://example.com"};
  }
}

self.addEventListener("foreignfetch", event => {
  const params = new URL(event.request.url).searchParams;
  if (params.has("inner")) {
    event.respondWith(inner_response(params.get("inner"), event)
        .then(response => answer_with(params.get("answer"), response, event)));
    return;
  }
  const mode = params.get("mode") || "cors";
  switch (mode) {
  case "fallback":
    return;
  case "cancel":
    event.preventDefault();
    return;
  case "null":
    event.respondWith(Promise.resolve({response: null}));
    return;
  case "reject":
    event.respondWith(Promise.reject(new Error("no")));
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
  case "opaque":
    event.respondWith(Promise.resolve({response: json_response(event)}));
    return;
  case "wrong-origin":
    event.respondWith(Promise.resolve({response: json_response(event),
                                       origin: "https://example.com"}));
    return;
  case "headers":
    event.respondWith(Promise.resolve({response: json_response(event), origin: event.origin,
                                       headers: ["X-Foreign"]}));
    return;
  case "error-response":
    event.respondWith(Promise.resolve({response: Response.error(), origin: event.origin}));
    return;
  case "not-object":
    event.respondWith(Promise.resolve(42));
    return;
  case "bare-response":
    event.respondWith(Promise.resolve(json_response(event)));
    return;
  case "throwing-getter":
    event.respondWith(Promise.resolve({get response() { throw new Error("getter"); },
                                       origin: event.origin}));
    return;
  case "disturbed": {
    const response = json_response(event);
    event.respondWith(response.text().then(() => ({response, origin: event.origin})));
    return;
  }
  case "headers-without-origin":
    event.respondWith(Promise.resolve({response: json_response(event), headers: ["X-Foreign"]}));
    return;
  case "sensitive-headers": {
    const response = json_response(event);
    response.headers.append("Authorization", "Basic secret");
    event.respondWith(Promise.resolve({
        response, origin: event.origin,
        headers: ["X-Foreign", "Set-Cookie", "Set-Cookie2", "Authorization"]}));
    return;
  }
  case "binary": {
    const bytes = new Uint8Array(256).map((_, i) => i);
    event.respondWith(Promise.resolve({response: new Response(bytes), origin: event.origin}));
    return;
  }
  case "empty":
    event.respondWith(Promise.resolve({response: new Response(null, {status: 204}),
                                       origin: event.origin}));
    return;
  case "stream": {
    const chunks = ["from ", "a ", "stream"];
    const stream = new ReadableStream({
      pull(controller) {
        if (chunks.length) controller.enqueue(new TextEncoder().encode(chunks.shift()));
        else controller.close();
      }
    });
    event.respondWith(Promise.resolve({response: new Response(stream), origin: event.origin}));
    return;
  }
  case "network":
    // The worker's own fetch of the request is not intercepted again.
    event.respondWith(fetch(event.request).then(response => ({response, origin: event.origin})));
    return;
  case "status":
    event.respondWith(Promise.resolve({
        response: new Response("created", {status: 201, statusText: "Made"}),
        origin: event.origin}));
    return;
  case "image":
    event.respondWith(Promise.resolve({
        response: new Response(PNG, {headers: {"Content-Type": "image/png"}}),
        origin: event.origin}));
    return;
  case "script":
    event.respondWith(Promise.resolve({
        response: new Response("self.ff_script_from_worker = true;",
                               {headers: {"Content-Type": "text/javascript"}}),
        origin: event.origin}));
    return;
  case "style":
    event.respondWith(Promise.resolve({
        response: new Response("#ff-probe { width: 123px; }",
                               {headers: {"Content-Type": "text/css"}}),
        origin: event.origin}));
    return;
  case "opaque-script":
  case "opaque-image":
    // An opaque response from the network (ff-opaque.py on the page's
    // origin allows no CORS), handed on as is: the page's no-cors element
    // gets its internal response.
    event.respondWith(fetch(new URL("/service-workers/foreign-fetch/resources/ff-opaque.py?kind=" +
                                    mode.slice("opaque-".length), event.origin),
                            {mode: "no-cors"})
        .then(response => ({response})));
    return;
  case "html":
    event.respondWith(Promise.resolve({
        response: new Response('<script>parent.postMessage("from-worker", "*")</' + 'script>',
                               {headers: {"Content-Type": "text/html"}}),
        origin: event.origin}));
    return;
  case "twice": {
    let answer;
    event.respondWith(new Promise(resolve => answer = resolve));
    const second = outcome(() => event.respondWith(Promise.resolve()));
    answer({response: json_response(event, {second}), origin: event.origin});
    return;
  }
  default:
    event.respondWith(Promise.resolve({response: json_response(event), origin: event.origin}));
  }
});
