/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

// The page's side of the foreign fetch demo. Each step is shown on the page
// and logged as one console line `demo:{json}`, which demo/run.py reads
// from servo-ff's stdout and narrates; the last line is `servo-ff:done`,
// on which the shell exits.
//
// Query parameters: api=ORIGIN of the weather API (required); wait=S, how
// long step 2 waits for the API's worker (default 15); register=script to
// register the worker from a hidden frame of the API's origin instead of
// relying on the `Link` header (a debugging fallback).

"use strict";

const params = new URLSearchParams(location.search);
const API = params.get("api");
const WAIT_MS = Number(params.get("wait") || 15) * 1000;
const POLL_MS = 200;
const REGISTER = params.get("register") === "script" ? "script" : "link";

function report(event, text, kind) {
  console.log("demo:" + JSON.stringify(event));
  if (text) {
    const item = document.createElement("li");
    item.textContent = text;
    if (kind) item.className = kind;
    document.getElementById("steps").append(item);
  }
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// One request to the API, timed from fetch() to the whole body. A request
// that fails is an answer too ({error}), so that every step can report it.
async function ask(url) {
  const start = performance.now();
  try {
    const response = await fetch(url);
    const body = await response.json();
    return {
      url, ms: performance.now() - start, status: response.status, type: response.type,
      servedBy: body.servedBy, body, link: response.headers.get("Link"),
    };
  } catch (error) {
    return {url, ms: performance.now() - start, error: String(error)};
  }
}

const fromWorker = answer => typeof answer.servedBy === "string" && answer.servedBy.startsWith("worker");

function describe(answer) {
  if (answer.error) return `failed: ${answer.error}`;
  const data = answer.body.data || {};
  return `${data.city}: ${data.temperatureC ?? "?"} °C, ${data.sky} — served by ${answer.servedBy} ` +
    `in ${answer.ms.toFixed(0)} ms`;
}

// Debugging fallback: the classic registration, from a page of the API's
// origin, for a browser that ignores the `Link` header.
function registerByScript() {
  return new Promise(resolve => {
    const frame = document.createElement("iframe");
    frame.hidden = true;
    frame.src = `${API}/register.html`;
    addEventListener("message", function listen(event) {
      if (event.origin !== API) return;
      removeEventListener("message", listen);
      resolve(String(event.data));
    });
    document.body.append(frame);
  });
}

// Step 2: the page cannot see another origin's registration, so it asks
// again until an answer says the worker served it.
async function untilTheWorkerAnswers(url) {
  const start = performance.now();
  let tries = 0;
  let answer;
  while (performance.now() - start < WAIT_MS) {
    await sleep(POLL_MS);
    tries++;
    answer = await ask(url);
    if (fromWorker(answer)) break;
    if (tries % 25 === 0) {
      report({event: "waiting", step: 2, tries, waitedMs: performance.now() - start, last: answer.servedBy ?? answer.error});
    }
  }
  return {...answer, tries, waitedMs: performance.now() - start};
}

async function demo() {
  const url = `${API}/api/weather?city=Paris`;
  report({event: "start", site: location.origin, api: API, url, register: REGISTER, waitMs: WAIT_MS},
    null);
  document.getElementById("about").textContent =
    `This page (${location.origin}) asks the weather API at ${API} for the weather in Paris.`;

  const first = await ask(url);
  report({event: "answer", step: 1, ...first},
    `1. First answer: ${describe(first)}.` + (first.link ? ` It carried Link: ${first.link}` : ""),
    first.servedBy === "network" ? "network" : "fail");
  if (first.error) return;

  if (REGISTER === "script") {
    const result = await registerByScript();
    report({event: "registered-by-script", result},
      `(debugging fallback) the API's worker, registered by script: ${result}`);
  }

  const second = await untilTheWorkerAnswers(url);
  const ok = fromWorker(second);
  report({event: "answer", step: 2, ...second},
    ok ? `2. Answered by the API's worker after ${second.tries} tries: ${describe(second)}.`
       : `2. No answer came from the API's worker within ${WAIT_MS / 1000} s ` +
         `(${second.tries} tries; this browser has no foreign fetch, or did not install the worker).`,
    ok ? "worker" : "fail");
  if (!ok) return;

  // The narrator answers only once the API's process is gone and its port
  // refuses connections.
  let stopped;
  try {
    stopped = await (await fetch("/control/stop-api", {cache: "no-store"})).json();
  } catch (error) {
    stopped = {stopped: false, error: String(error)};
  }
  report({event: "api-stopped", ...stopped},
    stopped.stopped ? `The API server is stopped (port ${stopped.port} refuses connections).`
                    : `The API server could not be stopped: ${stopped.error}`,
    stopped.stopped ? null : "fail");
  if (!stopped.stopped) return;

  const offline = await ask(url);
  report({event: "answer", step: 3, ...offline}, `3. With the API server down: ${describe(offline)}.`,
    fromWorker(offline) ? "worker" : "fail");

  const never = await ask(`${API}/api/weather?city=Oslo`);
  report({event: "answer", step: 4, ...never},
    `4. A city never asked for before, server still down: ${describe(never)}.`,
    fromWorker(never) ? "worker" : "fail");
}

(async () => {
  if (!API) {
    document.getElementById("about").textContent =
      "No API origin given: open this page as index.html?api=http://127.0.0.1:PORT " +
      "(python3 demo/run.py --serve prints the address).";
    report({event: "error", message: "no ?api= in the page's URL"});
  } else {
    try {
      await demo();
    } catch (error) {
      report({event: "error", message: String(error)}, `The demo stopped: ${error}`, "fail");
    }
  }
  report({event: "end"});
  console.log("servo-ff:done");
})();
