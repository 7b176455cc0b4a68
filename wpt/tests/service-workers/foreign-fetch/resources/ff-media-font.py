"""A tiny TrueType font, built here at each request, so that no binary font
file is checked in: in the manner of the Ahem test font, the glyph of "X"
(U+0058, the only mapped character) is a square 1em wide, from the
descent (-0.2em) to the ascent (0.8em), with an advance of exactly 1em. Text
"XXXX" at font-size 50px is 200px wide in it, and narrower in any fallback
font. Family name "FFMediaBox".

Only the foreign fetch worker (ff-media-worker.js, same origin) fetches it,
to answer the page's @font-face request; the font's URL in the foreign fetch
scope does not exist on the network. The tables are the ones Servo's font
sanitizer (OTS, through the fontsan crate) requires of a TrueType font.
"""
import struct

UNITS_PER_EM = 1000
ASCENT = 800
DESCENT = 200
CHAR = 0x58  # "X"
FAMILY = "FFMediaBox"


def checksum(data):
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(">%dI" % (len(data) // 4), data)) & 0xFFFFFFFF


def head_table(adjustment=0):
    return struct.pack(
        ">IIIIHHqqhhhhHHhhh",
        0x00010000, 0x00010000, adjustment, 0x5F0F3CF5,
        0x000B,          # flags: baseline at y=0, lsb at x=0, integer ppem
        UNITS_PER_EM,
        0, 0,            # created, modified
        0, -DESCENT, UNITS_PER_EM, ASCENT,  # xMin yMin xMax yMax
        0, 8, 2,         # macStyle, lowestRecPPEM, fontDirectionHint
        0, 0)            # indexToLocFormat (short), glyphDataFormat


def hhea_table():
    return struct.pack(
        ">IhhhHhhhhhhhhhhhH",
        0x00010000, ASCENT, -DESCENT, 0, UNITS_PER_EM,
        0, 0, UNITS_PER_EM,  # minLSB, minRSB, xMaxExtent
        1, 0, 0,             # caretSlopeRise, caretSlopeRun, caretOffset
        0, 0, 0, 0, 0,       # reserved, metricDataFormat
        2)                   # numberOfHMetrics


def maxp_table():
    return struct.pack(">IHHHHHHHHHHHHHH",
                       0x00010000, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0)


def os2_table():
    return (struct.pack(">HhHHHhhhhhhhhhhh",
                        4, UNITS_PER_EM, 400, 5, 0,
                        650, 600, 0, 75, 650, 600, 0, 350,  # sub/superscript
                        50, 300, 0)                         # strikeout, family class
            + b"\0" * 10                                    # panose
            + struct.pack(">IIII", 1, 0, 0, 0)              # Unicode ranges: Basic Latin
            + b"NONE"
            + struct.pack(">HHHhhhHHIIhhHHH",
                          0x0040, CHAR, CHAR,               # fsSelection REGULAR, first, last
                          ASCENT, -DESCENT, 0, ASCENT, DESCENT,
                          1, 0,                             # code pages: Latin 1
                          ASCENT, ASCENT, 0, 0x20, 1))


def hmtx_table():
    return struct.pack(">HhHh", UNITS_PER_EM, 0, UNITS_PER_EM, 0)


def cmap_table():
    # Format 4, two segments: [CHAR, CHAR] -> glyph 1, and the final 0xFFFF.
    seg_count = 2
    subtable = struct.pack(
        ">HHHHHHH" "HH" "H" "HH" "HH" "HH",
        4, 16 + 8 * seg_count, 0, 2 * seg_count, 4, 1, 0,
        CHAR, 0xFFFF,                     # endCode
        0,                                # reservedPad
        CHAR, 0xFFFF,                     # startCode
        (1 - CHAR) & 0xFFFF, 1,           # idDelta
        0, 0)                             # idRangeOffset
    return struct.pack(">HHHHI", 0, 1, 3, 1, 12) + subtable


def glyf_and_loca():
    # Glyph 0 (.notdef) is empty; glyph 1 is the square, drawn clockwise.
    points = [(0, -DESCENT), (0, ASCENT), (UNITS_PER_EM, ASCENT), (UNITS_PER_EM, -DESCENT)]
    xs, ys, last = [], [], (0, 0)
    for x, y in points:
        xs.append(x - last[0])
        ys.append(y - last[1])
        last = (x, y)
    glyph = (struct.pack(">hhhhhHH", 1, 0, -DESCENT, UNITS_PER_EM, ASCENT, 3, 0)
             + bytes([0x01] * 4)  # on-curve, 16-bit coordinates
             + struct.pack(">4h", *xs) + struct.pack(">4h", *ys))
    glyph += b"\0" * (-len(glyph) % 4)
    return glyph, struct.pack(">HHH", 0, 0, len(glyph) // 2)


def name_table():
    names = {1: FAMILY, 2: "Regular", 3: FAMILY + " test font", 4: FAMILY, 6: FAMILY}
    records, strings = b"", b""
    for name_id, text in sorted(names.items()):
        data = text.encode("utf-16-be")
        records += struct.pack(">HHHHHH", 3, 1, 0x409, name_id, len(data), len(strings))
        strings += data
    return struct.pack(">HHH", 0, len(names), 6 + len(records)) + records + strings


def post_table():
    return struct.pack(">IIhhIIIII", 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0)


def font():
    glyf, loca = glyf_and_loca()
    tables = {
        b"OS/2": os2_table(), b"cmap": cmap_table(), b"glyf": glyf, b"head": head_table(),
        b"hhea": hhea_table(), b"hmtx": hmtx_table(), b"loca": loca, b"maxp": maxp_table(),
        b"name": name_table(), b"post": post_table(),
    }

    def assemble(tables):
        count = len(tables)
        power = 1
        while power * 2 <= count:
            power *= 2
        entry_selector = power.bit_length() - 1
        header = struct.pack(">IHHHH", 0x00010000, count, power * 16, entry_selector,
                             count * 16 - power * 16)
        offset = 12 + 16 * count
        directory, data = b"", b""
        for tag in sorted(tables):
            table = tables[tag]
            directory += struct.pack(">4sIII", tag, checksum(table), offset + len(data),
                                     len(table))
            data += table + b"\0" * (-len(table) % 4)
        return header + directory + data

    # head.checkSumAdjustment makes the whole font's checksum 0xB1B0AFBA.
    adjustment = (0xB1B0AFBA - checksum(assemble(tables))) & 0xFFFFFFFF
    tables[b"head"] = head_table(adjustment)
    return assemble(tables)


def main(request, response):
    response.headers.set(b"Content-Type", b"font/ttf")
    response.headers.set(b"Cache-Control", b"no-store")
    return font()
