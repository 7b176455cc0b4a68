// Helpers for the foreign fetch tests: the "third-party service" is
// HTTPS_REMOTE_ORIGIN; a frame on it (service-frame.html) registers its worker
// (ff-worker.js, scope ff-service/), which registers for foreign fetch of
// ff-service/foreign/ from any origin.
"use strict";

const host_info = get_host_info();
const SERVICE = host_info.HTTPS_REMOTE_ORIGIN;
const RESOURCES = "/service-workers/foreign-fetch/resources/";
const SERVICE_SCOPE = SERVICE + RESOURCES + "ff-service/";
const FOREIGN_SCOPE = SERVICE_SCOPE + "foreign/";
const IN_SCOPE = FOREIGN_SCOPE + "resource.py";

let service_frame = null;
let service_setup = null;

// Registers the service's worker (once per file) and resolves with what the
// service frame reported: {state, scope, report} or {error}.
function install_service() {
  if (!service_setup) {
    service_setup = new Promise(resolve => {
      const frame = document.createElement("iframe");
      window.addEventListener("message", function listener(e) {
        if (e.source !== frame.contentWindow) return;
        window.removeEventListener("message", listener);
        resolve(e.data);
      });
      frame.src = SERVICE + RESOURCES + "service-frame.html?script=ff-worker.js&scope=ff-service/";
      document.body.appendChild(frame);
      service_frame = frame;
    });
  }
  return service_setup;
}

// Registers resources/`script` for `scope` (relative to resources/) from a
// frame on the service's origin, once per file and script; resolves with the
// frame's report: {state, scope, report} or {error}. For a test file whose
// service has a worker of its own.
const other_services = new Map();
function install_other_service(script, scope) {
  if (!other_services.has(script)) {
    other_services.set(script, new Promise(resolve => {
      const frame = document.createElement("iframe");
      window.addEventListener("message", function listener(e) {
        if (e.source !== frame.contentWindow) return;
        window.removeEventListener("message", listener);
        resolve(e.data);
      });
      frame.src = SERVICE + RESOURCES + "service-frame.html?script=" + encodeURIComponent(script) +
                  "&scope=" + encodeURIComponent(scope);
      document.body.appendChild(frame);
    }));
  }
  return other_services.get(script);
}

// The service's worker is activated and answers a matching request: the
// precondition of every "not intercepted" subtest, so that none of them can
// pass merely because foreign fetch is missing.
async function assert_worker_answers() {
  const setup = await install_service();
  assert_equals(setup.error, undefined, "precondition: the service's worker is registered");
  const response = await fetch(IN_SCOPE + "?precondition");
  const body = await response.json();
  assert_equals(body.from, "foreignfetch",
                "precondition: the foreign worker answers a matching fetch");
  return body;
}

// What a same-origin fetch() of url from the service's own frame gives:
// {from} or {error}.
function fetch_in_service_frame(url) {
  return new Promise(resolve => {
    window.addEventListener("message", function listener(e) {
      if (e.source !== service_frame.contentWindow || e.data.fetched !== url) return;
      window.removeEventListener("message", listener);
      resolve(e.data);
    });
    service_frame.contentWindow.postMessage({fetch: url}, "*");
  });
}

// Registers ff-worker.js (with `query` on its script URL, e.g.
// "?origins=...") for `scope` (relative to resources/) from another frame on
// the service's origin; resolves with that frame's report.
function register_service_worker(query, scope) {
  return new Promise(resolve => {
    const frame = document.createElement("iframe");
    window.addEventListener("message", function listener(e) {
      if (e.source !== frame.contentWindow) return;
      window.removeEventListener("message", listener);
      resolve(e.data);
    });
    frame.src = SERVICE + RESOURCES + "service-frame.html?script=" +
                encodeURIComponent("ff-worker.js" + query) + "&scope=" + encodeURIComponent(scope);
    document.body.appendChild(frame);
  });
}

// An XMLHttpRequest's outcome: {status, text, header(name), all} or {error}.
function xhr(url, setup) {
  return new Promise(resolve => {
    const request = new XMLHttpRequest();
    request.open("GET", url);
    if (setup) setup(request);
    request.onload = () => resolve({
      status: request.status,
      text: request.responseText,
      header: name => request.getResponseHeader(name),
      all: request.getAllResponseHeaders(),
    });
    request.onerror = () => resolve({error: "error", status: request.status});
    request.send();
  });
}
