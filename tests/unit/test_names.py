"""Person names: parsing, duplicate scores and thresholds, written variants."""

import re

import pytest

from reviewapp.names import (
    POSSIBLE_NAME_THRESHOLD,
    SAME_NAME_THRESHOLD,
    PersonName,
    is_possible_same_name,
    is_same_name,
    looks_like_name,
    name_key,
    name_variants,
    parse_person_name,
    same_person_score,
    written_forms,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "given", "family"),
    [
        ("Zhiyuan Li", "Zhiyuan", "Li"),
        ("WEN Kaiyue", "Kaiyue", "Wen"),
        ("Kaiyue WEN", "Kaiyue", "Wen"),
        ("MINGZE WANG", "Mingze", "Wang"),
        ("Li, Zhiyuan", "Zhiyuan", "Li"),
        ("Fernández-López, María José", "María José", "Fernández-López"),
        ("María José Fernández López", "María José", "Fernández López"),
        ("Prof. Dr. Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Juan de la Fuente", "Juan", "de la Fuente"),
        ("Z. Li", "Z.", "Li"),
        ("J.-P. Dupont", "J.-P.", "Dupont"),
        ("Li Z.", "Z.", "Li"),
        ("Weinan E", "Weinan", "E"),
        ("Dr. Jeremiah Zhe Liu PhD", "Jeremiah Zhe", "Liu"),
        ("John Smith, PhD", "John", "Smith"),
        ("Jeremiah Zhe Ma", "Jeremiah Zhe", "Ma"),
        ("Mingze Wang†", "Mingze", "Wang"),
        ("Suharto", "", "Suharto"),
    ],
)
def test_parse_person_name_splits_given_and_family(text, given, family):
    assert parse_person_name(text) == PersonName(given, family)


def test_parse_person_name_family_first_flag_reads_first_token_as_family():
    assert parse_person_name("Wen Kaiyue", family_first=True) == PersonName("Kaiyue", "Wen")
    assert parse_person_name("Wen Kaiyue") == PersonName("Wen", "Kaiyue")


def test_person_name_display_and_initials():
    person = parse_person_name("jean-pierre DUPONT")
    assert person.display == "Jean-Pierre Dupont"
    assert person.initials == ["J", "P"]
    assert person.given_is_initials is False
    assert parse_person_name("J.-P. Dupont").given_is_initials is True


def test_name_key_folds_order_case_diacritics_and_hyphens():
    assert name_key("María José Fernández-López") == frozenset(
        {"maria", "jose", "fernandez", "lopez"}
    )
    assert name_key("Prof. LI Zhiyuan") == name_key("zhiyuan li")


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        ("Wen Kaiyue", "Kaiyue Wen", 1.0),
        ("Maria Jose Fernandez Lopez", "María José Fernández-López", 1.0),
        ("Prof. Zhiyuan Li", "LI Zhiyuan", 1.0),
        ("Kai-Yue Wen", "Kaiyue Wen", 0.96),
        ("Swarat Chaudhuri", "Swarat Chaudhury", 0.90),
        ("Jeremiah Zhe Liu", "Jeremiah Liu", 0.80),
        ("Z. Li", "Zhiyuan Li", 0.75),
        ("J.-P. Dupont", "Jean-Pierre Dupont", 0.75),
    ],
)
def test_same_person_score_levels(a, b, score):
    assert same_person_score(a, b) == score
    assert same_person_score(b, a) == score


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kaiyue Wen", "Yeming Wen"),
        ("Zhiyuan Li", "Zhiyuan Liu"),
        ("Z. Li", "Zhiyuan Liu"),
        ("Li", "Zhiyuan Li"),
        ("Mingze Wang", "Mingze Wnag"),
    ],
)
def test_same_person_score_different_people_stay_below_half(a, b):
    assert same_person_score(a, b) <= 0.5
    assert is_same_name(a, b) is False
    assert is_possible_same_name(a, b) is False


def test_same_person_score_kaiyue_vs_yeming_is_clearly_low():
    assert same_person_score("Kaiyue Wen", "Yeming Wen") == 0.2


def test_same_person_score_empty_name_is_zero():
    assert same_person_score("", "Kaiyue Wen") == 0.0


def test_is_same_name_and_possible_are_disjoint_bands():
    assert (SAME_NAME_THRESHOLD, POSSIBLE_NAME_THRESHOLD) == (0.95, 0.70)
    assert is_same_name("WEN Kaiyue", "Kaiyue Wen") is True
    assert is_possible_same_name("WEN Kaiyue", "Kaiyue Wen") is False
    assert is_same_name("Z. Li", "Zhiyuan Li") is False
    assert is_possible_same_name("Z. Li", "Zhiyuan Li") is True


def test_name_variants_lists_cv_forms():
    assert name_variants("Zhiyuan Li") == [
        "Zhiyuan Li",
        "Li Zhiyuan",
        "Li, Zhiyuan",
        "Z. Li",
        "Z Li",
        "Li, Z.",
        "LI Zhiyuan",
    ]


def test_name_variants_fold_diacritics_and_handle_double_surnames():
    variants = name_variants("María José Fernández López")
    assert variants[:3] == [
        "Maria Jose Fernandez Lopez",
        "Fernandez Lopez Maria Jose",
        "Fernandez Lopez, Maria Jose",
    ]
    assert "M. J. Fernandez Lopez" in variants
    assert "Maria Jose Fernandez-Lopez" in variants
    assert "Maria Jose Fernandez" in variants


def test_name_variants_hyphenated_given_name_initials():
    assert name_variants("Jean-Pierre Dupont")[3:6] == [
        "J.-P. Dupont",
        "J-P Dupont",
        "Dupont, J.-P.",
    ]


def test_written_forms_leave_out_initials_for_one_letter_family_name():
    assert [kind for kind, _ in written_forms("Weinan E")] == [
        "full",
        "family_first",
        "family_first",
    ]
    assert written_forms("Suharto") == []


def test_written_forms_full_form_matches_middle_initial_but_not_longer_family():
    full = next("".join(f) for kind, f in written_forms("Michael Mahoney") if kind == "full")
    assert re.fullmatch(full, "michael w. mahoney")
    assert re.fullmatch(full, "michael mahoney")
    assert re.fullmatch(full, "michael mahoneyx") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lei Wu", True),
        ("M. W. Mahoney", True),
        ("Chi-Min Chan", True),
        ("Ludwig van Beethoven", True),
        ("Stanford", False),
        ("How Sharpness Aware Minimization Minimizes Sharpness?", False),
        ("under review of ICLR2023", False),
    ],
)
def test_looks_like_name(text, expected):
    assert looks_like_name(text) is expected
