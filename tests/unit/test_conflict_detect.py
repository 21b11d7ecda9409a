"""Conflict detection: members named in CV text, on the real seed CVs and on synthetic text."""

from pathlib import Path

import pytest

from reviewapp.conflicts.detect import (
    CandidateText,
    ConflictDetector,
    DetectedConflict,
    Member,
    detect_conflicts,
    in_author_list,
    institution_key,
    keyword_kind,
    same_institution,
    sections,
)

pytestmark = pytest.mark.unit

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "cvs" / "seeds"


@pytest.fixture(scope="module")
def seed_candidates() -> list[CandidateText]:
    if not SEEDS.is_dir():
        pytest.skip(reason=f"seed CVs not found at {SEEDS} (../shared is absent in this clone)")
    text = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    return [
        CandidateText(0, "Kaiyue Wen", text["000"] + "\n" + text["004"]),
        CandidateText(1, "Mingze Wang", text["001"], "Peking University"),
        CandidateText(2, "Yeming Wen", text["002"]),
        CandidateText(3, "Zhewei Yao", text["003"]),
    ]


def kinds_by_candidate(name: str, candidates: list[CandidateText]) -> dict[int, list[str]]:
    found = detect_conflicts([Member(7, name, "m@example.org")], candidates)
    out: dict[int, list[str]] = {}
    for conflict in found:
        out.setdefault(conflict.candidate_id, []).append(conflict.kind)
    return out


def test_seed_zhiyuan_li_supervises_000_and_taught_001(seed_candidates):
    assert kinds_by_candidate("Zhiyuan Li", seed_candidates) == {
        0: ["supervisor", "coauthor"],
        1: ["teaching"],
    }


def test_seed_zhiyuan_li_teaching_evidence_is_the_taught_by_line(seed_candidates):
    found = detect_conflicts([Member(7, "Zhiyuan Li", "zl@example.org")], seed_candidates[1:2])
    assert found == [
        DetectedConflict(
            7,
            1,
            "teaching",
            "Teaching assistant: Deep Learning Theory, taught by Prof. Zhiyuan Li (TTIC)",
            132,
            "Zhiyuan Li",
        )
    ]


def test_seed_tengyu_ma_conflicts_with_000_only(seed_candidates):
    assert kinds_by_candidate("Tengyu Ma", seed_candidates) == {0: ["supervisor", "coauthor"]}


def test_seed_zhiyuan_liu_conflicts_with_000_and_not_001(seed_candidates):
    assert kinds_by_candidate("Zhiyuan Liu", seed_candidates) == {0: ["supervisor", "coauthor"]}


def test_seed_swarat_chaudhuri_advises_002(seed_candidates):
    assert kinds_by_candidate("Swarat Chaudhuri", seed_candidates) == {
        2: ["supervisor", "coauthor"]
    }


def test_seed_weinan_e_single_letter_family_name_advises_001(seed_candidates):
    found = detect_conflicts([Member(7, "Weinan E", "we@example.org")], seed_candidates)
    assert [(c.candidate_id, c.kind, c.line_no) for c in found] == [
        (1, "supervisor", 7),
        (1, "coauthor", 74),
    ]


def test_seed_kurt_keutzer_coauthors_003_by_initials(seed_candidates):
    found = detect_conflicts([Member(7, "Kurt Keutzer", "kk@example.org")], seed_candidates)
    assert [(c.candidate_id, c.kind, c.line_no, c.matched) for c in found] == [
        (3, "coauthor", 22, "K. Keutzer")
    ]


def test_seed_michael_mahoney_advises_003_and_middle_initial_counts(seed_candidates):
    found = detect_conflicts([Member(7, "Michael Mahoney", "mm@example.org")], seed_candidates)
    assert [(c.kind, c.matched) for c in found] == [
        ("supervisor", "Michael Mahoney"),
        ("coauthor", "M. W. Mahoney"),
    ]


def test_seed_unrelated_member_has_no_conflict(seed_candidates):
    assert kinds_by_candidate("Maria Schmidt", seed_candidates) == {}


def test_seed_near_names_do_not_match(seed_candidates):
    """Zhiyu Li (001) is not Zhiyuan Li; Wen-Ding Li (002) is not Ding Li; Honor College is not."""
    assert kinds_by_candidate("Zhiyu Lin", seed_candidates) == {}
    assert kinds_by_candidate("Ding Li", seed_candidates) == {}
    assert kinds_by_candidate("Zhiyuan Honor", seed_candidates) == {3: ["mention"]}


def test_seed_institution_conflict(seed_candidates):
    member = Member(9, "Anna Berg", "ab@example.org", "Peking Univ.")
    found = detect_conflicts([member], seed_candidates)
    assert found == [
        DetectedConflict(9, 1, "institution", "Peking Univ. / Peking University", None)
    ]


def synthetic(text: str, name: str = "Carla Candidate", **kwargs) -> CandidateText:
    return CandidateText(1, name, text, **kwargs)


def kinds(member_name: str, text: str, **kwargs) -> list[tuple[str, int | None, str]]:
    found = detect_conflicts([Member(5, member_name, "x@example.org")], [synthetic(text, **kwargs)])
    return [(c.kind, c.line_no, c.matched) for c in found]


def test_initials_form_matches_with_right_initial_and_family():
    text = "Publications\nC. Candidate, Z. Li, Q. Zhang. A paper. NeurIPS 2021."
    assert kinds("Zhiyuan Li", text) == [("coauthor", 2, "Z. Li")]
    assert kinds("Yuan Li", text) == []
    assert kinds("Zhiyuan Liu", text) == []


def test_initials_after_a_given_name_are_a_middle_initial():
    assert kinds("Jian Su", "We thank Weijie J. Su for comments.") == []


def test_initials_that_fit_the_candidates_own_name_are_skipped():
    text = "Publications\nZ. Yao, A. Gholami. PyHessian. 2020."
    assert kinds("Zixuan Yao", text, name="Zhewei Yao") == []


def test_family_name_first_in_caps():
    assert kinds("Zhiyuan Li", "PhD advisor: LI Zhiyuan, Tsinghua") == [
        ("supervisor", 1, "LI Zhiyuan")
    ]


def test_full_name_inside_a_longer_name_is_still_shown():
    """A missed conflict costs more than one the chair dismisses."""
    assert kinds("Zhe Liu", "Jeremiah Zhe Liu, Carla Candidate, Jie Ren. A paper.") == [
        ("mention", 1, "Zhe Liu")
    ]


def test_family_comma_given_inside_an_author_list_is_not_a_name():
    """'Wen, Tengyu Ma' is the end of one name and the start of the next, not 'Tengyu Wen'."""
    assert kinds("Tengyu Wen", "Kaiyue Wen, Tengyu Ma, Zhiyuan Li. SAM. ICLR.") == []


def test_diacritics_fold_both_ways():
    assert kinds("José Pérez", "Supervised by Jose Perez.") == [("supervisor", 1, "Jose Perez")]
    assert kinds("Jose Perez", "Betreut von José Pérez.") == [("supervisor", 1, "José Pérez")]


def test_german_betreut_von_is_supervisor():
    text = "Dissertation (2019–2023), betreut von Prof. Dr. Jürgen Müller, TU München"
    assert kinds("Juergen Mueller", text) == []
    assert kinds("Jürgen Müller", text) == [("supervisor", 1, "Jürgen Müller")]


def test_word_boundaries_and_family_name_alone():
    text = "Zhiyuan Liu and Li wrote it. Zhiyuan Li-Wang helped. Mr Li came."
    assert kinds("Zhiyuan Li", text) == []
    assert kinds("Pierre Dupont", "Thanks to Jean-Pierre Dupont and __Pierre Dupont__.") == [
        ("mention", 1, "Pierre Dupont")
    ]


def test_label_line_above_name_gives_the_role():
    assert kinds("Alex Polozov", "**PhD Advisor:**\n\nAlex Polozov (Google)") == [
        ("supervisor", 3, "Alex Polozov")
    ]


def test_role_noun_after_the_name():
    assert kinds("Alex Polozov", "I worked on code models. Alex Polozov (host), Google.") == [
        ("supervisor", 1, "Alex Polozov")
    ]


def test_keyword_in_an_earlier_sentence_does_not_reach_the_name():
    text = "I am advised by Prof. Jane Doe. Later I met Alex Polozov at a workshop."
    assert kinds("Alex Polozov", text) == [("mention", 1, "Alex Polozov")]


def test_colleague_keyword():
    assert kinds("Dustin Tran", "I interned twice with Dustin Tran at Google Brain.") == [
        ("colleague", 1, "Dustin Tran")
    ]


def test_teaching_section_gives_teaching():
    assert kinds("Ada Lovelace", "## Teaching\n\nAnalysis I (Prof. Ada Lovelace), 2021") == [
        ("teaching", 3, "Ada Lovelace")
    ]


def test_author_list_outside_publications_needs_candidates_name_nearby():
    line = "Ada Lovelace | Carla Candidate | Alan Turing"
    assert kinds("Ada Lovelace", line) == [("coauthor", 1, "Ada Lovelace")]
    assert kinds("Ada Lovelace", "Ada Lovelace, Alan Turing") == [("mention", 1, "Ada Lovelace")]


def test_one_conflict_per_kind_ordered_by_strength_with_first_evidence():
    text = (
        "Alan Turing, Carla Candidate. Paper one.\n"
        "Advisor: Alan Turing\n"
        "Alan Turing, Carla Candidate. Two."
    )
    assert kinds("Alan Turing", text) == [
        ("supervisor", 2, "Alan Turing"),
        ("coauthor", 1, "Alan Turing"),
    ]


def test_results_ordered_by_candidate_then_member_then_kind():
    members = [Member(1, "Alan Turing", "a@x.org"), Member(2, "Ada Lovelace", "b@x.org")]
    candidates = [
        CandidateText(10, "C One", "Mentions Ada Lovelace. Advisor: Alan Turing"),
        CandidateText(11, "C Two", "Alan Turing"),
    ]
    found = detect_conflicts(members, candidates)
    assert [(c.candidate_id, c.member_id, c.kind) for c in found] == [
        (10, 1, "supervisor"),
        (10, 2, "mention"),
        (11, 1, "mention"),
    ]


def test_member_who_is_the_candidate_is_skipped_only_with_same_email():
    member = Member(3, "Kaiyue Wen", "kaiyuewen3@gmail.com")
    cv = "# Wen Kaiyue\nkaiyuewen3@gmail.com\nKaiyue Wen, Tengyu Ma. A paper."
    assert detect_conflicts([member], [CandidateText(1, "Kaiyue Wen", cv)]) == []
    namesake = Member(4, "Kaiyue Wen", "other@example.org")
    found = detect_conflicts([namesake], [CandidateText(1, "Kaiyue Wen", cv)])
    assert [c.kind for c in found] == ["coauthor", "mention"]


def test_institution_conflict_and_acronyms():
    member = Member(5, "Ada Lovelace", "a@x.org", "University of California, Berkeley")
    found = detect_conflicts(
        [member],
        [synthetic("no names", current_institution="University of California at Berkeley")],
    )
    assert [c.kind for c in found] == ["institution"]
    assert same_institution(
        institution_key("MIT"), institution_key("Massachusetts Institute of Technology")
    )
    assert not same_institution(
        institution_key("University of California, Los Angeles"),
        institution_key("University of California, Berkeley"),
    )
    assert not same_institution(
        institution_key("Washington University"), institution_key("University of Washington")
    )


def test_long_evidence_is_trimmed_around_the_name():
    text = "x" * 500 + " advised by Alan Turing " + "y" * 500
    (conflict,) = detect_conflicts([Member(1, "Alan Turing", "a@x.org")], [synthetic(text)])
    assert conflict.kind == "supervisor"
    assert len(conflict.evidence) == 202
    assert "advised by Alan Turing" in conflict.evidence


def test_evidence_keeps_original_characters_after_folding():
    (conflict,) = detect_conflicts(
        [Member(1, "Müller Jürgen", "a@x.org")], [synthetic("Ｆｕｌｌ ﬁne: Jürgen Müller")]
    )
    assert (conflict.evidence, conflict.matched) == ("Ｆｕｌｌ ﬁne: Jürgen Müller", "Jürgen Müller")


def test_detector_with_no_usable_names_finds_nothing():
    detector = ConflictDetector([Member(1, "Li", "l@x.org"), Member(2, "", "e@x.org")])
    assert detector.detect(synthetic("Li and Li wrote")) == []


def test_helpers_sections_author_list_and_keywords():
    assert sections(["## Publications", "A, B", "## Education", "x"]) == [
        "publications",
        "publications",
        None,
        None,
    ]
    line = "Kaiyue Wen, Tengyu Ma, Zhiyuan Li, How Sharpness Aware Minimization"
    assert in_author_list(line, 12, 21) is True
    assert in_author_list("We met Tengyu Ma at Stanford", 7, 16) is False
    assert keyword_kind(["taught by prof. ada lovelace"], 0, 16, 28) == "teaching"
