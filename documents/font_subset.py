"""The embedded CJK fonts subset in one HarfBuzz pass where WeasyPrint makes two.

WeasyPrint (``Font._harfbuzz_subset``, weasyprint/pdf/fonts.py, pinned range in pyproject.toml) subsets each font of
each document twice: keeping the used glyph ids (``RETAIN_GIDS``), then again keeping ids ``0 … last used`` to drop
what follows the last one and, this time, the hints.  On a Noto CJK face the second pass walks some 60,000 empty
glyphs again: about 30 % of the processor time of a one-page 文书.  Here the first pass also drops the hints
(``NO_HINTING``, as the second would), and where its result already ends at the last used glyph (HarfBuzz ≥ 6 ends
a ``RETAIN_GIDS`` subset at the highest kept id) it *is* what the two passes give, so the second is skipped.  Where
the glyph closure kept a glyph beyond the last used one, the second pass runs as WeasyPrint runs it.

The bytes are those WeasyPrint makes: ``tests/documents/test_render.py`` compares both paths with WeasyPrint's own
subsetting.  (HarfBuzz's ``hb_subset_preprocess`` would save another ≈ 8 % by keeping each face's tables, but costs
≈ 460 MB per process for the four CJK faces: not done.)  An older HarfBuzz leaves WeasyPrint's method in place.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


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
    from weasyprint.text.ffi import harfbuzz

    original = getattr(fonts.Font, "_harfbuzz_subset", None)
    if original is None or getattr(original, "liuhen_once", False) or not harfbuzz.hb_version_atleast(6, 0, 0):
        return
    fonts.Font._harfbuzz_subset = subset_once(original)


def subset_once(original: Callable[..., None]) -> Callable[..., None]:
    """WeasyPrint's two-pass subsetting as one pass where that gives the same font."""

    def run(self: Any, to_unicode: Mapping[int, Any], hinting: bool) -> None:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
        from weasyprint.text.fonts import get_hb_object_data

        common = harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
        if not hinting:
            common |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
        if self.missing:
            common |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        last = max(to_unicode)
        face = _subset(self.hb_face, sorted(to_unicode), common | harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS)
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
