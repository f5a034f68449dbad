"""Pages of a list, shared by the web pages and the JSON API.

Long lists (the inbox, the approvals queue, the case list, ``GET /api/tasks``) are paged by key: a page starts
after (or ends before) a row named by its id (``?after=`` / ``?before=``), found through the list's ordering index,
so the 50th page costs what the first does and rows inserted between two requests are neither repeated nor
skipped.  ``?page=`` then only labels the page; without a key it still picks a page by position (old links).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import request
from sqlalchemy import ColumnElement, Select, literal, tuple_
from sqlalchemy.orm import QueryableAttribute

#: a list's query, of any columns
Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])
#: a column of a list's order: a mapped attribute or an expression
OrderBy = ColumnElement[Any] | QueryableAttribute[Any]

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
    #: a list paged by key: the row id the previous page ends before, and the one the next page starts after
    before_id: int | None = None
    after_id: int | None = None
    keyset: bool = False

    def url_args(self, page: int) -> dict[str, Any]:
        args = {k: v for k, v in request.args.items() if k not in ("page", "after", "before") and v}
        return {**args, "page": page}

    def previous_args(self) -> dict[str, Any]:
        return {**self.url_args(max(1, self.page - 1)), "before": self.before_id}

    def next_args(self) -> dict[str, Any]:
        return {**self.url_args(self.page + 1), "after": self.after_id}


@dataclass(frozen=True)
class Key:
    """Where a keyset page starts: after or before the row with this id (``None``: the first page)."""

    after: int | None = None
    before: int | None = None

    @property
    def given(self) -> bool:
        return self.after is not None or self.before is not None


def key_from(args: Any) -> Key:
    after = id_value(args.get("after"))
    return Key(after, None if after is not None else id_value(args.get("before")))


def keyset(query: Q, order: Sequence[OrderBy], at: Sequence[Any] | None, key: Key,
           limit: int, descending: bool = False) -> Q:
    """``query`` narrowed to the rows after (or before) the sort key ``at`` in ``order`` (one direction, the last
    column unique), ordered, one row more than ``limit`` (to tell whether there is more): :func:`keyset_rows`."""
    backward = key.before is not None
    downward = descending != backward
    if at is not None:
        row, mark = tuple_(*order), tuple_(*[literal(v, c.type) for v, c in zip(at, order, strict=True)])
        query = query.where(row < mark if downward else row > mark)
    return query.order_by(*[c.desc() if downward else c for c in order]).limit(limit + 1)


def keyset_rows(rows: Sequence[Any], key: Key, limit: int) -> tuple[list[Any], bool, bool]:
    """The page's rows in list order, whether a page comes before them, and whether one comes after."""
    more = len(rows) > limit
    shown = list(rows[:limit])
    if key.before is not None:
        return shown[::-1], more, True
    return shown, key.after is not None, more


def page_label(total: int, per_page: int = PER_PAGE) -> int:
    """The number a keyset page shows (carried in ``?page=`` beside the key), within the list's pages."""
    return clamp(page_number(), total, per_page)[0]


def page_number() -> int:
    return max(1, id_value(request.args.get("page", 1)) or 1)


def clamp(page: int, total: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    """The page to show (from 1, at most the last) and the number of pages; an empty list has one page."""
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


def paginate_list(items: Sequence[Any], per_page: int = PER_PAGE) -> Page:
    page, pages = clamp(page_number(), len(items), per_page)
    return Page(items[(page - 1) * per_page: page * per_page], page, pages, len(items))
