"""Pages of a large customer list: counting stops at a cap, so a million matches cost no more than ten thousand."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (then shows "10,000+"); pages up to the cap are reachable."""

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.cap + 1].count()  # COUNT over a LIMITed subquery
        self.is_capped = found > self.cap
        return min(found, self.cap)

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.count and getattr(self, "is_capped", False) else f"{self.count:,}"
