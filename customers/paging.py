"""Pages of a large customer list. Counting stops at a cap, so a million matches cost no more than
ten thousand; pages reach at most `PAGEABLE` rows deep (100 pages of 50), beyond which a person narrows
the criteria or exports — export and "add all to queue" always take the whole set. Deeper OFFSETs cost
more than 150 ms at a million customers (docs/benchmarks.md); keyset pages would lift this limit."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000
PAGEABLE = 5_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (then shows "10,000+"); pages reach the first `pageable` rows."""

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, pageable: int = PAGEABLE, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap, self.pageable = cap, pageable

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.cap + 1].count()  # COUNT over a LIMITed subquery
        self.is_capped = found > self.cap
        return min(found, self.cap)

    @cached_property
    def num_pages(self) -> int:
        pages = -(-min(self.count, self.pageable) // self.per_page)
        return max(pages, 1) if self.allow_empty_first_page else pages

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.count and getattr(self, "is_capped", False) else f"{self.count:,}"

    @property
    def is_truncated(self) -> bool:
        """More matches than the pages show."""
        return self.count > self.pageable
