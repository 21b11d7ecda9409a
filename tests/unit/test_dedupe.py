"""The same-person rules of the import (reviewapp/importing/dedupe.py), on plain facts."""

from reviewapp.importing.dedupe import Facts, MatchIndex


def _index(*people: tuple[int, Facts]) -> MatchIndex:
    index = MatchIndex()
    for candidate_id, facts in people:
        index.add(candidate_id, facts)
    return index


def test_match_same_email_attaches_whatever_the_name():
    index = _index((1, Facts("Ann Lee", emails={"ann@uni.edu"})))
    assert index.match(Facts("A. Lee-Smith", emails={"ann@uni.edu"})).candidate_id == 1


def test_match_same_name_shared_institution_no_emails_attaches():
    index = _index((1, Facts("Maria Gonzalez", institutions={"univ of x"})))
    match = index.match(Facts("María González", institutions={"univ of x"}))
    assert match.candidate_id == 1
    assert "shared institution" in match.reason


def test_match_same_name_shared_institution_different_emails_only_possible():
    index = _index((1, Facts("Maria Gonzalez", {"mg@x.edu"}, institutions={"univ of x"})))
    match = index.match(Facts("Maria Gonzalez", {"maria.g@y.org"}, institutions={"univ of x"}))
    assert match.candidate_id is None
    assert [(cid, evidence["shared_institutions"]) for cid, _, evidence in match.possible] == [
        (1, ["univ of x"])
    ]


def test_match_same_name_shared_publication_attaches_despite_different_emails():
    title = "a study of sparse attention in long documents"
    old = Facts("Kaiyue Wen", {"k@old.edu"}, titles=[title])
    match = _index((1, old)).match(Facts("Wen Kaiyue", {"kw@new.org"}, titles=[title]))
    assert match.candidate_id == 1


def test_match_same_name_without_evidence_is_only_possible():
    index = _index((1, Facts("Ann Lee")))
    match = index.match(Facts("Ann Lee"))
    assert match.candidate_id is None
    assert [cid for cid, _, _ in match.possible] == [1]


def test_namesakes_share_two_tokens_or_an_initial():
    """A common first name alone never makes a comparison; two shared tokens do, and so does
    one shared token when either name has an initial."""
    index = _index(
        (1, Facts("Maria Okafor")),
        (2, Facts("Maria Lindqvist")),
        (3, Facts("Maria Okafor-Rossi")),
        (4, Facts("M. Okafor")),
        (5, Facts("Jonas Okafor")),
    )
    assert index._namesakes("Maria Okafor") == {1, 3, 4}
    assert index._namesakes("Okafor, M.") == {1, 3, 4, 5}  # an initial: one token is enough
    assert index._namesakes("Maria") == {1, 2, 3}  # a one-word name compares on that word
    index.remove(4)
    assert index._namesakes("Maria Okafor") == {1, 3}


def test_namesakes_of_a_very_common_first_name_are_only_true_namesakes():
    people = [(n, Facts(f"Wei Family{n}")) for n in range(1, 2001)]
    index = _index(*people, (5000, Facts("Wei Zhang")))
    assert index._namesakes("Zhang Wei") == {5000}
