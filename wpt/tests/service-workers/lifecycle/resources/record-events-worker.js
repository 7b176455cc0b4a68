// Records the lifecycle events it gets, and answers any message with them.
"use strict";
const events = [];
self.addEventListener("install", e => events.push(e.type + ":" + e.constructor.name));
self.addEventListener("activate", e => events.push(e.type + ":" + e.constructor.name));
self.addEventListener("message", e => e.source.postMessage(events));
