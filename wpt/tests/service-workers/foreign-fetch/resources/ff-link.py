"""A response of the third-party service that carries `Link` headers, with
the content type and body for the kind of request that loads it (Link type
"serviceworker", docs/feature.md §1; used by link-header-subresources).

Query parameters:

  link   the value of one `Link` header (repeatable: one header each)
  kind   what to serve:
           text    (default) text/plain, the body `body=` (default "ff-link")
           json    application/json, {"from": "ff-link", "token": token}
           img     image/png, a 3x2 PNG
           script  text/javascript that sets self.ffLinkScripts[token] = true
           css     text/css that makes #ff-link-<token> 123px wide
           font    font/ttf: the "FFMediaBox" test font of ff-media-font.py
                   ("X" is 1em wide)
           html    text/html: a document that posts {type: "ff-link-frame",
                   token, text: "ff-link frame <token>"} to its parent when
                   it runs
  token  an identifier for the script, css, json and html kinds
         ([A-Za-z0-9-] only)

plus the CORS parameters of access-control.py (ACAOrigin, ACEHeaders, ...),
so that a cross-origin page can read the response and its `Link` header.
Never cached (Cache-Control: no-store).
"""
import base64
import importlib.util
import json
import os
import re

from wpt_cors import set_cors_headers

# A 3x2 RGBA PNG (solid green), so that a page can tell it from a broken image.
PNG = base64.b64decode(
    b"iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAADklEQVR4nGNg+I8EkTkAlYQL9cGn5zIAAAAASUVORK5CYII=")


def font():
    path = os.path.join(os.path.dirname(__file__), "ff-media-font.py")
    spec = importlib.util.spec_from_file_location("ff_media_font", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.font()


def main(request, response):
    set_cors_headers(request, response)
    for link in request.GET.get_list(b"link"):
        response.headers.append(b"Link", link)
    response.headers.set(b"Cache-Control", b"no-store")
    kind = request.GET.first(b"kind", b"text").decode()
    token = re.sub(r"[^A-Za-z0-9-]", "", request.GET.first(b"token", b"").decode())
    if kind == "json":
        response.headers.set(b"Content-Type", b"application/json")
        return json.dumps({"from": "ff-link", "token": token})
    if kind == "img":
        response.headers.set(b"Content-Type", b"image/png")
        return PNG
    if kind == "script":
        response.headers.set(b"Content-Type", b"text/javascript")
        return ("(self.ffLinkScripts = self.ffLinkScripts || {})[%s] = true;\n"
                % json.dumps(token))
    if kind == "css":
        response.headers.set(b"Content-Type", b"text/css")
        return "#ff-link-%s { width: 123px; }\n" % token
    if kind == "font":
        response.headers.set(b"Content-Type", b"font/ttf")
        return font()
    if kind == "html":
        response.headers.set(b"Content-Type", b"text/html; charset=utf-8")
        return ("<!DOCTYPE html><meta charset=utf-8><title>ff-link frame</title>"
                "<body><p id=text>ff-link frame %s</p><script>parent.postMessage({type: "
                "\"ff-link-frame\", token: %s, text: document.getElementById(\"text\")"
                ".textContent}, \"*\");</script>"
                % (token, json.dumps(token)))
    response.headers.set(b"Content-Type", b"text/plain")
    return request.GET.first(b"body", b"ff-link")
