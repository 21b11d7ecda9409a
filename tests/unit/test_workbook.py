"""The decision-pack workbook, read back with openpyxl and pandas."""

import io
import math
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reviewapp.exports import DecisionPack, build_workbook
from reviewapp.exports.safe import clean_text
from reviewapp.ranking import (
    METHOD_DESCRIPTIONS,
    criterion_agreement,
    rank_candidates,
    review_table,
    reviewer_stats,
)

pytestmark = pytest.mark.unit

CRITERIA = pd.DataFrame(
    {
        "criterion_id": [1, 2],
        "rubric_id": [1, 1],
        "name": ["Research", "Teaching"],
        "weight": [2.0, 1.0],
        "scale_min": [1, 0],
        "scale_max": [5, 10],
        "position": [1, 2],
        "description": ["Publications and plans", "Evidence of teaching"],
    }
)
CANDIDATES = pd.DataFrame({"candidate_id": [1, 2, 3], "name": ["Ann Ito", "Bo Berg", "Cy Chen"]})
REVIEWERS = {21: ("Dana Whitfield", "dana@uni.example"), 7: ("Olu Mensah", "olu@uni.example")}
# (review_id, candidate, reviewer, Research 1–5, Teaching 0–10, recommendation, comment)
ROWS = [
    (1, 1, 7, 5, 10, "strong_yes", "Excellent."),
    (2, 1, 21, 4, 5, "yes", "Solid; agree with Olu Mensah."),
    (3, 2, 7, 1, 0, "no", "Weak fit, see dana@uni.example"),
    (4, 2, 21, 5, 10, "strong_yes", "Outstanding"),
]


def make_pack(names=None, comments=None, **options) -> DecisionPack:
    """Ann: T = 100 and 100·(2·0.75 + 0.5)/3 = 66.667 → mean 83.333; Bo: 0 and 100 → 50 (std 50,
    disagreement); Cy: no review."""
    candidates = CANDIDATES.assign(name=names) if names is not None else CANDIDATES
    reviews = pd.DataFrame(
        {
            "review_id": [r[0] for r in ROWS],
            "candidate_id": [r[1] for r in ROWS],
            "reviewer_id": [r[2] for r in ROWS],
            "rubric_id": 1,
            "status": "submitted",
            "recommendation": [r[5] for r in ROWS],
            "confidence": [3, 2, 1, 3],
        }
    )
    scores = pd.DataFrame(
        {
            "review_id": [r[0] for r in ROWS for _ in (1, 2)],
            "criterion_id": [1, 2] * len(ROWS),
            "value": [v for r in ROWS for v in (r[3], r[4])],
        }
    )
    ranking = rank_candidates(
        candidates, reviews, scores, CRITERIA, bootstrap=0, reviews_per_candidate=2
    )
    detail = review_table(reviews, scores, CRITERIA)
    detail["candidate"] = detail["candidate_id"].map(candidates.set_index("candidate_id")["name"])
    detail["reviewer"] = detail["reviewer_id"].map(lambda i: REVIEWERS[i][0])
    detail["reviewer_email"] = detail["reviewer_id"].map(lambda i: REVIEWERS[i][1])
    detail["stage"] = "Long list"
    detail["comment"] = comments if comments is not None else [r[6] for r in ROWS]
    detail["submitted_at"] = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    detail["rubric_version"] = 1
    detail["private_note"] = ["note A", "note B", "note C", "note D"]
    stats = reviewer_stats(reviews, scores, CRITERIA)
    stats["reviewer"] = stats["reviewer_id"].map(lambda i: REVIEWERS[i][0])
    stats["email"] = stats["reviewer_id"].map(lambda i: REVIEWERS[i][1])
    profile = candidates.assign(
        emails=[["ann@ito.example", "a.ito@x.example"], [], ["cy@chen.example"]],
        phone=["+44 20 7946 0000", "", None],
        highest_degree=["PhD", "MSc", None],
        institution=["Uni A", "Uni B", None],
        degree_year=[2015, None, 2020],
        current_position=["Lecturer", "", None],
        publications=[12, 3, None],
        documents=[2, 1, 1],
        imported_at=datetime(2026, 2, 1, 9, 0, tzinfo=UTC),
        attributes=[{"Area": "Optics", "Referee": "Olu Mensah"}, {"Area": "=cmd"}, {}],
    )
    defaults = dict(
        position_title="Lecturer in Physics",
        stage="Long list",
        method="mean",
        method_description=METHOD_DESCRIPTIONS["mean"],
        ranking=ranking,
        criteria=criterion_agreement(reviews, scores, CRITERIA),
        candidates=profile,
        reviews=detail,
        reviewers=stats,
        generated_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        generated_by="Chair Person",
        counts={"Candidates": 3, "Submitted reviews": 4},
        rubric_versions=[1],
        manifest_columns=["Area", "Referee"],
        shortlist_size=2,
    )
    defaults.update(options)
    return DecisionPack(**defaults)


def load(pack):
    return load_workbook(io.BytesIO(build_workbook(pack)))


def values(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def all_cell_text(data: bytes) -> str:
    wb = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)


def test_workbook_sheets_in_order():
    assert load(make_pack()).sheetnames == [
        "Ranking", "Candidates", "Reviews", "Reviewers", "Criteria", "About",
    ]  # fmt: skip


def test_workbook_headers_exact():
    wb = load(make_pack())
    assert values(wb["Ranking"])[0] == [
        "Rank", "Candidate", "Score", "Mean", "Median", "Z-calibrated", "Adjusted", "Reviews",
        "Std", "Flags", "Rank 90% interval", "P(top K)", "Research", "Teaching", "Strong no",
        "No", "Yes", "Strong yes",
    ]  # fmt: skip
    assert values(wb["Candidates"])[0] == [
        "Candidate ID", "Name", "Emails", "Phone", "Highest degree", "Institution",
        "Degree year", "Current position", "Publications", "Documents", "Imported at", "Area",
        "Referee",
    ]  # fmt: skip
    assert values(wb["Reviews"])[0] == [
        "Candidate", "Reviewer", "Stage", "Status", "Total", "Research", "Teaching",
        "Recommendation", "Confidence", "Comment", "Submitted at", "Rubric version",
    ]  # fmt: skip
    assert values(wb["Reviewers"])[0] == [
        "Reviewer", "Assigned", "Submitted", "Mean total given", "Leniency", "Std",
    ]  # fmt: skip
    assert values(wb["Criteria"])[0] == [
        "Criterion", "Weight", "Scale min", "Scale max", "Description", "Agreement",
    ]  # fmt: skip


def test_workbook_ranking_values_hand_computed():
    rows = values(load(make_pack())["Ranking"])
    ann, bo, cy = rows[1], rows[2], rows[3]
    # Ann: totals 100 and 66.667 → 83.333; std 16.667; Research (5+4)/2, Teaching (10+5)/2.
    assert ann[:3] == [1, "Ann Ito", pytest.approx(250 / 3, abs=1e-9)]
    assert ann[7:10] == [2, pytest.approx(50 / 3, abs=1e-9), None]
    assert ann[12:] == [4.5, 7.5, 0, 0, 1, 1]
    # Bo: totals 0 and 100 → 50, std 50 ≥ 20 and no + strong yes → disagreement.
    assert bo[:3] == [2, "Bo Berg", 50.0]
    assert bo[9] == "disagreement"
    # Cy: no review: empty score cells, not zeros; "insufficient reviews" (fewer than 2).
    assert cy[0] is None and cy[1] == "Cy Chen" and cy[2:7] == [None] * 5
    assert cy[7] == 0 and cy[9] == "insufficient reviews"


def test_workbook_numbers_are_numbers():
    wb = load(make_pack())
    ranking = wb["Ranking"]
    assert ranking["A2"].data_type == "n" and isinstance(ranking["A2"].value, int)
    assert ranking["C2"].data_type == "n" and isinstance(ranking["C2"].value, float)
    assert isinstance(wb["Candidates"]["G2"].value, int)  # degree year 2015
    assert isinstance(wb["Reviews"]["F2"].value, int)  # raw Research score 5
    frame = pd.read_excel(io.BytesIO(build_workbook(make_pack())), sheet_name="Ranking")
    assert frame["Score"].dtype == "float64"
    assert frame["Reviews"].tolist() == [2, 2, 0]
    assert frame["Research"].tolist()[:2] == [4.5, 3.0]


def test_workbook_reviews_detail_values():
    rows = values(load(make_pack())["Reviews"])
    assert rows[1][:7] == ["Ann Ito", "Olu Mensah", "Long list", "Submitted", 100.0, 5, 10]
    assert rows[1][7:] == [
        "Strong yes",
        3,
        "Excellent.",
        datetime(2026, 3, 1, 10, 30),  # 12:30 at UTC+2, stored as naive UTC
        1,
    ]


def test_workbook_criteria_and_reviewers_values():
    wb = load(make_pack())
    criteria = values(wb["Criteria"])
    assert criteria[1][:5] == ["Research", 2, 1, 5, "Publications and plans"]
    assert len(criteria) == 3
    reviewers = values(wb["Reviewers"])
    # Sorted by reviewer id: 7 (Olu) then 21 (Dana). Olu's totals: 100, 0 → mean 50, std 50.
    # Olu's totals: 100 (Ann), 0 (Bo) → mean 50, std 50. Dana's: 66.667, 100.
    assert reviewers[1][:4] + reviewers[1][5:] == ["Olu Mensah", 2, 2, 50.0, 50.0]
    assert reviewers[2][0] == "Dana Whitfield"
    assert round(reviewers[2][3], 9) == round(250 / 3, 9)


def test_workbook_leniency_hand_computed():
    # Olu on Ann: 100 − 66.667 = +33.333; on Bo: 0 − 100 = −100 → leniency −33.333.
    reviewers = values(load(make_pack())["Reviewers"])
    assert round(reviewers[1][4], 9) == round(-100 / 3, 9)
    assert round(reviewers[2][4], 9) == round(100 / 3, 9)


def test_workbook_formatting():
    wb = load(make_pack())
    ws = wb["Ranking"]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == "A1:R4"
    assert ws["A1"].font.b and ws["A1"].font.name == "Calibri"
    assert ws["A1"].fill.fgColor.rgb == "001F4E78"
    assert ws["C2"].number_format == "0.0" and ws["I2"].number_format == "0.0"
    assert ws["H2"].number_format == "General"  # whole numbers need no format: raw and fast
    assert ws["B2"].font.name == "Calibri"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    scaled = {str(rng.sqref) for rng in ws.conditional_formatting}
    assert scaled == {"C2:C4", "M2:M4", "N2:N4"}
    assert ws["A3"].fill.fgColor.rgb == "00FFF2CC"  # Bo is flagged
    assert ws["A2"].fill.fill_type is None  # Ann is not
    assert all(d.width <= 60 for d in ws.column_dimensions.values())
    assert ws.column_dimensions["B"].width == len("Candidate") + 2
    assert wb["Candidates"].freeze_panes == "C2" and wb["Reviewers"].freeze_panes == "B2"


def test_workbook_about_sheet_and_chart():
    data = build_workbook(make_pack())
    about = dict((r[0], r[1]) for r in values(load_workbook(io.BytesIO(data))["About"]) if r[0])
    assert about["Position"] == "Lecturer in Physics"
    assert about["Method"] == "mean"
    assert about["What the method means"] == METHOD_DESCRIPTIONS["mean"]
    assert about["Generated at (UTC)"] == datetime(2026, 3, 2, 8, 0)
    assert about["Generated by"] == "Chair Person"
    assert about["Candidates"] == 3 and about["Submitted reviews"] == 4
    assert about["Shortlist size K"] == 2
    assert "top K = 2" in about["P(top K)"]
    assert about["Anonymized"] == "No"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        assert b'barDir val="bar"' in archive.read(charts[0])


def test_workbook_rank_interval_text():
    pack = make_pack()
    ranking = pack.ranking.copy()
    ranking["rank_lo"] = pd.array([1, 1, None], dtype="Int64")
    ranking["rank_hi"] = pd.array([1, 2, None], dtype="Int64")
    ranking["p_top_k"] = [1.0, 0.25, float("nan")]
    rows = values(load(make_pack(ranking=ranking))["Ranking"])
    assert [r[10] for r in rows[1:]] == ["1", "1–2", None]
    assert [r[11] for r in rows[1:]] == [1, 0.25, None]
    assert load(make_pack(ranking=ranking))["Ranking"]["L2"].number_format == "0%"


def test_workbook_anonymize_removes_reviewer_names_and_emails_everywhere():
    data = build_workbook(make_pack(anonymize=True, include_private_notes=True))
    text = all_cell_text(data)
    for name, email in REVIEWERS.values():
        assert name not in text and email not in text
    for address in ("ann@ito.example", "a.ito@x.example", "cy@chen.example"):
        assert address not in text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        raw = b"".join(archive.read(n) for n in archive.namelist())
    assert b"Whitfield" not in raw and b"Mensah" not in raw and b"@uni.example" not in raw


def test_workbook_anonymize_aliases_are_stable_and_shared():
    wb = load(make_pack(anonymize=True))
    # Reviewer ids 7 and 21: 7 → Reviewer 1, 21 → Reviewer 2, on both sheets.
    assert [r[1] for r in values(wb["Reviews"])[1:]] == [
        "Reviewer 1", "Reviewer 2", "Reviewer 1", "Reviewer 2",
    ]  # fmt: skip
    assert [r[0] for r in values(wb["Reviewers"])[1:]] == ["Reviewer 1", "Reviewer 2"]
    comments = [r[9] for r in values(wb["Reviews"])[1:]]
    assert comments[1] == "Solid; agree with Reviewer 1."
    assert comments[2] == "Weak fit, see Reviewer 2"
    assert "Emails" not in values(wb["Candidates"])[0]
    assert values(wb["Candidates"])[1][-1] == "Reviewer 1"  # the Referee manifest value


def test_workbook_private_notes_only_with_the_flag():
    without = build_workbook(make_pack())
    assert "note A" not in all_cell_text(without)
    wb = load(make_pack(include_private_notes=True))
    reviews = values(wb["Reviews"])
    assert reviews[0][-1] == "Private note"
    assert [r[-1] for r in reviews[1:]] == ["note A", "note B", "note C", "note D"]


DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", "#N/A", '=HYPERLINK("a")']


def test_workbook_formula_like_text_reads_back_as_strings():
    wb = load(make_pack(names=DANGEROUS[:3], comments=DANGEROUS[3:7]))
    names = [(c.value, c.data_type) for c in wb["Ranking"]["B"][1:]]
    assert sorted(names) == sorted((n, "s") for n in DANGEROUS[:3])
    comments = [(c.value, c.data_type) for c in wb["Reviews"]["J"][1:]]
    assert comments == [(t, "s") for t in DANGEROUS[3:7]]
    assert wb["Candidates"]["L3"].value == "=cmd" and wb["Candidates"]["L3"].data_type == "s"
    frame = pd.read_excel(io.BytesIO(build_workbook(make_pack(names=DANGEROUS[:3]))))
    assert sorted(frame["Candidate"]) == sorted(DANGEROUS[:3])


def test_workbook_strips_illegal_control_characters():
    wb = load(make_pack(names=["A\x00n\x1bn", "B\x07o", "C\x0by"]))
    assert sorted(c.value for c in wb["Ranking"]["B"][1:]) == ["Ann", "Bo", "Cy"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=40))
def test_workbook_any_text_round_trips_as_a_string(text):
    expected = clean_text(text)
    wb = load(make_pack(names=[text, "Bo", "Cy"], comments=[text] * 4))
    cell = next(c for c in wb["Candidates"]["B"][1:2])
    if expected == "":
        assert cell.value is None
        return
    assert (cell.value, cell.data_type) == (expected, "s")
    assert [(c.value, c.data_type) for c in wb["Reviews"]["J"][1:]] == [(expected, "s")] * 4


def test_workbook_empty_pack_still_builds():
    empty = rank_candidates(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    pack = DecisionPack("P", "S", "mean", "m", empty, pd.DataFrame())
    wb = load(pack)
    assert wb.sheetnames[0] == "Ranking"
    assert values(wb["Ranking"])[0][:3] == ["Rank", "Candidate", "Score"]
    assert len(values(wb["Ranking"])) == 1
    assert values(wb["Reviewers"]) == [
        ["Reviewer", "Assigned", "Submitted", "Mean total given", "Leniency", "Std"]
    ]


def test_workbook_nan_and_none_are_empty_cells():
    ws = load(make_pack())["Candidates"]
    cy = [c.value for c in ws[4]]
    # Phone, degree, institution missing; degree year 2020; position, publications missing.
    assert cy[3:9] == [None, None, None, 2020, None, None]
    assert not any(isinstance(v, float) and math.isnan(v) for v in cy)
