"""Which file of a diagram version defines a process (a version may hold several, e.g. a called 送达 process)."""
from __future__ import annotations

import re
from collections.abc import Mapping


def defines(xml: str, process_id: str) -> bool:
    return re.search(r"<(?:\w+:)?process\b[^>]*\bid=\"" + re.escape(process_id) + "\"", xml) is not None


def process_file(sources: Mapping[str, str], process_id: str) -> tuple[str, str]:
    """The (file name, XML) that defines ``process_id``; the first file if none names it."""
    for name, xml in sources.items():
        if defines(xml, process_id):
            return name, xml
    name = next(iter(sources))
    return name, sources[name]
