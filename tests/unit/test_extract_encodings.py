"""Latin code pages without a BOM: the decoding whose words fit a language's alphabet wins."""

import pytest

from reviewapp.importing.encodings import decode_latin, fit_score, plausible_latin
from reviewapp.importing.extract import extract_text
from reviewapp.importing.textnorm import decode_text

pytestmark = pytest.mark.unit

TURKISH = (
    "Ayşe Yılmaz\nEğitim: Doktora, Orta Doğu Teknik Üniversitesi, Ankara, 2015-2019\n"
    "Özgeçmiş: İstanbul Teknik Üniversitesi'nde araştırma görevlisi; ağ güvenliği.\n"
)
POLISH = "Łukasz Wójcik\nWykształcenie: doktor, Politechnika Wrocławska, 2014-2018\n"
CZECH = "Jiří Dvořák\nVzdělání: Ph.D., České vysoké učení technické v Praze, 2012–2016\n"
HUNGARIAN = (
    "Kovács Erzsébet\nTanulmányok: PhD, Budapesti Műszaki és Gazdaságtudományi Egyetem\n"
    "Munkahely: tudományos főmunkatárs, Szegedi Tudományegyetem; gépi tanulás.\n"
)
ROMANIAN = "Ştefan Ţurcanu\nEducaţie: doctorat, Universitatea din Bucureşti, 2010–2014\n"
LITHUANIAN = "Jonas Žemaitis\nIšsilavinimas: daktaras, Vilniaus universitetas; mokslų sritis.\n"
ICELANDIC = "Þórður Guðmundsson\nMenntun: doktorspróf, Háskóli Íslands, 2012–2016; þróun.\n"
FRENCH = "Françoise Dupré\nFormation : Doctorat, Université de Nantes — « très bien » 2016\n"
GERMAN = "Jürgen Weiß\nAusbildung: Promotion, Universität Köln, 2010–2014 • Straße 5\n"
NORWEGIAN = "Bjørn Løvås\nUtdanning: ph.d., Universitetet i Tromsø, 2011–2015; Ålesund.\n"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1254", TURKISH),
        ("cp1250", POLISH),
        ("cp1250", CZECH),
        ("cp1250", HUNGARIAN),
        ("cp1250", ROMANIAN),
        ("cp1257", LITHUANIAN),
        ("cp1252", ICELANDIC),
        ("cp1252", FRENCH),
        ("cp1252", GERMAN),
        ("cp1252", NORWEGIAN),
        ("latin-1", FRENCH.replace("—", "-")),
    ],
    ids=[
        "turkish-cp1254",
        "polish-cp1250",
        "czech-cp1250",
        "hungarian-cp1250",
        "romanian-cp1250",
        "lithuanian-cp1257",
        "icelandic-cp1252",
        "french-cp1252",
        "german-cp1252",
        "norwegian-cp1252",
        "french-latin1",
    ],
)
def test_decode_text_latin_code_page_without_bom(encoding, text):
    assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_decode_text_unicode_forms_still_win(encoding):
    assert decode_text(TURKISH.encode(encoding)) == TURKISH


def test_extract_text_turkish_cv_file_keeps_its_letters():
    result = extract_text(TURKISH.encode("cp1254"), "cv.txt")
    assert result.text.split("\n")[0] == "Ayşe Yılmaz"


def test_fit_score_prefers_the_reading_in_one_alphabet():
    data = TURKISH.encode("cp1254")
    assert fit_score(data.decode("cp1254")) > fit_score(data.decode("cp1252"))


def test_decode_latin_cyrillic_bytes_are_not_latin():
    assert decode_latin("Иван Петров, программист, Москва".encode("cp1251")) is None


def test_plausible_latin_rejects_control_like_characters():
    assert plausible_latin("Jane\u0080Doe") is False
    assert plausible_latin("Jürgen – “CV”") is True


def test_decode_text_ascii_only_bytes_are_unchanged():
    assert decode_text(b"Jane Doe\njane@example.org\n") == "Jane Doe\njane@example.org\n"
