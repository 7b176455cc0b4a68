"""A document whose markup has a `<link rel="serviceworker">` element, for
link-element-registration.https.html (docs/feature.md §1).

Query parameters: href, scope, and optionally workertype and updateviacache:
the element's attributes. The document posts {type: "ff-link-element",
event, at, secure} to its parent (in a frame) or its opener (in a popup)
for each of: "link-load" and "link-error" (the element's events),
"window-load" (its own load event), with `at` the time since its navigation
started (performance.now()) and `secure` its isSecureContext.
"""
import html


def main(request, response):
    attributes = ""
    for name in (b"href", b"scope", b"workertype", b"updateviacache"):
        if name in request.GET:
            value = request.GET.first(name).decode("utf-8")
            attributes += ' %s="%s"' % (name.decode(), html.escape(value, quote=True))
    response.headers.set(b"Content-Type", b"text/html; charset=utf-8")
    response.headers.set(b"Cache-Control", b"no-store")
    return """<!DOCTYPE html>
<meta charset="utf-8">
<title>A document with a link rel=serviceworker element in its markup</title>
<script>
"use strict";
const target = parent !== self ? parent : opener;
function report(event) {
  target.postMessage({type: "ff-link-element", event, at: performance.now(),
                      secure: self.isSecureContext}, "*");
}
addEventListener("load", () => report("window-load"));
</script>
<link rel="serviceworker"%s onload="report('link-load')" onerror="report('link-error')">
<body>A link rel=serviceworker element in markup.</body>
""" % attributes
