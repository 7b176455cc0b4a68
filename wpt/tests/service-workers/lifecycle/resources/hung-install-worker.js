// Its install event's lifetime promise never settles.
"use strict";
self.addEventListener("install", e => e.waitUntil(new Promise(() => {})));
