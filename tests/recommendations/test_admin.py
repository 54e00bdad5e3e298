"""The builds' admin pages as HTML: the list's columns, and a build's page as a report."""

import re

import pytest
from django.urls import reverse

from tests.recommendations.conftest import SPARK_FAILURE


def change_page(admin_client, build) -> str:
    return admin_client.get(reverse("admin:recommendations_build_change", args=[build.pk])).text


@pytest.mark.django_db
def test_the_list_shows_compact_figures_and_the_start_of_an_error(admin_client, report_builds):
    page = admin_client.get(reverse("admin:recommendations_build_changelist")).text

    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert headers == ["id", "status_column", "started", "took", "songs", "neighbours"]
    assert "2.26M" in page and "45.2M" in page
    assert "Complete <strong>· served</strong>" in page
    first_line = SPARK_FAILURE.splitlines()[0]
    assert f'title="{first_line}"' in page
    assert "ERROR Executor" not in page


@pytest.mark.django_db
def test_a_failed_builds_page_says_why_before_its_fields(admin_client, report_builds):
    page = change_page(admin_client, report_builds["failed"])

    failure = page.index('class="build-failure"')
    assert failure < page.index('class="form-row')
    assert "more than 5% of the lines are malformed" in page[failure : page.index("</pre>")]
    assert "No: only a complete build can be served." in page
    assert "The build the site serves." not in page


@pytest.mark.django_db
def test_a_complete_builds_page_shows_no_raw_json(admin_client, report_builds):
    page = change_page(admin_client, report_builds["complete"])

    assert 'class="build-failure"' not in page
    assert "Yes: the site serves this build." in page
    assert '{"' not in page and "&quot;lines_read&quot;" not in page
    assert '<th scope="row">not four quoted fields</th><td class="figure">1,200</td>' in page
    assert '<td class="figure">-0.050</td>' in page
