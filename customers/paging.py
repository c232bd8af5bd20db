"""Pages of a large customer list: keyset pages (customers/keyset.py) — each starts right after the last row of
the one before, so every page costs what the first does and any page can be reached (OFFSET pages cost more than
150 ms past the 5,000th match at a million customers and stopped there; docs/benchmarks.md) — and the count of
matches, which stops at a cap, so a million matches cost no more than ten thousand ("10,000+"). The page does
not wait for the count: it comes in a request of its own (the view `customer_match_count`)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from customers.keyset import Key, after, link_of, reversed_keys, values_of

COUNT_CAP = 10_000


class KeysetPage:
    """One page: its rows, where it starts in the list (1-based, as carried by its link), and the links to the
    next and the previous page ("" where there is none). `rows(reverse)` gives the matching rows in the list's
    order, or in the reverse order to walk back from a page."""

    def __init__(
        self, rows: Callable[[bool], QuerySet], keys: tuple[Key, ...], *, per_page: int, after_link: str = "",
        before_link: str = "", start: int = 1,
    ) -> None:  # fmt: skip
        self._rows, self.keys, self.per_page = rows, keys, per_page
        self.start = max(start, 1)
        going_back = values_of(before_link, keys) if before_link else None
        going_on = values_of(after_link, keys) if after_link and going_back is None else None
        if going_back is not None:
            found = list(rows(True).filter(after(reversed_keys(keys), going_back))[: per_page + 1])
            self.has_previous, self.has_next = len(found) > per_page, True
            self.object_list = found[:per_page][::-1]
            if not self.has_previous:
                self.start = 1
        else:
            query = rows(False) if going_on is None else rows(False).filter(after(keys, going_on))
            found = list(query[: per_page + 1])
            self.has_previous, self.has_next = going_on is not None, len(found) > per_page
            self.object_list = found[:per_page]
            if going_on is None:
                self.start = 1

    def __iter__(self):
        return iter(self.object_list)

    @property
    def end(self) -> int:
        return self.start + len(self.object_list) - 1

    @property
    def next_link(self) -> str:
        return link_of(self.object_list[-1], self.keys) if self.has_next and self.object_list else ""

    @property
    def previous_link(self) -> str:
        return link_of(self.object_list[0], self.keys) if self.has_previous and self.object_list else ""

    @property
    def previous_start(self) -> int:
        return max(self.start - self.per_page, 1)


class MatchCount:
    """How many rows `matching` holds, counted up to one past `cap` (COUNT over a LIMITed subquery)."""

    def __init__(self, matching: QuerySet, cap: int = COUNT_CAP) -> None:
        self.cap = cap
        self._counted = matching.order_by()[: cap + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def label(self) -> str:
        return f"{self.count:,}+" if self._counted > self.cap else f"{self.count:,}"
