// A shared worker that a controlled page starts: it fetches each URL a port
// sends and posts back the JSON answer (or {error}).
"use strict";
onconnect = e => {
  const port = e.ports[0];
  port.onmessage = async message => {
    try {
      port.postMessage(await (await fetch(message.data)).json());
    } catch (error) {
      port.postMessage({error: String(error)});
    }
  };
};
