"""Pages of search results counted up to a cap, so that no search counts a million songs."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` items.

    Beyond the cap, `count` is `cap`, `count_capped` is True and the pages end at the cap: the
    items come best first, so those are the ones worth showing, and counting every match of a
    one-word search would cost more than finding the page.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def count_capped(self) -> bool:
        return self._counted > self.cap
