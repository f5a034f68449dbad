"""The WeasyPrint renderer: one Jinja environment, one stylesheet and one font configuration for every 文书.

Fonts are found through fontconfig by the exact family names the stylesheet uses ("Noto Serif CJK
SC", "Noto Sans CJK SC", Debian ``fonts-noto-cjk``), so a missing font is a set-up error, not tofu.
WeasyPrint subsets embedded fonts with HarfBuzz when ``libharfbuzz-subset0`` is present and falls
back to fontTools otherwise, which takes seconds per CJK document; :func:`subsetter` says which one
this process will use, and :func:`render` refuses the slow path unless told otherwise.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from documents import amounts, font_subset
from documents.compact_cff import compact_font

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "document.css"
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
HARFBUZZ_SUBSET_MIN = (4, 1, 0)  # WeasyPrint needs hb_set_add_sorted_array (weasyprint/pdf/fonts.py)
#: laid-out 文书 a rendering process keeps for the 电子案卷 (:meth:`Renderer._layout`)
LAID_OUT = 64


class SlowFontSubsetting(RuntimeError):
    """HarfBuzz's subsetter is missing: WeasyPrint would spend seconds per document in fontTools."""


def subsetter() -> str:
    """``"harfbuzz"`` when WeasyPrint will subset fonts with libharfbuzz-subset, else ``"fonttools"``."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return "harfbuzz" if harfbuzz_subset and harfbuzz.hb_version_atleast(*HARFBUZZ_SUBSET_MIN) else "fonttools"


def _moment(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def cndate(value: Any) -> str:
    """``2026年3月2日`` in the time zone the moment was recorded in (payloads carry +08:00)."""
    d = _moment(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def cndatetime(value: Any) -> str:
    d = _moment(value)
    return f"{d.year}年{d.month}月{d.day}日{d.hour}时{d.minute:02d}分" if d else ""


def for_set(template: str, context: Mapping[str, Any]) -> str:
    """The template of the agency's official format set (``templates/<set>/<kind>.html``) where that set's 范本 lays
    the kind out otherwise, else the shared one (``agency.format_set`` in the context: culture or market)."""
    agency = context.get("agency")
    chosen = str(agency.get("format_set") or "") if isinstance(agency, Mapping) else ""
    return f"{chosen}/{template}" if chosen and (TEMPLATES / chosen / template).is_file() else template


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(yesno=lambda value: "是" if value else "否", cndate=cndate, cndatetime=cndatetime,
                       money=amounts.money, upper=amounts.upper)
    return env


def _install_font_compaction() -> None:
    """Compact each embedded CFF font after WeasyPrint subsets it (see :mod:`documents.compact_cff`).

    WeasyPrint has no hook for this, so ``Font.clean`` (weasyprint/pdf/fonts.py, pinned range in
    pyproject.toml) is wrapped once; if that method is ever gone, fonts are embedded as they were.
    """
    from weasyprint.pdf import fonts

    clean = getattr(fonts.Font, "clean", None)
    if clean is None or getattr(clean, "liuhen_compacts", False):
        return

    def clean_and_compact(self: Any, *args: Any, **kwargs: Any) -> None:
        clean(self, *args, **kwargs)
        self.file_content = compact_font(self.file_content)

    clean_and_compact.liuhen_compacts = True  # type: ignore[attr-defined]
    fonts.Font.clean = clean_and_compact


class Renderer:
    """Holds what every render shares; renders one at a time because WeasyPrint's font map is not thread-safe."""

    def __init__(self) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _install_font_compaction()
        font_subset.install()
        self.env = _environment()
        self.fonts = FontConfiguration()
        self.css = CSS(filename=str(STYLESHEET), font_config=self.fonts)
        self._lock = threading.Lock()
        self._laid_out: OrderedDict[bytes, Any] = OrderedDict()

    def html(self, template: str, context: Mapping[str, Any]) -> str:
        return self.env.get_template(for_set(template, context)).render(**context)

    def pdf(self, template: str, context: Mapping[str, Any], *, allow_slow: bool = False) -> bytes:
        if not allow_slow and subsetter() != "harfbuzz":
            raise SlowFontSubsetting("未找到 HarfBuzz 字体子集库（Debian 包 libharfbuzz-subset0），"
                                     "生成中文文书每份需数秒；请运行 make system-deps 安装")
        source = self.html(template, context)
        with self._lock:
            document = self._layout(source)
            pdf = cast(bytes, document.write_pdf(uncompressed_pdf=False))  # WeasyPrint is untyped
            document.fonts = {}  # the embedded fonts were for this PDF; a binding paints the pages afresh
            return pdf

    def pages(self, template: str, context: Mapping[str, Any]) -> Any:
        """The laid-out pages of one 文书 (a ``weasyprint.Document``), to be bound with others into one file."""
        source = self.html(template, context)
        with self._lock:
            return self._layout(source)

    def forget_layouts(self) -> None:
        """Drop the kept layouts (a benchmark times a 文书 as the worker first makes it)."""
        with self._lock:
            self._laid_out.clear()

    def _layout(self, source: str) -> Any:
        """``source`` laid out, or the layout this process made of the same HTML lately: the 电子案卷 binds the pages
        of the 文书 the worker has just sealed, and laying each out again was some 40 % of a case's rendering.  The
        same HTML with the same stylesheet and fonts lays out the same; :data:`LAID_OUT` of them are kept (≈ 0.4 MB
        each).  The caller holds the lock."""
        from weasyprint import HTML

        key = hashlib.sha256(source.encode()).digest()
        if key in self._laid_out:
            self._laid_out.move_to_end(key)
            return self._laid_out[key]
        document = HTML(string=source, base_url=str(TEMPLATES)).render(
            stylesheets=[self.css], font_config=self.fonts, uncompressed_pdf=False)
        self._laid_out[key] = document
        while len(self._laid_out) > LAID_OUT:
            self._laid_out.popitem(last=False)
        return document

    def bind(self, parts: list[Any], attachments: list[tuple[str, bytes, str]], *, variant: str = "pdf/a-3b") -> bytes:
        """One PDF of the pages of ``parts`` in order, with files attached (name, bytes, description): PDF/A-3
        allows embedded files, so the signed originals and the manifest travel inside the 电子案卷."""
        from weasyprint import Attachment

        files = [Attachment(string=data, name=name, description=about, relationship="Source")
                 for name, data, about in attachments]
        with self._lock:
            bound = parts[0].copy([page for part in parts for page in part.pages])
            # a PDF/A variant adds its sRGB profile to the document's profiles: to the copy's own, not the kept layout's
            bound.color_profiles = dict(bound.color_profiles)
            return cast(bytes, bound.write_pdf(pdf_variant=variant, attachments=files, uncompressed_pdf=False))


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> Renderer:
    """The process-wide renderer, made on first use (loading the stylesheet and fonts costs ~100 ms)."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = Renderer()
        return _renderer


def render(template: str, context: Mapping[str, Any], *, allow_slow: bool = False) -> bytes:
    return renderer().pdf(template, context, allow_slow=allow_slow)
