// A dedicated worker that a controlled page starts: it fetches each URL it
// is sent and posts back the JSON answer (or {error}).
"use strict";
onmessage = async e => {
  try {
    postMessage(await (await fetch(e.data)).json());
  } catch (error) {
    postMessage({error: String(error)});
  }
};
