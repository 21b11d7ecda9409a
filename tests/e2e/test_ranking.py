"""The chair ranks a small committee in the browser and downloads the decision pack."""

import pytest
from openpyxl import load_workbook

from reviewapp.extensions import db
from tests import factories

pytestmark = pytest.mark.e2e


def test_chair_changes_method_and_downloads_workbook(live_app, page, tmp_path):
    with live_app.app_context():
        factories.create_ranked_committee()
        db.session.remove()
    page.goto("/login")
    page.get_by_label("Email").fill("chair@uni.example")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    page.goto("/p/physics-2027/ranking")
    assert page.get_by_role("heading", name="Ranking · Screening").is_visible()
    first_row = page.locator("#ranking-table tbody tr").first
    assert first_row.locator("td").nth(1).inner_text() == "Ann Ito"
    assert page.locator("#score-chart").get_attribute("width") is not None
    assert page.get_by_text("Cy Chen").count() == 0

    page.get_by_label("Method").select_option("median")
    page.get_by_role("button", name="Show ranking").click()
    page.wait_for_url("**method=median**")
    assert page.get_by_text("Score is the median of the candidate").is_visible()

    with page.expect_download() as info:
        page.get_by_role("button", name="Download Excel (.xlsx)").click()
    download = info.value
    assert download.suggested_filename == "physics-2027-screening-median.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Ranking", "Candidates", "Reviews", "Reviewers", "Criteria", "About"]
    headers = [c.value for c in next(wb["Ranking"].iter_rows(max_row=1))]
    assert headers[:12] == ["Rank", "Candidate", "Score", "Mean", "Median", "Z-calibrated",
                            "Adjusted", "Reviews", "Std", "Flags", "Rank 90% interval",
                            "P(top K)"]  # fmt: skip
    assert [c.value for c in wb["Ranking"]["B"]][1:] == [
        "Ann Ito",
        '=HYPERLINK("http://evil.example","x")',
        "Bo Berg",
        "Dee Dunn",
    ]
    assert round(wb["Ranking"]["C2"].value, 3) == 83.333
    assert wb["About"]["B3"].value == "median"
