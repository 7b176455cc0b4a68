// A worker with no event handlers: it installs and activates at once.
"use strict";
