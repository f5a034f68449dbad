"""Sending a stored file to the browser, from whichever backend holds it."""
from __future__ import annotations

import io

from flask import abort, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wrappers import Response

from webapp import store


def send_stored(sha256: str, *, mimetype: str, download_name: str, as_attachment: bool = True,
                max_age: int | None = None) -> Response:
    """Stream a stored file with its length, ETag (the hash) and HTTP Range support.

    The store gives a seekable stream (a local file, or an S3 object read with ranged GETs), so a
    player seeking in a long recording fetches only the bytes it asks for, and memory stays bounded.
    """
    try:
        stream = store.current().open(sha256)
    except FileNotFoundError:
        abort(404)
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    rv = send_file(stream, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name,
                   conditional=False, etag=sha256, max_age=max_age)
    rv.content_length = size
    try:
        return rv.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    except RequestedRangeNotSatisfiable:
        stream.close()
        raise
