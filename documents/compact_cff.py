"""Shrink the CJK fonts WeasyPrint embeds, so a one-page 文书 stays small.

WeasyPrint subsets with HarfBuzz but keeps glyph ids (``RETAIN_GIDS``): the content stream names
glyphs by their id in the full font, and PDF viewers read those ids as glyph indices.  A Noto CJK
subset therefore still has ~63,000 CharStrings entries, each unused one a one-byte ``endchar``
whose offset grows by one, which deflate cannot squeeze: about 140 KB per font face.  Here the
unused entries become empty (zero-length) charstrings, so their offsets repeat and compress to
almost nothing; glyph ids, outlines and metrics of the used glyphs are untouched.  Viewers never
draw the empty glyphs (no text uses them).  Anything unexpected leaves the font as it was.
"""
from __future__ import annotations

import io
import re
import struct
import sys
from array import array
from collections.abc import Sequence
from itertools import accumulate
from typing import cast

_PRIVATE, _CHARSTRINGS, _FDARRAY = (18,), (17,), (12, 36)
_OFFSET_KEYS = {(15,), (16,), (17,), (18,), (12, 36), (12, 37)}  # charset, Encoding, CharStrings, Private, FDArray, FDSelect

_Operand = tuple[int, int, int | None]  # (start, end, integer value or None for a real)
_ONE = b"\x00\x00\x00\x01"
_NON_ZERO = re.compile(rb"[^\x00]")
_Entry = tuple[tuple[int, ...], list[_Operand]]  # (operator, operands) of a DICT entry


def _index(data: bytes, pos: int) -> tuple[list[bytes], int, int]:
    """A CFF INDEX at ``pos``: its items, the position just after it, and its offset size."""
    count = struct.unpack_from(">H", data, pos)[0]
    if count == 0:
        return [], pos + 2, 0
    size = data[pos + 2]
    offsets = _unpack_offsets(data[pos + 3: pos + 3 + (count + 1) * size], size, count + 1)
    base = pos + 2 + (count + 1) * size
    return [data[base + a: base + b] for a, b in zip(offsets, offsets[1:], strict=False)], base + offsets[-1], size


def _build_index(items: list[bytes]) -> bytes:
    if not items:
        return b"\x00\x00"
    offsets = list(accumulate((len(item) for item in items), initial=1))
    return _index_head(offsets) + b"".join(items)


def _index_head(offsets: Sequence[int]) -> bytes:
    size = 1 if offsets[-1] < 1 << 8 else 2 if offsets[-1] < 1 << 16 else 3 if offsets[-1] < 1 << 24 else 4
    return struct.pack(">HB", len(offsets) - 1, size) + _pack_offsets(offsets, size)


def _wide(raw: bytes, size: int, count: int) -> bytes:
    """Big-endian ``size``-byte integers widened to 4 bytes each, by C-level slicing."""
    wide = bytearray(count * 4)
    for k in range(size):
        wide[4 - size + k::4] = raw[k::size]
    return bytes(wide)


def _unpack_offsets(raw: bytes, size: int, count: int) -> array[int]:
    """Big-endian ``size``-byte integers as an array, by C-level slicing (CJK fonts have ~65,000 of them)."""
    return _from_wide(_wide(raw, size, count))


def _from_wide(wide: bytes) -> array[int]:
    out = array("I", wide)
    if sys.byteorder == "little":
        out.byteswap()
    return out


def _pack_offsets(offsets: Sequence[int], size: int) -> bytes:
    wide = array("I", offsets)
    if sys.byteorder == "little":
        wide.byteswap()
    raw = wide.tobytes()
    out = bytearray(len(offsets) * size)
    for k in range(size):
        out[k::size] = raw[4 - size + k::4]
    return bytes(out)


def _compact_charstrings(cff: bytes, pos: int) -> tuple[bytes, int]:
    """The CharStrings INDEX at ``pos`` rebuilt with its one-byte glyphs (bar .notdef) emptied.

    A Type 2 charstring ends with ``endchar``, so a one-byte charstring is exactly ``endchar``: an unused glyph.  Of
    ~65,000 glyphs a 文书 uses a few hundred, so the work is kept off per-glyph Python: the offsets, widened to 4-byte
    lanes, are read as two big integers whose difference holds every glyph's length in its lane (offsets only grow,
    so no lane borrows); XOR with a lane of 1 each leaves non-zero lanes only for used glyphs, found by one regex scan;
    the new offsets repeat between used glyphs and are filled run by run.
    """
    count, size = struct.unpack_from(">HB", cff, pos)
    wide = _wide(cff[pos + 3: pos + 3 + (count + 1) * size], size, count + 1)
    offsets = _from_wide(wide)
    base = pos + 2 + (count + 1) * size
    lengths = int.from_bytes(wide[4:], "big") - int.from_bytes(wide[:-4], "big")
    marks = (lengths ^ int.from_bytes(_ONE * count, "big")).to_bytes(4 * count, "big")
    kept = sorted({0} | {m.start() // 4 for m in _NON_ZERO.finditer(marks)})
    new_offsets = array("I", [1])
    for gid, following in zip(kept, [*kept[1:], count], strict=True):
        new_offsets.append(new_offsets[-1] + offsets[gid + 1] - offsets[gid])
        new_offsets.extend(array("I", new_offsets[-1:]) * (following - gid - 1))
    data = b"".join(cff[base + offsets[g]: base + offsets[g + 1]] for g in kept)
    return _index_head(new_offsets) + data, base + offsets[-1]


def _dict_entries(data: bytes) -> list[_Entry]:
    """(operator, [(start, end, integer value or None for reals)]) for each entry of a CFF DICT."""
    out: list[_Entry] = []
    operands: list[_Operand] = []
    i = 0
    while i < len(data):
        b = data[i]
        if b <= 21:
            op = (12, data[i + 1]) if b == 12 else (b,)
            i += 2 if b == 12 else 1
            out.append((op, operands))
            operands = []
        elif b == 28:
            operands.append((i, i + 3, struct.unpack_from(">h", data, i + 1)[0]))
            i += 3
        elif b == 29:
            operands.append((i, i + 5, struct.unpack_from(">i", data, i + 1)[0]))
            i += 5
        elif b == 30:
            j = i + 1
            while (data[j] & 0x0F) != 0x0F and (data[j] >> 4) != 0x0F:
                j += 1
            operands.append((i, j + 1, None))
            i = j + 1
        elif 32 <= b <= 246:
            operands.append((i, i + 1, b - 139))
            i += 1
        elif 247 <= b <= 250:
            operands.append((i, i + 2, (b - 247) * 256 + data[i + 1] + 108))
            i += 2
        elif 251 <= b <= 254:
            operands.append((i, i + 2, -(b - 251) * 256 - data[i + 1] - 108))
            i += 2
        else:
            raise ValueError("reserved byte in CFF DICT")
    return out


def _shift_private(fd: bytes, cut: int, delta: int) -> bytes:
    """Move a Private DICT offset that lies past ``cut`` back by ``delta`` (only 5-byte integers are rewritten)."""
    out = bytearray(fd)
    for op, operands in _dict_entries(fd):
        if op == _PRIVATE and operands:
            start, end, value = operands[-1]
            if value is not None and value >= cut:
                if end - start != 5:
                    raise ValueError("Private offset not a 5-byte integer")
                out[start:end] = b"\x1d" + struct.pack(">i", value - delta)
    return bytes(out)


def compact_cff(cff: bytes) -> bytes:
    """The CFF table with unused (``endchar``-only) glyphs emptied; raises ValueError on anything unusual."""
    pos = cff[2]
    _, pos, _ = _index(cff, pos)                       # Name INDEX
    tops, pos, _ = _index(cff, pos)                    # Top DICT INDEX
    if len(tops) != 1:
        raise ValueError("not one font in the CFF")
    top = {op: operands for op, operands in _dict_entries(tops[0])}
    # Offsets are integer operands; the casts only state that.  A real there (value None) is malformed CFF and
    # fails with TypeError where it is used, exactly as without the casts (compact_font then keeps the font).
    cs_at = cast(int, top[_CHARSTRINGS][-1][2])
    new_cs, cs_end = _compact_charstrings(cff, cs_at)
    for op, operands in top.items():
        if op in _OFFSET_KEYS and op not in (_CHARSTRINGS, _PRIVATE) and cast(int, operands[-1][2]) >= cs_end:
            raise ValueError("a structure follows the CharStrings")
    delta = (cs_end - cs_at) - len(new_cs)
    if delta <= 0:
        return cff
    head = bytearray(cff[:cs_at])
    if _PRIVATE in top:                                # a name-keyed font: its Private DICT offset is in the Top DICT
        start = pos - len(tops[0])                     # the Top DICT INDEX ends with the one dict's data
        head[start:pos] = _shift_private(tops[0], cs_end, delta)
    if _FDARRAY in top:
        fd_at = cast(int, top[_FDARRAY][-1][2])
        fds, fd_end, _ = _index(cff, fd_at)
        rebuilt = _build_index([_shift_private(fd, cs_end, delta) for fd in fds])
        if len(rebuilt) != fd_end - fd_at:
            raise ValueError("FDArray changed size")
        head[fd_at:fd_end] = rebuilt
    return bytes(head) + new_cs + cff[cs_end:]


def compact_font(font: bytes) -> bytes:
    """An OpenType font with its CFF table compacted; the font unchanged if it has none or anything fails."""
    from fontTools.ttLib.sfnt import SFNTReader, SFNTWriter

    try:
        reader = SFNTReader(io.BytesIO(font))
        tags = list(reader.keys())
        if "CFF " not in tags:
            return font
        tables = {tag: reader[tag] for tag in tags}
        tables["CFF "] = compact_cff(tables["CFF "])
        out = io.BytesIO()
        writer = SFNTWriter(out, len(tags), reader.sfntVersion)
        for tag in sorted(tags):
            writer[tag] = tables[tag]
        writer.close()
        return out.getvalue()
    except Exception:  # a font we do not understand is embedded as WeasyPrint made it
        return font
