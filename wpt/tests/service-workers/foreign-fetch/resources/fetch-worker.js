// A dedicated worker: fetches each URL it is sent and answers with what
// answered it ({from} or {error}).
"use strict";
self.addEventListener("message", async e => {
  try {
    postMessage({from: (await (await fetch(e.data)).json()).from});
  } catch (error) {
    postMessage({error: String(error)});
  }
});
