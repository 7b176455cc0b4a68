// Imports a script while it is parsed (its script runs) and another one in
// its install handler; once installed, reports what importScripts() gives
// for the first URL again and for a URL it never imported.
"use strict";
importScripts("imported-script.py?parsed");
const parsed = self.IMPORTED;
let installing = null;

self.addEventListener("install", () => {
  importScripts("imported-script.py?installing");
  installing = self.IMPORTED;
});

function attempt(url) {
  try {
    importScripts(url);
    return {value: self.IMPORTED};
  } catch (e) {
    return {error: e.name};
  }
}

self.addEventListener("message", e => {
  e.source.postMessage({
    parsed,
    installing,
    parsed_again: attempt("imported-script.py?parsed"),
    installing_again: attempt("imported-script.py?installing"),
    new_url: attempt("imported-script.py?new"),
  });
});
