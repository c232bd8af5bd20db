"""Read an uploaded customer file (CSV in any common encoding and delimiter, or XLSX) as rows of text.

Line numbers are the file's physical line numbers (header = line 1 when it is the first line), so a
report can point at the exact line even when quoted fields hold newlines.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = ",;\t|"
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


def read_table(data: bytes, *, file_name: str = "", max_bytes: int | None = None) -> Table:
    if not data or not data.strip():
        raise ImportFileError("The file is empty.")
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportFileError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
    if data.startswith(XLSX_MAGIC) or file_name.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_table(data)
    if b"\x00" in data[:4096] or file_name.lower().endswith((".xls", ".pdf", ".doc", ".docx", ".zip")):
        raise ImportFileError(NOT_A_TABLE)
    return _csv_table(decode_text(data))


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


def _csv_table(text: str) -> Table:
    delimiter = sniff_delimiter(text)

    def records() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        last_line = 0
        for cells in reader:
            start_line, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start_line, [cell.strip() for cell in cells]

    return _table(records, "The file is empty.")


def _xlsx_table(data: bytes) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(BROKEN_WORKBOOK) from None
    sheet = workbook.worksheets[0]

    def records() -> Iterator[tuple[int, list[str]]]:
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(value) for value in values]
            if any(cells):
                yield line, cells

    return _table(records, "The first sheet of the workbook is empty.")


def _table(records, empty_message: str) -> Table:
    """The first non-blank record is the header; the rest are data rows (read again on each pass)."""
    first = next(records(), None)
    if first is None:
        raise ImportFileError(empty_message)

    def data_rows() -> Iterator[tuple[int, list[str]]]:
        rows = records()
        next(rows)
        yield from rows

    return Table(header=first[1], header_line=first[0], _rows=data_rows)


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person sees (2025550143.0 -> '2025550143')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()
