// Helpers for the Link type "serviceworker" tests (docs/feature.md §1):
// link-header-subresources.https.html and link-element-registration.https.html.
// Needs /common/get-host-info.sub.js.
"use strict";

const LINK_HOSTS = get_host_info();
const LINK_RESOURCES = "/service-workers/foreign-fetch/resources/";
// Every scope of these tests is under resources/ff-link/ (nothing is served
// there): below the worker script's directory, so no Service-Worker-Allowed
// is needed.
const LINK_SCOPES = LINK_RESOURCES + "ff-link/";
// A token per run of the file, in every scope, so that no registration of
// another run (or another file) is ever seen.
const LINK_RUN = Date.now().toString(36) + "-" + String(Math.random()).slice(2, 8);

const link_sleep = (t, ms) => new Promise(resolve => t.step_timeout(resolve, ms));

// The path of a fresh scope for `name`, e.g. /…/resources/ff-link/xhr-RUN/.
function link_scope(name) {
  return `${LINK_SCOPES}${name}-${LINK_RUN}/`;
}

// The value of one Link header: a serviceworker link to `script` with
// `scope` and the extra `params` ("; anchor=..." etc.).
function sw_link(script, scope, params = "") {
  return `<${script}>; rel="serviceworker"; scope="${scope}"${params}`;
}

// The URL of resources/ff-link.py on `origin` that answers as `kind` with one
// Link header per entry of `links`; `query` adds more parameters.
function ff_link_url(origin, kind, links, query = "") {
  let url = `${origin}${LINK_RESOURCES}ff-link.py?kind=${kind}`;
  for (const link of links)
    url += "&link=" + encodeURIComponent(link);
  return url + (query ? "&" + query : "");
}

// What resources/ff-link-probe.html (mode=now), in a new frame on `origin`,
// reports about the registration whose scope is exactly origin + scope_path:
// {found: false} or {found: true, scope, scriptURL, state, active,
// activeState, updateViaCache}. The frame is removed at once.
function probe_once(t, origin, scope_path) {
  return new Promise(resolve => {
    const frame = document.createElement("iframe");
    t.add_cleanup(() => frame.remove());
    let guard = null;
    function finish(result) {
      window.removeEventListener("message", listener);
      clearTimeout(guard);
      frame.remove();
      resolve(result);
    }
    function listener(e) {
      if (e.source !== frame.contentWindow || !e.data || e.data.type !== "ff-link-probe") return;
      finish(e.data);
    }
    guard = t.step_timeout(() => finish({found: false, error: "the probe frame did not answer"}),
                           3000);
    window.addEventListener("message", listener);
    frame.src = `${origin}${LINK_RESOURCES}ff-link-probe.html?mode=now` +
                "&scope=" + encodeURIComponent(origin + scope_path);
    document.body.appendChild(frame);
  });
}

// mode "now": probe_once().
// mode "activated": probes (a new frame each time: Servo 0.7.0 does not
// update the registration objects a document already has) until the
// registration has an activated worker, at most `timeout` ms: {found: true,
// scope, scriptURL, state: "activated", updateViaCache} or {found: false,
// error, last} (`last`: the last look).
async function probe_registration(t, origin, scope_path, mode = "activated", timeout = 8000) {
  if (mode === "now") return probe_once(t, origin, scope_path);
  const end = performance.now() + timeout;
  let last = null;
  do {
    last = await probe_once(t, origin, scope_path);
    if (last.found && last.activeState === "activated") {
      return Object.assign({}, last, {scriptURL: last.active, state: "activated"});
    }
    await link_sleep(t, 100);
  } while (performance.now() < end);
  return {found: false, error: "no activated worker for " + origin + scope_path, last};
}

// Asserts that origin + scope_path gets an activated registration of
// origin + script_path within a few seconds.
async function assert_registered(t, origin, scope_path, script_path, description) {
  const registration = await probe_registration(t, origin, scope_path);
  const what = description ? ` (${description})` : "";
  assert_true(registration.found,
              `a registration for ${scope_path} is activated${what}: ` + JSON.stringify(registration));
  assert_equals(registration.scope, origin + scope_path, "the registration's scope" + what);
  if (script_path !== undefined)
    assert_equals(registration.scriptURL, origin + script_path, "the worker's script URL" + what);
  assert_equals(registration.state, "activated", "the worker's state" + what);
  return registration;
}

// Asserts that there is no registration for origin + scope_path now.
async function assert_not_registered(t, origin, scope_path, description) {
  const registration = await probe_registration(t, origin, scope_path, "now");
  assert_false(registration.found,
               `no registration for ${origin}${scope_path} (${description}): ` +
               JSON.stringify(registration));
  assert_equals(registration.error, undefined, "the probe's getRegistration() worked");
}
