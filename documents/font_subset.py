"""The embedded CJK fonts subset in one HarfBuzz pass from a face prepared once per process, not two from scratch.

WeasyPrint (``Font._harfbuzz_subset``, weasyprint/pdf/fonts.py, pinned range in pyproject.toml) subsets each font of
each document twice: keeping the used glyph ids (``RETAIN_GIDS``), then again keeping ids ``0 … last used`` to drop
what follows the last one and, this time, the hints.  On a Noto CJK face the first pass builds HarfBuzz's tables of
the whole 65,535-glyph font every time and the second walks some 60,000 empty glyphs again: about 45 % of the
processor time of a one-page 文书.  Here:

* the face is prepared once per process with ``hb_subset_preprocess`` (HarfBuzz ≥ 6), which keeps those tables;
* the first pass also drops the hints (``NO_HINTING``, as the second would) — and where the result already ends
  at the last used glyph (HarfBuzz ≥ 6 ends a ``RETAIN_GIDS`` subset at the highest kept id) it *is* what the two
  passes give, so the second is skipped.  Where the glyph closure kept a glyph beyond the last used one, the
  second pass runs as WeasyPrint runs it.

The bytes are those WeasyPrint makes: ``tests/documents/test_render.py`` compares every kind, and the fallback
cases, with WeasyPrint's own subsetting.  Anything missing (an older HarfBuzz, a changed WeasyPrint) leaves
WeasyPrint's method in place.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

#: the prepared faces kept per process (a 文书 uses two; reports and the 电子案卷 the same ones)
PREPARED_FACES = 8
_DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


class _Prepared:
    """Faces prepared with ``hb_subset_preprocess``, by the address of WeasyPrint's face.

    Each entry holds a reference to the face it was made from, so that face is never freed while cached and its
    address cannot be reused by another font."""

    def __init__(self, ffi: Any) -> None:
        import cffi

        self.ffi = ffi
        self.own = cffi.FFI()
        self.own.cdef("typedef struct hb_face_t hb_face_t;"
                      "hb_face_t *hb_subset_preprocess (hb_face_t *source);"
                      "hb_face_t *hb_face_reference (hb_face_t *face);"
                      "void hb_face_destroy (hb_face_t *face);")
        self.lib = self.own.dlopen("libharfbuzz-subset.so.0")
        self.faces: OrderedDict[int, tuple[Any, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, face: Any) -> Any:
        key = int(self.ffi.cast("uintptr_t", face))
        with self.lock:
            if key not in self.faces:
                held = self.lib.hb_face_reference(self.own.cast("hb_face_t *", key))
                self.faces[key] = (held, self.lib.hb_subset_preprocess(held))
                while len(self.faces) > PREPARED_FACES:
                    for old in self.faces.popitem(last=False)[1]:
                        self.lib.hb_face_destroy(old)
            self.faces.move_to_end(key)
            return self.ffi.cast("hb_face_t *", int(self.own.cast("uintptr_t", self.faces[key][1])))


def _subset(face: Any, glyphs: Any, flags: int) -> Any:
    """One ``hb_subset_or_fail`` of ``face`` keeping ``glyphs`` (sorted ids), with WeasyPrint's flags and dropped
    tables; the new face (freed with its Python object) or NULL."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    hb_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    ids = ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)
    harfbuzz.hb_set_add_sorted_array(harfbuzz_subset.hb_subset_input_glyph_set(hb_input), ids, len(glyphs))
    harfbuzz_subset.hb_subset_input_set_flags(hb_input, flags)
    tags = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in _DROP_TABLES)
    dropped = ffi.new(f"hb_codepoint_t[{len(tags)}]", tags)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_set(hb_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG), dropped, len(tags))
    return ffi.gc(harfbuzz_subset.hb_subset_or_fail(face, hb_input), harfbuzz.hb_face_destroy)


def install() -> None:
    """Replace ``Font._harfbuzz_subset`` with :func:`subset_once` (once per process; no-op where it cannot)."""
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import ffi, harfbuzz

    original = getattr(fonts.Font, "_harfbuzz_subset", None)
    if original is None or getattr(original, "liuhen_once", False) or not harfbuzz.hb_version_atleast(6, 0, 0):
        return
    try:
        prepared = _Prepared(ffi)
    except (OSError, AttributeError):  # no libharfbuzz-subset, or no hb_subset_preprocess in it
        return
    fonts.Font._harfbuzz_subset = subset_once(original, prepared)


def subset_once(original: Callable[..., None], prepared: Callable[[Any], Any]) -> Callable[..., None]:
    """WeasyPrint's two-pass subsetting as one pass from the prepared face where that gives the same font."""

    def run(self: Any, to_unicode: Mapping[int, Any], hinting: bool) -> None:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
        from weasyprint.text.fonts import get_hb_object_data

        common = harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
        if not hinting:
            common |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
        if self.missing:
            common |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        last = max(to_unicode)
        face = _subset(prepared(self.hb_face), sorted(to_unicode), common | harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS)
        if face and harfbuzz.hb_face_get_glyph_count(face) != last + 1:  # the closure kept glyphs past the last
            face = _subset(face, list(range(last + 1)), common)
        data = get_hb_object_data(face) if face else None
        if not data:
            original(self, to_unicode, hinting)  # WeasyPrint's own passes (and its warning if they fail too)
            return
        self.file_content = data

    run.liuhen_once = True  # type: ignore[attr-defined]
    run.weasyprint = original  # type: ignore[attr-defined]  # the tests compare the two
    return run
