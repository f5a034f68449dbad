"""Articles cited by their regulation's real title, for one agency: its own regulation and national law only.

Rules, diagrams and record kinds name an article in a short code form (``fushun-culture 第七条``,
``行政处罚法 第六十条``); people read ``《抚顺县文化市场综合执法全过程记录实施办法》第七条`` and
``《中华人民共和国行政处罚法》第六十条``.  Another county's article does not bind this agency and is
left out, so a Fushun officer is never shown what Lishui's regulation says.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from handlers.law.schema import departmental_titles, national_titles

# codes: a profile's, a law's or a State Council regulation's (…的规定) short name, or a State Council document's number; articles: 第N条…, or a document's
# part and item (三（八）)
_CODE = r"(?:[a-z0-9][a-z0-9-]*|[\u4e00-\u9fff]+(?:法|规定)|国办发〔\d{4}〕\d+号)"
_REF = re.compile(rf"^(?P<code>{_CODE})\s*(?P<article>第.+|[一二三四五六七八九十]+（[一二三四五六七八九十]+）.*)$")
#: what a left-out citation leaves behind: empty brackets, doubled or dangling separators
_TIDY = ((re.compile(r"[，、；]\s*(?=[，、；）])"), ""), (re.compile(r"（\s*[，、；：]\s*"), "（"),
         (re.compile(r"（\s*）"), ""))
#: between references: ``；``, or ``、`` when a new regulation's code follows (``a 第一条、b 第二条``)
_SPLIT = re.compile(rf"[；;]\s*|、(?=\s*{_CODE}\s*第)")


@dataclass(frozen=True)
class Citer:
    """Turns code-form references into citations by real title, for the agency whose regulation is ``own``."""

    own_code: str = ""
    own_title: str = ""
    national: Mapping[str, str] = field(default_factory=dict)

    def one(self, ref: str) -> str | None:
        """The citation, or ``None`` when ``ref`` is another regulation's article."""
        ref = ref.strip()
        m = _REF.match(ref)
        if m is None:
            return ref or None
        code, article = m["code"], m["article"].strip()
        if code == self.own_code and self.own_title:
            return f"《{self.own_title}》{article}"
        if code in self.national:
            return f"《{self.national[code]}》{article}"
        return None

    def all(self, refs: Iterable[str]) -> tuple[str, ...]:
        """Every reference that binds the agency, by real title, each once (``；``-joined lists split)."""
        out = (self.one(part) for ref in refs for part in _SPLIT.split(ref or "") if part.strip())
        return tuple(dict.fromkeys(c for c in out if c))

    def text(self, refs: Iterable[str]) -> str:
        return "；".join(self.all(refs))

    def prose(self, sentence: str) -> str:
        """A sentence (a field's help, a validation message) with each code-form article in it cited by real title,
        another county's left out with what separated it (``（fushun-culture 第二十三条，lishui-city 第十八条（四））``
        becomes ``（《抚顺县…》第二十三条）`` for Fushun); a department's 规章 the agency does not apply is left out too."""
        known = (*self.national, *(k for k in departmental_titles() if k not in self.national))
        out = _in_text(known).sub(lambda m: self.one(m[0]) or "", sentence)
        for pattern, repl in _TIDY:
            out = pattern.sub(repl, out)
        return out


def for_agency(code: str, regulation: str, departments: Iterable[str] = ()) -> Citer:
    """The citer of the agency whose profile is ``code`` with the regulation titled ``regulation``, applying the
    departments' 规章 named ``departments`` (its profile's ``department_rules``): another department's 规章 is left
    out as another county's regulation is (a culture agency never cites the market supervision procedure)."""
    own = set(departments)
    return Citer(code, regulation, {**national_titles(),
                                    **{k: v for k, v in departmental_titles().items() if k in own}})


@cache
def _in_text(laws: tuple[str, ...]) -> re.Pattern[str]:
    """A code-form article inside a sentence: a profile's code or one of ``laws``' short names, then 第N条 (款, 项)."""
    codes = "|".join(["[a-z]+-[a-z]+", *(re.escape(law) for law in sorted(laws, key=len, reverse=True))])
    return re.compile(rf"(?:{codes})\s+第[一二三四五六七八九十百]+条(?:第[一二三四五六七八九十]+款)?(?:（[一二三四五六七八九十]+）)?")
