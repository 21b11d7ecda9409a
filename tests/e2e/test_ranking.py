"""The chair ranks a small committee in the browser and downloads the decision pack."""

import pytest
from openpyxl import load_workbook

from reviewapp.extensions import db
from tests import factories
from tests.e2e.actions import login

pytestmark = pytest.mark.e2e


def test_chair_changes_method_and_downloads_workbook(live_app, page, tmp_path):
    with live_app.app_context():
        factories.create_ranked_committee()
        db.session.remove()
    login(page, "chair@uni.example")
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


def test_export_job_page_polls_until_the_download_appears(live_app, page, tmp_path):
    from reviewapp.exports import jobs, operations

    with live_app.app_context():
        committee = factories.create_ranked_committee()
        position = committee["position"]
        job = operations.request_export(
            position,
            position.default_stage,
            actor=committee["chair"],
            method="mean",
            weights={"Research": 0.0, "Teaching": 1.0},
        )
        db.session.commit()
        job_id = job.id
        db.session.remove()
    login(page, "chair@uni.example")
    page.goto(f"/p/physics-2027/exports/{job_id}")
    assert page.locator("#export-status").inner_text() == "queued"
    assert page.locator("#export-download").is_hidden()

    jobs.run_export_job(live_app, job_id)  # what the worker does
    link = page.get_by_role("link", name="Download physics-2027-screening-mean.xlsx")
    link.wait_for(state="visible", timeout=10_000)
    assert page.locator("#export-status").inner_text() == "done"
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "pack.xlsx"
    info.value.save_as(path)
    wb = load_workbook(path)
    assert [c.value for c in wb["Ranking"]["C"]][1:] == [100.0, 75.0, 50.0, None]
    about = {row[0].value: row[1].value for row in wb["About"].iter_rows() if row[0].value}
    assert about["Weights used"] == (
        "What-if weights, not saved in the rubric: Research: 0; Teaching: 1"
    )


def test_ranking_page_polls_until_the_rank_intervals_are_ready(live_app, page, monkeypatch):
    from reviewapp.ranking import intervals

    queued: list[int] = []
    monkeypatch.setitem(live_app.config, "RANKING_INLINE_CANDIDATES", 0)  # the job path
    monkeypatch.setattr(intervals, "enqueue", lambda app, interval_id: queued.append(interval_id))
    with live_app.app_context():
        factories.create_ranked_committee()
        db.session.remove()
    login(page, "chair@uni.example")
    page.goto("/p/physics-2027/ranking")
    progress = page.locator("#interval-progress")
    assert "Computing intervals…" in progress.inner_text()
    first_row = page.locator("#ranking-table tbody tr").first
    assert first_row.locator("td").nth(1).inner_text() == "Ann Ito"
    assert first_row.locator("td").nth(10).inner_text().split() == ["…", "computing"]

    intervals.run_interval_job(live_app, queued[0])  # what the worker does
    progress.wait_for(state="detached", timeout=15_000)  # the page reloaded itself
    assert first_row.locator("td").nth(10).inner_text().strip() == "1–2"
    assert first_row.locator("td").nth(11).inner_text() == "100%"
    assert len(queued) == 1
