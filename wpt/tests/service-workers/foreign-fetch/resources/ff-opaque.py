"""A resource no other origin may read (no CORS headers): what a foreign
worker's no-cors fetch() gets as an opaque response.

?kind=script: a script that sets self.ff_opaque_script_ran;
?kind=image: a 2x3 PNG (another size than the worker's own 1x1 PNG).
"""

import struct
import zlib


def png(width, height):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00\xff\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def main(request, response):
    response.headers.set(b"Cache-Control", b"no-store")
    if request.GET.first(b"kind", b"") == b"image":
        response.headers.set(b"Content-Type", b"image/png")
        return png(2, 3)
    response.headers.set(b"Content-Type", b"text/javascript")
    return b"self.ff_opaque_script_ran = true;"
