"""Files served with HTTP Range support (Django's FileResponse sends the whole file only), so a browser's
<audio> can seek without fetching the recording from the start."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import BinaryIO

from django.http import FileResponse, HttpRequest, HttpResponse

_SINGLE_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class RangeNotSatisfiableError(Exception):
    pass


def byte_range_parse(*, header: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a single `bytes=` range within a file of `size` bytes; None when the
    header is absent, malformed or asks for several ranges (the whole file is then sent, as RFC 9110 allows).
    Raises RangeNotSatisfiableError when the range lies wholly past the end."""
    match = _SINGLE_RANGE.match(header or "")
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # "-n": the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiableError
        return max(0, size - suffix), size - 1
    start = int(first)
    if last != "" and int(last) < start:
        return None  # invalid: ignored
    if start >= size:
        raise RangeNotSatisfiableError
    return start, size - 1 if last == "" else min(int(last), size - 1)


class _FileSlice:
    """`length` bytes of an open file from its current position, read the way FileResponse reads files."""

    def __init__(self, file: BinaryIO, length: int):
        self._file = file
        self._remaining = length

    def read(self, size: int = -1) -> bytes:
        wanted = self._remaining if size is None or size < 0 else min(size, self._remaining)
        data = self._file.read(wanted) if wanted else b""
        self._remaining -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


def ranged_file_response(
    *, request: HttpRequest, path: Path, content_type: str, filename: str, headers: dict[str, str] | None = None
) -> HttpResponse:
    """The file at `path`: 200 with all of it, 206 with the one range asked for (`Range: bytes=a-b`), or 416 when
    that range lies past the end. A conditional range (If-Range) gets the whole file: we send no validators."""
    file = path.open("rb")  # sized once open: a recording saved again meanwhile is replaced, not rewritten
    size = os.fstat(file.fileno()).st_size
    headers = {"Accept-Ranges": "bytes", **(headers or {})}
    range_header = "" if "If-Range" in request.headers else request.headers.get("Range", "")
    try:
        wanted = byte_range_parse(header=range_header, size=size)
    except RangeNotSatisfiableError:
        file.close()
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if wanted is None:
        return FileResponse(file, content_type=content_type, filename=filename, headers=headers)
    first, last = wanted
    file.seek(first)
    response = FileResponse(
        _FileSlice(file, last - first + 1), content_type=content_type, filename=filename, headers=headers
    )
    response.status_code = 206
    response["Content-Length"] = str(last - first + 1)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response
