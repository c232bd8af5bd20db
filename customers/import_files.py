"""Read an uploaded customer file (CSV in any common encoding and delimiter, or XLSX) as rows of text.

Line numbers are the file's physical line numbers (header = line 1 when it is the first line), so a
report can point at the exact line even when quoted fields hold newlines.

Any file is read in bounded time and memory: at most MAX_COLUMNS columns (a data row is cut to the
header's width), at most `max_rows` data rows, and a workbook that unpacks to far more than the upload
limit is refused before it is parsed. A workbook's declared size (its "dimension", which some programs
write as the whole sheet, A1:XFD1048576) is ignored: only the cells really in the file are read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = ",;\t|"
MAX_COLUMNS = 500
MAX_HEADER_CHARS = 200  # a column name longer than this is cut (it is only shown and matched)
UNPACKED_FACTOR = 4  # a workbook may unpack to this many times the upload limit
TOO_MANY_COLUMNS = (
    f"The file has more than {MAX_COLUMNS} columns; keep the customer columns (name, phone …) and try again."
)
NOT_A_TABLE = "This is not a CSV or XLSX file. Save the list as CSV or Excel (.xlsx) and try again."
BROKEN_WORKBOOK = "This file looks like Excel but cannot be opened; save it again as .xlsx or CSV."


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, for the person who uploaded it."""


@dataclass
class Table:
    header: list[str]
    header_line: int
    _rows: Callable[[], Iterator[tuple[int, list[str]]]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(physical line, cells) of every non-blank data row after the header."""
        return self._rows()

    def count_rows(self) -> int:
        return sum(1 for _ in self.rows())


def read_table(data: bytes, *, file_name: str = "", max_bytes: int | None = None, max_rows: int | None = None) -> Table:
    """The file's table. `max_rows` data rows at most: reading past it raises ImportFileError."""
    if not data or not data.strip():
        raise ImportFileError("The file is empty.")
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportFileError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
    if data.startswith(XLSX_MAGIC) or file_name.lower().endswith((".xlsx", ".xlsm")):
        if max_bytes is not None:
            _check_unpacked_size(data, max_bytes * UNPACKED_FACTOR)
        return _xlsx_table(data, max_rows)
    if b"\x00" in data[:4096] or file_name.lower().endswith((".xls", ".pdf", ".doc", ".docx", ".zip")):
        raise ImportFileError(NOT_A_TABLE)
    return _csv_table(decode_text(data), max_rows)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1 (which never fails)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","


def _csv_table(text: str, max_rows: int | None) -> Table:
    delimiter = sniff_delimiter(text)
    if csv.field_size_limit() < len(text):  # no cell is longer than the file: its length is checked per row
        csv.field_size_limit(len(text))

    def records(width: int | None = None) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        last_line = 0
        for cells in reader:
            start_line, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start_line, [cell.strip() for cell in (cells[:width] if width else cells)]

    return _table(records, "The file is empty.", max_rows)


def _xlsx_table(data: bytes, max_rows: int | None) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(BROKEN_WORKBOOK) from None
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # the declared dimension may claim the whole sheet: read the real cells only

    def header_check(line: int) -> None:
        """The header row read whole (up to its last real cell, at most the 16,384 columns of a sheet)."""
        for values in sheet.iter_rows(min_row=line, max_row=line, values_only=True):
            used = [index for index, value in enumerate(values) if cell_text(value)]
            if used and used[-1] >= MAX_COLUMNS:
                raise ImportFileError(TOO_MANY_COLUMNS)

    def records(width: int | None = None) -> Iterator[tuple[int, list[str]]]:
        # max_col bounds every row (openpyxl otherwise pads a row to its last cell, however far right)
        rows = sheet.iter_rows(max_col=width or MAX_COLUMNS + 1, values_only=True)
        for line, values in enumerate(rows, start=1):
            if any(value is not None for value in values):
                cells = [cell_text(value) for value in values]
                if any(cells):
                    yield line, cells

    return _table(records, "The first sheet of the workbook is empty.", max_rows, header_check)


def _table(records, empty_message: str, max_rows: int | None, header_check=None) -> Table:
    """The first non-blank record is the header; the rest are data rows (read again on each pass), no wider
    than the header (a cell beyond it has no column name, so nothing can be imported from it)."""
    first = next(records(), None)
    if first is None:
        raise ImportFileError(empty_message)
    header_line, header = first
    if header_check:
        header_check(header_line)
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(TOO_MANY_COLUMNS)
    header = [name.replace("\x00", "")[:MAX_HEADER_CHARS] for name in header]

    def data_rows() -> Iterator[tuple[int, list[str]]]:
        rows = records(len(header))
        next(rows)
        for count, (line, cells) in enumerate(rows, start=1):
            if max_rows is not None and count > max_rows:
                raise ImportFileError(
                    f"The file has more than {max_rows:,} rows; split it into smaller files and import each."
                )
            yield line, cells

    return Table(header=header, header_line=header_line, _rows=data_rows)


def _check_unpacked_size(data: bytes, limit: int) -> None:
    """A workbook is a zip: refuse one that would unpack to an absurd size before parsing any of it."""
    try:
        unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError):
        raise ImportFileError(BROKEN_WORKBOOK) from None
    if unpacked > limit:
        raise ImportFileError(
            f"The workbook unpacks to {unpacked / 1e6:.0f} MB; the limit is {limit / 1e6:.0f} MB. "
            "Save it as CSV and upload that."
        )


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person sees (2025550143.0 -> '2025550143')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()
