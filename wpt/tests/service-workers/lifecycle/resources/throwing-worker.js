// Throws while its script runs: register() must reject.
"use strict";
throw new Error("this service worker script throws on purpose");
