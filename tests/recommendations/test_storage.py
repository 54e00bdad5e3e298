"""Where each build's rows live: a build's partition goes with it, never the active one's."""

import pytest

from recommendations import services
from recommendations.models import Build, Neighbour
from tests.recommendations.conftest import complete_build, partition_exists, served_titles, song

pytestmark = pytest.mark.usefixtures("build_settings")


@pytest.mark.django_db(transaction=True)
def test_builds_beyond_the_newest_few_are_dropped_but_never_the_active_one() -> None:
    seed = song("Seed")
    oldest = complete_build(seed, ["A"], active=True)
    second = complete_build(seed, ["B"])
    third = complete_build(seed, ["C"])
    newest = complete_build(seed, ["D"])

    removed = services.build_remove_old(keep=2)

    assert removed == [second.pk]
    assert not partition_exists(second.pk)
    assert all(partition_exists(b.pk) for b in (oldest, third, newest))
    assert served_titles(seed) == ["A"]
    assert Build.objects.get(pk=second.pk).neighbour_count is None
    assert not Neighbour.objects.filter(build=second).exists()
