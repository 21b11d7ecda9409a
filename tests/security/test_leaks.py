"""Security items 22, 23 and 24 across every page: what a person may not know never reaches them.

Each role crawls every GET rule of the app (with the ids of candidates X and Y, and searches
that match X), then every same-site link found on those pages; chairs and the admin also
download every variant of the decision pack and the audit log CSVs. The text of every answer
(HTML, JSON, CSV, CV files, the cells of .xlsx workbooks) is searched for marker strings planted
in candidate X's name, e-mail and CV and in the reviews of X (tests/security/conftest.py).
Positive controls prove each marker is findable where it may be shown, so an empty search means
something.
"""

import html
import io
import re
from urllib.parse import quote, urlsplit

import pytest
from openpyxl import load_workbook

from reviewapp.exports.models import ExportJob
from reviewapp.extensions import db
from reviewapp.reviews.forms import criterion_field_name
from tests.security.access_matrix import EXCLUDED
from tests.security.conftest import (
    ASA_COMMENT,
    ASA_NOTE,
    CV_MARKER,
    CV_TOPIC,
    NAME_MARKER,
    SUE_COMMENT,
    SUE_NOTE,
    X_EMAIL,
    RoleClient,
    url_values,
    visible_text,
)

pytestmark = pytest.mark.integration

MAX_PAGES = 400
SUE = "Sue Submitted"  # shown with her review (name, scores, comment) to those who may see it
X_MARKERS = (NAME_MARKER, CV_MARKER, X_EMAIL, SUE_COMMENT, SUE_NOTE, ASA_COMMENT, ASA_NOTE)
# What each role must never be shown, on any page, JSON answer, file or export.
NEVER_SHOWN = {
    "conflicted": (*X_MARKERS, SUE),  # assigned to X, then a confirmed conflict
    "conflicted_chair": X_MARKERS,  # a chair of the position (sees the committee), not of X
    "unassigned": (*X_MARKERS, SUE),  # a reviewer of the position without X
    "other_reviewer": (*X_MARKERS, SUE),
    "other_chair": (*X_MARKERS, SUE),
    "anonymous": (*X_MARKERS, SUE),
    "assigned": (SUE_COMMENT, SUE_NOTE, SUE),  # blind until own review is submitted
    "submitted": (ASA_COMMENT, ASA_NOTE),  # drafts and private notes stay private
}
# What each role's crawl must find (controls for the searches above).
FOUND = {
    "chair": (NAME_MARKER, CV_MARKER, X_EMAIL, SUE_COMMENT),
    "conflicted_chair": ("Yuri Second",),
    "assigned": (NAME_MARKER, CV_MARKER, ASA_COMMENT, ASA_NOTE),
    "submitted": (NAME_MARKER, SUE_COMMENT, SUE_NOTE),
}
# Whether the position's candidate search finds X for these chairs.
SEARCHES_FIND_X = {"chair": True, "conflicted_chair": False}
EXPORT_FORMS = [
    {"format": fmt, "method": method, **extra}
    for fmt in ("xlsx", "csv")
    for method in ("mean", "median")
    for extra in ({}, {"anonymize": "1"}, {"include_private_notes": "1"},
                  {"anonymize": "1", "include_private_notes": "1"})
]  # fmt: skip
HREF = re.compile(r'href="([^"#]+)')


def answer_text(response) -> str:
    """Everything a person could read in an answer: the text, or every cell of a workbook."""
    data = response.get_data()
    if data[:2] == b"PK":
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return visible_text(data.decode("utf-8", errors="replace"))


def rule_urls(app, committee, role: str) -> list[str]:
    """Every GET rule with the committee's ids for X and for Y, and searches for X's first name
    and for words of X's CV."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXCLUDED or "GET" not in rule.methods:
            continue
        for candidate in ("x", "y"):
            values = url_values(committee, role, candidate)
            if rule.arguments - set(values):
                continue  # the access matrix reports the missing value
            path = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
            urls.append(path)
            if candidate == "x":  # searches that match X (the markers themselves would echo)
                urls += [f"{path}?q=Xena&candidate=Xena", f"{path}?q={quote(CV_TOPIC)}",
                         f"{path}?stage={committee.interview.id}"]  # fmt: skip
    return urls


def crawl(app, committee, role: str) -> dict[str, str]:
    """url → text of every answer reachable by the role (only 2xx answers are kept)."""
    user = None if role == "anonymous" else committee.people[role]
    client = RoleClient(app, user)
    queue, seen, pages = rule_urls(app, committee, role), set(), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if _same_rows(url) in seen:
            continue
        seen.add(_same_rows(url))
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        if response.status_code >= 300:
            continue
        pages[url] = text = answer_text(response)
        if response.mimetype == "text/html":
            queue.extend(_links(text))
    if role in ("chair", "conflicted_chair", "admin"):
        pages.update(exports(client, committee))
        pages.update(audit_exports(app, client, committee))
    return pages


def _same_rows(url: str) -> str:
    """Links that only re-sort a list show the same rows: visit one of them."""
    parts = urlsplit(url)
    query = [p for p in parts.query.split("&") if p and not p.startswith(("sort=", "dir="))]
    return parts.path + "?" + "&".join(sorted(query))


def _links(page: str) -> list[str]:
    links = []
    for href in HREF.findall(page):
        parts = urlsplit(html.unescape(href))
        if parts.netloc not in ("", "reviewapp.test") or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(("/static/", "/bootstrap/", "/logout")):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def exports(client: RoleClient, committee) -> dict[str, str]:
    """Every variant of the decision pack, as the role would download it."""
    files = {}
    later = {"format": "xlsx", "method": "mean", "stage": str(committee.interview.id)}
    for form in [*EXPORT_FORMS, later, {**later, "anonymize": "1"}]:
        response = client.post(f"/p/{committee.position.slug}/ranking/export", form)
        if response.status_code in (302, 303):  # a queued job: follow it to its file
            response = client.get(urlsplit(response.headers["Location"]).path + "/file")
        assert response.status_code == 200, f"export {form}: {response.status_code}"
        files[f"export {form}"] = answer_text(response)
    return files


def audit_exports(app, client: RoleClient, committee) -> dict[str, str]:
    """The audit log CSVs (POST), whole and filtered by X's first name, where the role may."""
    files = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in ("auditlog.position_export", "auditlog.site_export"):
            continue
        values = url_values(committee, "chair")
        path = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        for form in ({}, {"candidate": "Xena"}):
            response = client.post(path, form)
            if response.status_code == 200:
                files[f"POST {path} {form}"] = answer_text(response)
    return files


def shown(pages: dict[str, str], marker: str) -> list[str]:
    return [url for url, text in pages.items() if marker in text]


@pytest.mark.parametrize("role", sorted(set(NEVER_SHOWN) | set(FOUND)))
def test_leaks_role_never_sees_what_it_may_not_know(app, committee, role):
    pages = crawl(app, committee, role)
    leaks = {marker: shown(pages, marker) for marker in NEVER_SHOWN.get(role, ())}
    assert {m: urls for m, urls in leaks.items() if urls} == {}
    # Controls: the same crawl finds what the role may see, so an empty search means something.
    assert [marker for marker in FOUND.get(role, ()) if not shown(pages, marker)] == []
    if role in SEARCHES_FIND_X:  # a chair's candidate search, by first name and by CV words
        for query in ("Xena&candidate=Xena", quote(CV_TOPIC)):
            results = pages[f"/p/{committee.position.slug}/candidates/?q={query}"]
            assert (NAME_MARKER in results) is SEARCHES_FIND_X[role], f"q={query} as {role}"
            assert "Yuri Second" not in results
        assert "Yuri Second" in pages[f"/p/{committee.position.slug}/candidates/"]


REVIEWER_IDENTITIES = (
    "Asa Assigned", "asa@uni.example", "Sue Submitted", "sue@uni.example", "Uma Unassigned",
    "uma@uni.example", "Con Conflicted", "con@uni.example",
)  # fmt: skip


def test_leaks_anonymised_exports_name_no_reviewer(app, committee):
    client = RoleClient(app, committee.people["chair"])
    files = exports(client, committee)
    anonymised = {name: text for name, text in files.items() if "anonymize" in name}
    named = {name: text for name, text in files.items() if "anonymize" not in name}
    assert len(anonymised) == 9 and len(named) == 9
    for name, text in anonymised.items():
        if "xlsx" in name and "stage" not in name:  # the CSV is the ranking alone, and the
            # later stage has no reviews yet: the other workbooks carry Sue's comment
            assert SUE_COMMENT in text, f"{name} lost the comment itself"
        found = [who for who in REVIEWER_IDENTITIES if who.casefold() in text.casefold()]
        assert found == [], f"{name} names {found}"
    # Control: without anonymising, the reviewers are named, so the search above can fail.
    with_reviews = [text for name, text in named.items() if "xlsx" in name and "stage" not in name]
    assert len(with_reviews) == 4
    assert all("Sue Submitted" in text and "Uma Unassigned" in text for text in with_reviews)


DUPLICATE_BADGE = '<span class="badge text-bg-warning">possible duplicate</span>'


@pytest.mark.parametrize(("role", "sees_pair"), [("chair", True), ("conflicted_chair", False)])
def test_leaks_duplicate_badge_never_points_at_a_hidden_candidate(app, committee, role, sees_pair):
    """Y's only possible duplicate is X: a chair conflicted with X must not learn it exists."""
    client = RoleClient(app, committee.people[role])
    index = client.get(f"/p/{committee.position.slug}/candidates/").get_data(as_text=True)
    row = index[index.index("Yuri Second") :].split("</tr>")[0]
    assert (DUPLICATE_BADGE in row) is sees_pair
    only = client.get(f"/p/{committee.position.slug}/candidates/?duplicates=1")
    assert ("Yuri Second" in only.get_data(as_text=True)) is sees_pair


def test_leaks_other_reviews_appear_once_own_is_submitted(app, committee):
    """Item 23's control: the assigned reviewer's page hides Sue's review (name, scores,
    comment) while Asa's own is a draft, and shows it once Asa submits."""
    client = RoleClient(app, committee.people["assigned"])
    page = f"/p/{committee.position.slug}/reviews/{committee.own['assigned'].id}"
    before = answer_text(client.get(page))
    assert SUE not in before and SUE_COMMENT not in before and "Other reviews" not in before
    review = committee.own["assigned"].review
    scores = {criterion_field_name(c.id): str(c.scale_max) for c in committee.rubric.criteria}
    response = client.post(
        page,
        {**scores, "recommendation": "yes", "confidence": "2", "comment": ASA_COMMENT,
         "version": str(review.version), "submit_review": "1"},
    )  # fmt: skip
    assert response.status_code == 302, answer_text(response)[:2000]
    after = answer_text(client.get(page))
    assert SUE in after and SUE_COMMENT in after and "Other reviews" in after
    assert SUE_NOTE not in after  # a private note is for the chair only


@pytest.mark.parametrize(("role", "sees_row"), [("chair", True), ("conflicted_chair", False)])
def test_leaks_import_report_omits_a_hidden_candidate(app, committee, role, sees_row):
    """The report of an import that created X and Y lists X's file only for a chair who may
    see X; the conflicted chair still gets Y's row."""
    client = RoleClient(app, committee.people[role])
    report = client.get(f"/p/{committee.position.slug}/imports/{committee.report.id}")
    text = answer_text(report)
    assert report.status_code == 200 and "yuri.txt" in text
    assert (f"xena-{NAME_MARKER}.txt" in text) is sees_row


def test_leaks_conflicted_chair_cannot_download_a_colleagues_export(app, committee):
    """Cara's decision pack contains X: Cleo (conflicted with X) may see that the job exists
    but never its file, its download link, or X in any of its pages."""
    cara = RoleClient(app, committee.people["chair"])
    response = cara.post(f"/p/{committee.position.slug}/ranking/export", {"format": "xlsx"})
    assert response.status_code == 200 and NAME_MARKER in answer_text(response)
    db.session.commit()  # end the test's snapshot: the job was written by the request
    job = db.session.scalars(db.select(ExportJob).order_by(ExportJob.id.desc())).first()
    base = f"/p/{committee.position.slug}/exports/{job.id}"
    assert cara.get(f"{base}/file").status_code == 200  # control
    cleo = RoleClient(app, committee.people["conflicted_chair"])
    assert cleo.get(f"{base}/file").status_code == 404
    for page in (base, f"{base}/status"):
        answer = cleo.get(page)
        assert answer.status_code == 200
        text = answer_text(answer)
        assert NAME_MARKER not in text and f"{base}/file" not in text
