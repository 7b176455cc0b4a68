// Its install event's lifetime promise rejects: the install fails.
"use strict";
self.addEventListener("install", e => {
  e.waitUntil(new Promise((resolve, reject) => setTimeout(() => reject(new Error("install failed on purpose")), 100)));
});
