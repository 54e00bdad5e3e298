"""The builds' admin pages in Chromium: the change list fits a laptop's screen, and a build's
page reads as a report, a failed build's reason first."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.browser import DESKTOP_WIDTH, logged_in_page, screenshot


@pytest.fixture
def admin_page(report_builds, browser, live_server) -> Page:
    """A page of a browser logged in as a superuser, 1280 px wide."""
    root = User.objects.create_superuser("root", "root@example.com", "x")
    return logged_in_page(browser, live_server, root, DESKTOP_WIDTH, height=900)


@pytest.mark.django_db(transaction=True)
def test_the_build_list_fits_1280_px(admin_page: Page):
    admin_page.goto("/admin/recommendations/build/")
    screenshot(admin_page, "admin-builds")

    table = admin_page.locator("#result_list")
    expect(table.locator("tbody tr")).to_have_count(3)
    widths = table.evaluate("table => [table.scrollWidth, table.parentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= DESKTOP_WIDTH


@pytest.mark.django_db(transaction=True)
def test_a_failed_builds_page_says_why_before_anything_else(admin_page: Page, report_builds):
    admin_page.goto(f"/admin/recommendations/build/{report_builds['failed'].pk}/change/")
    screenshot(admin_page, "admin-build-failed")

    failure = admin_page.locator(".build-failure")
    expect(failure).to_contain_text("more than 5% of the lines are malformed")
    expect(failure).to_be_in_viewport()
    first_field = admin_page.locator("#build_form .form-row").first
    assert failure.bounding_box()["y"] < first_field.bounding_box()["y"]
    expect(admin_page.get_by_text("The build the site serves.")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_a_complete_builds_page_is_a_report(admin_page: Page, report_builds):
    admin_page.goto(f"/admin/recommendations/build/{report_builds['complete'].pk}/change/")
    screenshot(admin_page, "admin-build-complete")

    report = admin_page.locator(".build-report")
    expect(report.get_by_role("row", name="Lines read 12,903,421 data lines")).to_be_visible()
    expect(report.get_by_role("row", name="Recall@10 0.900 0.950 -0.050")).to_be_visible()
    expect(report.get_by_role("row", name="not four quoted fields 1,200")).to_be_visible()
    expect(report.get_by_role("row", name="neighbours 301.8 s")).to_be_visible()
    axis = report.locator("svg.histogram .axis-x text")
    expect(axis).to_have_text(["0", "0.2", "0.4", "0.6", "0.8", "1.0", "Similarity"])
    expect(report.locator("svg.histogram .axis-y text").first).to_be_visible()
    expect(admin_page.locator(".build-failure")).to_have_count(0)
    expect(admin_page.get_by_text("-0.0499999")).to_have_count(0)
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= DESKTOP_WIDTH
