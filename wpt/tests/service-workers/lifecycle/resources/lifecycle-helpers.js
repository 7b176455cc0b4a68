// Helpers for the service worker lifecycle tests.
"use strict";

// Resolves when `worker` reaches `state` (listening to statechange); rejects
// if it becomes redundant first (unless `state` is "redundant").
function wait_for_state(t, worker, state) {
  if (worker.state === state)
    return Promise.resolve(worker);
  return new Promise((resolve, reject) => {
    worker.addEventListener("statechange", t.step_func(function listener() {
      if (worker.state === state) {
        worker.removeEventListener("statechange", listener);
        resolve(worker);
      } else if (worker.state === "redundant") {
        worker.removeEventListener("statechange", listener);
        reject(new Error(`the worker became redundant while waiting for ${state}`));
      }
    }));
  });
}

// Every state the worker goes through, in order, with the registration's
// installing/waiting/active attributes as they were when each statechange
// event fired. Resolves once the worker reaches `last`.
function record_states(t, registration, worker, last) {
  const seen = [];
  const slot = w => w === worker ? "worker" : w === null ? "null" : "other";
  return new Promise(resolve => {
    worker.addEventListener("statechange", t.step_func(() => {
      seen.push({
        state: worker.state,
        installing: slot(registration.installing),
        waiting: slot(registration.waiting),
        active: slot(registration.active),
      });
      if (worker.state === last || worker.state === "redundant")
        resolve(seen);
    }));
  });
}

// Posts `data` to `worker` and resolves with the data of the next message
// event at navigator.serviceWorker (the worker answers with
// `event.source.postMessage(...)`).
function ask_worker(worker, data) {
  return new Promise(resolve => {
    navigator.serviceWorker.addEventListener("message", function listener(e) {
      navigator.serviceWorker.removeEventListener("message", listener);
      resolve(e.data);
    });
    worker.postMessage(data);
  });
}

// Unregisters whatever is registered for `scope` when the test ends.
function unregister_at_cleanup(t, scope) {
  t.add_cleanup(async () => {
    const registration = await navigator.serviceWorker.getRegistration(scope);
    if (registration)
      await registration.unregister();
  });
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}
