// A dedicated or shared worker (see foreign-fetch-worker-clients.https.html):
// fetches each URL it is sent and answers with what answered it, and whether
// its global is a secure context: {kind, secure, from} or {kind, secure, error}.
"use strict";

async function fetch_and_describe(url, kind) {
  const result = {kind, secure: self.isSecureContext};
  try {
    result.from = (await (await fetch(url)).json()).from;
  } catch (error) {
    result.error = String(error);
  }
  return result;
}

if (typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope) {
  self.addEventListener("connect", e => {
    const port = e.ports[0];
    port.onmessage = async m => port.postMessage(await fetch_and_describe(m.data, "shared"));
  });
} else {
  self.addEventListener("message", async e =>
      postMessage(await fetch_and_describe(e.data, "dedicated")));
}
