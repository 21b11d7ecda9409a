"""Name order clues: Japanese and Korean names in Latin letters, e-mails spelling the name.

Japanese: both parts spelled in Hepburn syllables and exactly one a common Japanese family name;
that one is the family name, wherever it stands (a Western "Paolo Mori" fails the syllable
test). Korean: a common Korean family name beside a hyphenated given name ("Min-jun"). Names
of three or more words: an e-mail "given.family@" shows where the family name starts (Spanish
double family names). Anything else is left to the caller's other rules.
"""

import re

from reviewapp.importing.parse_text import wordset
from reviewapp.textutil import fold

_HEPBURN_RE = re.compile(
    r"(?:(?:ky|gy|sh|ch|ny|hy|by|py|my|ry|ts|[kgsztdnhbpmyrwjf])?(?:aa|ii|uu|ee|oo|ou|[aeiou])|n)+"
)
JAPANESE_SURNAMES = wordset(
    "sato suzuki takahashi tanaka watanabe ito yamamoto nakamura kobayashi kato yoshida yamada "
    "sasaki yamaguchi matsumoto inoue kimura hayashi shimizu yamazaki mori abe ikeda hashimoto "
    "yamashita ishikawa nakajima maeda fujita ogawa goto okada hasegawa murakami kondo ishii "
    "saito sakamoto endo aoki fujii nishimura fukuda ota miura okamoto matsuda nakagawa harada "
    "ono takeuchi kaneko wada nakano ueda"
)


KOREAN_SURNAMES = wordset(
    "kim lee yi park choi jung jeong kang cho jo yoon yun jang lim im han oh seo shin kwon hwang "
    "ahn an song yoo ryu hong jeon ko moon yang son bae baek heo nam noh ha kwak sung cha joo woo"
)
_KOREAN_GIVEN_RE = re.compile(r"[A-Z][a-z]{1,5}-[A-Za-z][a-z]{1,5}")


def korean_family_index(first: str, last: str) -> int | None:
    """0 or 1 when one part is a Korean family name and the other a hyphenated given name."""
    for index, (family, given) in enumerate(((first, last), (last, first))):
        if fold(family) in KOREAN_SURNAMES and _KOREAN_GIVEN_RE.fullmatch(given):
            return index
    return None


def japanese_family_index(first: str, last: str) -> int | None:
    """0 or 1: which of the two name parts is the family name; None when it cannot be told."""
    folded = [fold(first), fold(last)]
    if not all(_HEPBURN_RE.fullmatch(part) for part in folded):
        return None
    known = [part in JAPANESE_SURNAMES for part in folded]
    if known[0] == known[1]:
        return None
    return 0 if known[0] else 1


def email_family_start(words: list[str], emails: list[str]) -> int | None:
    """Where the family name starts when an e-mail spells "given.family" with a middle word
    as the family ("lucia.ramirez@" for "Lucía Ramírez Ortega": two family names)."""
    if len(words) < 3:
        return None
    folded = [fold(word).replace("-", "") for word in words]
    for email in emails:
        parts = [p for p in re.split(r"[._-]", email.split("@")[0]) if p]
        if len(parts) < 2 or parts[0] != folded[0]:
            continue
        for n in range(1, len(words) - 1):
            if parts[1] == folded[n]:
                return n
    return None
