// Checks the InstallEvent interface from inside a service worker and
// answers any message with the results.
"use strict";
const results = {};

function attempt(f) {
  try {
    return f();
  } catch (e) {
    return "threw " + e.name;
  }
}

results.has_oninstall = "oninstall" in self;
results.has_onactivate = "onactivate" in self;
results.constructed = attempt(() => {
  const e = new InstallEvent("install", {bubbles: true, cancelable: true});
  return {
    type: e.type,
    bubbles: e.bubbles,
    cancelable: e.cancelable,
    isTrusted: e.isTrusted,
    is_extendable: e instanceof ExtendableEvent,
    is_event: e instanceof Event,
    has_wait_until: typeof e.waitUntil,
  };
});
results.untrusted_wait_until = attempt(() => {
  new InstallEvent("install").waitUntil(Promise.resolve());
  return "no exception";
});

self.oninstall = e => {
  results.install = {
    is_install_event: e instanceof InstallEvent,
    isTrusted: e.isTrusted,
    wait_until: attempt(() => {
      e.waitUntil(Promise.resolve());
      return "no exception";
    }),
  };
  // After dispatch, with no pending promise, the event is no longer active.
  setTimeout(() => {
    results.install.wait_until_after_dispatch = attempt(() => {
      e.waitUntil(Promise.resolve());
      return "no exception";
    });
  }, 0);
};

self.onactivate = e => {
  results.activate = {
    is_extendable: e instanceof ExtendableEvent,
    is_install_event: e instanceof InstallEvent,
    isTrusted: e.isTrusted,
  };
};

self.addEventListener("message", e => e.source.postMessage(results));
