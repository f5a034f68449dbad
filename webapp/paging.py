"""Pages of a list (the ``page`` query argument), shared by the web pages and the JSON API."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request

PER_PAGE = 20
#: the largest row id the databases hold (PostgreSQL ``integer``); a larger number names no row
MAX_ID = 2**31 - 1


def id_value(value: Any) -> int | None:
    """A row id from a query argument or form: ASCII digits within :data:`MAX_ID`, else ``None`` (never an error
    from the database: ``int("²")`` fails, and 2⁶³ overflows PostgreSQL)."""
    text = str(value if value is not None else "")
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_ID:
        return None
    return int(text)


@dataclass
class Page:
    """A page of a list, with what the template needs to draw the pager and keep the filters."""

    items: Sequence[Any]
    page: int
    pages: int
    total: int

    def url_args(self, page: int) -> dict[str, Any]:
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return {**args, "page": page}


def page_number() -> int:
    return max(1, id_value(request.args.get("page", 1)) or 1)


def clamp(page: int, total: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    """The page to show (from 1, at most the last) and the number of pages; an empty list has one page."""
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


def paginate_list(items: Sequence[Any], per_page: int = PER_PAGE) -> Page:
    page, pages = clamp(page_number(), len(items), per_page)
    return Page(items[(page - 1) * per_page: page * per_page], page, pages, len(items))
