"""Pages of search results counted up to a cap, so that no search counts a million songs."""

from typing import Protocol

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property


class Ranked(Protocol):
    """Items in order that read a window of themselves and their count in one go (what
    `catalog.postings.RankedMatches` does), instead of a queryset."""

    def window(self, bottom: int, top: int) -> tuple[list, int]: ...

    def count(self) -> int: ...

    def __getitem__(self, index: slice) -> list: ...


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` items.

    Beyond the cap, `count` is `cap`, `count_capped` is True and the pages end at the cap: the
    items come best first, so those are the ones worth showing, and counting every match of a
    one-word search would cost more than finding the page.

    `fetch(number)` finds a page and the count in one query: ordering the matches reads them all
    anyway, so counting them too costs next to nothing, where a count of its own reads them again.
    """

    def __init__(self, object_list: QuerySet | Ranked, per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self._fetched: tuple[int, list] | None = None

    def fetch(self, number: int | str | None) -> None:
        """Fetch page `number` with the count, for `count` and `page(number)` to use; nothing
        for a number that is not a page within the cap (those take the usual queries)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            return
        bottom = (number - 1) * self.per_page
        if number < 1 or bottom >= self.cap or "_counted" in self.__dict__:
            return
        top = min(bottom + self.per_page, self.cap)
        if not isinstance(self.object_list, QuerySet):
            rows, counted = self.object_list.window(bottom, top)
            self.__dict__["_counted"] = counted
            if rows:
                self._fetched = (number, rows)
            return
        rows = list(self.object_list.annotate(matching=Window(Count("*")))[bottom:top])
        if rows:
            self.__dict__["_counted"] = rows[0].matching
            self._fetched = (number, rows)
        elif number == 1:
            self.__dict__["_counted"] = 0

    def page(self, number: int | str | None) -> Page:
        number = self.validate_number(number)
        if self._fetched and self._fetched[0] == number:
            return self._get_page(self._fetched[1], number, self)
        return super().page(number)

    @cached_property
    def _counted(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return self.object_list.count()
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def count_capped(self) -> bool:
        return self._counted > self.cap
