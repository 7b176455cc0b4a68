// testharnessreport.js for the servo-foreign-fetch WPT runner (wpt/run.py).
//
// testharness.js (served at /resources/testharness.js from the npm package
// wpt-runner) loads this file and calls the completion callback below once
// every test in the page has finished. The callback reports the results to
// the shell through the console, which servo-ff prints as
// `[page] <level> <message>`:
//
//   wpt-result {"status": "OK", "message": null, "tests": [{"name": ..., "status": "PASS", "message": null}]}
//   servo-ff:done
//
// The shell exits 0 when it sees the exact message `servo-ff:done`. Only the
// top-level document reports: a frame that happens to load testharness.js
// must not end the run (its results reach the top-level page, if at all,
// through fetch_tests_from_window()).
(function () {
  "use strict";
  if (self !== self.top) {
    return;
  }
  // Index = numeric status in testharness.js (Test.statuses, TestsStatus.statuses).
  var SUBTEST_STATUS = ["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];
  var HARNESS_STATUS = ["OK", "ERROR", "TIMEOUT", "PRECONDITION_FAILED"];

  add_completion_callback(function (tests, harness_status) {
    var result = {
      status: HARNESS_STATUS[harness_status.status] || String(harness_status.status),
      message: harness_status.message,
      tests: tests.map(function (t) {
        return {
          name: t.name,
          status: SUBTEST_STATUS[t.status] || String(t.status),
          message: t.message,
        };
      }),
    };
    console.log("wpt-result " + JSON.stringify(result));
    console.log("servo-ff:done");
  });
})();
