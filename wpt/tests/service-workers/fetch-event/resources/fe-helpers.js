// Helpers for the Handle Fetch tests: the page's own worker is
// resources/fe-worker.js (scope resources/fe-scope/, see its header for what
// it answers). controlled_frame() registers it and, once it is activated,
// opens resources/fe-scope/controlled.html in a frame: the navigation
// happens after the worker is activated, so the frame is controlled.
// Include after /common/get-host-info.sub.js and ff-helpers.js.
"use strict";

const SCOPE = "resources/fe-scope/";
const SCOPE_URL = new URL(SCOPE, location.href).href;
const WORKER_URL = new URL("resources/fe-worker.js", location.href).href;
const NETWORK = new URL(SCOPE + "network.py", location.href).href;
const REMOTE_NETWORK = host_info.HTTPS_REMOTE_ORIGIN +
    "/service-workers/fetch-event/" + SCOPE + "network.py";

let setup = null;

function wait_for_activated(worker) {
  if (worker.state === "activated")
    return Promise.resolve();
  return new Promise((resolve, reject) => {
    worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve();
      if (worker.state === "redundant") reject(new Error("the worker became redundant"));
    });
  });
}

function open_frame(url) {
  return new Promise((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.onload = () => resolve(frame);
    frame.onerror = () => reject(new Error("the frame did not load"));
    frame.src = url;
    document.body.appendChild(frame);
  });
}

// Registers the worker and opens the controlled frame, once per file.
function controlled_frame() {
  if (!setup) {
    setup = (async () => {
      const registration = await navigator.serviceWorker.register(
          "resources/fe-worker.js", {scope: SCOPE});
      const worker = registration.installing || registration.waiting || registration.active;
      await wait_for_activated(worker);
      return open_frame(SCOPE + "controlled.html");
    })();
  }
  return setup;
}

// The precondition of every subtest: the frame is controlled by the worker
// and a fetch of the frame is answered by its fetch event.
async function assert_controlled() {
  const frame = await controlled_frame();
  const controller = frame.contentWindow.navigator.serviceWorker.controller;
  assert_not_equals(controller, null, "precondition: the frame has a controller");
  assert_equals(controller.scriptURL, WORKER_URL, "precondition: the controller is the worker");
  const answer = await (await frame.contentWindow.fetch(NETWORK + "?respond=synthetic")).json();
  assert_equals(answer.from, "fetch-event", "precondition: the fetch event answers the frame");
  return frame;
}

function frame_fetch(frame, url, init) {
  return frame.contentWindow.fetch(url, init);
}

// Posts message to the worker; resolves with its answer.
function ask_worker(message) {
  return new Promise(resolve => {
    navigator.serviceWorker.addEventListener("message", e => resolve(e.data), {once: true});
    navigator.serviceWorker.getRegistration(SCOPE).then(r => r.active.postMessage(message));
  });
}
