"""Contact fields: e-mail addresses (also obfuscated), one phone number, and profile links."""

import html
import re

import phonenumbers

from reviewapp.importing.dates import find_dates
from reviewapp.importing.parse_text import Line, to_markdown

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
    r"\.[A-Za-z]{2,24})(?![\w-])"
)
_OBF_AT_RE = re.compile(r"\s*[\[({<]\s*(?:at|@|ät)\s*[\])}>]\s*", re.IGNORECASE)
_OBF_DOT_RE = re.compile(r"\s*[\[({<]\s*(?:dot|punkt|point|\.)\s*[\])}>]\s*", re.IGNORECASE)
_CAPS_AT_RE = re.compile(r"(?<=[\w.])\s+AT\s+(?=[\w-])")
_CAPS_DOT_RE = re.compile(r"(?<=[\w-])\s+DOT\s+(?=[\w-])")
_WORD_AT_RE = re.compile(
    r"([A-Za-z0-9][\w.+-]{0,63})\s+at\s+([a-z0-9-]{1,63}(?:(?:\s+dot\s+|\.)[a-z0-9-]{1,63}){1,5})"
    r"(?![\w.-])"
)
_EMAIL_LABEL_RE = re.compile(
    r"(?i)\b(?:e-?mail|mail|courriel|correo|contact|kontakt|email address)\b|✉|📧"
)
_ADDRESS_ONLY_RE = re.compile(r"^[\W_]*(?:\w+[\W_]*)?$")
_SPACED_AT_RE = re.compile(r"([A-Za-z0-9._%+-])\s*@\s+|([A-Za-z0-9._%+-])\s+@\s*")
_BRACKETS_RE = re.compile(r"[\[({<]")
# What every _WORD_AT_RE match contains: " at " and a domain with a dot.
_SPACED_WORD_AT_RE = re.compile(r"\sat\s+[a-z0-9-]{1,63}(?:\s+dot\s+|\.)[a-z0-9-]")
_AT_WORD_RE = re.compile(r"(?i)\bat\b|[\[({<]\s*(?:at|ät)\s*[\])}>]")
_SPACED_DOMAIN_RE = re.compile(r"@([a-z0-9-]{1,63}(?:\s*\.\s*[a-z0-9-]{1,63}){1,6})(?![\w-])")


def _word_at(match: re.Match, text: str) -> str:
    """ "name at dept dot univ dot edu" is an address only when the line is labelled as one or
    holds little else; "worked at home dot com startups" stays prose."""
    rest = text[: match.start()] + " " + text[match.end() :]
    if not (_EMAIL_LABEL_RE.search(text) or _ADDRESS_ONLY_RE.match(rest)):
        return match.group(0)
    return match.group(1) + "@" + re.sub(r"\s+dot\s+", ".", match.group(2))


def _deobfuscate(text: str) -> str:
    # each rewrite needs a bracket or its word in the text: skip the ones that cannot apply
    if _BRACKETS_RE.search(text):
        text = _OBF_AT_RE.sub("@", text)
        text = _OBF_DOT_RE.sub(".", text)
    if "AT" in text:
        text = _CAPS_AT_RE.sub("@", text)
    if "DOT" in text:
        text = _CAPS_DOT_RE.sub(".", text)
    if _SPACED_WORD_AT_RE.search(text):
        text = _WORD_AT_RE.sub(lambda m: _word_at(m, text), text)
    if "@" in text:
        text = _SPACED_AT_RE.sub(lambda m: (m.group(1) or m.group(2)) + "@", text)
        text = _SPACED_DOMAIN_RE.sub(lambda m: "@" + re.sub(r"\s+", "", m.group(1)), text)
    return text


def _spelled_in(email: str, plain: str) -> bool:
    return all(run in plain for run in re.findall(r"[^\W_]+", email))


def find_emails(lines: list[Line]) -> list[tuple[str, Line]]:
    """Every address, lower-cased, first occurrence first, with the line it came from."""
    seen, found = set(), []
    for line in lines:
        raw = line.raw[:3000]
        if "@" not in raw and not _AT_WORD_RE.search(raw):
            continue
        plain = html.unescape(raw).replace("\\", "").casefold()
        candidates = [raw]
        markdown = to_markdown(raw)
        if markdown != raw:  # the same text again would find nothing new
            candidates.append(markdown)
        for candidate in candidates:
            text = _deobfuscate(candidate)
            if "@" not in text:
                continue
            for match in _EMAIL_RE.finditer(text):
                email = match.group(0).lower().strip(".")
                if candidate is not raw and not _spelled_in(email, plain):
                    continue  # removing markup joined text around it: "a[](x)b@c.org"
                if email not in seen and not email.startswith("mailto:"):
                    seen.add(email)
                    found.append((email, line))
    return found


# --- phone -----------------------------------------------------------------------------------

# The lookahead names every possible first character: a cheap test before the alternatives.
_PHONE_LABEL_RE = re.compile(
    r"(?i)(?=[tpmcfh☎📞📱✆])"
    r"(?:\b(?:tel|tél|phone|mobile|mob|cell|fon|telefon|handy|téléphone|telephone|teléfono|"
    r"telefono|móvil|movil|cellulare|portable|celular)\b\.?|(?<![\w.])[tmp]\s?:|☎|📞|📱|✆)"
)
_PHONE_RE = re.compile(r"(?:\+|\(\+?)?\d[\d \t().\-/–]{5,24}\d")
_NOT_PHONE_CONTEXT = re.compile(  # (the lookahead: the words' first letters)
    r"(?i)(?=[daivpgz])\b(?:doi|arxiv|isbn|issn|vol\.?|pp\.|pages|gpa|zip|plz)\b"
)
_REGION_WORDS = {
    "CN": "china|中国",
    "DE": "germany|deutschland",
    "FR": "france",
    "US": "usa|united states",
    "GB": "united kingdom|england|scotland|uk",
    "ES": "spain|españa|espana",
    "IT": "italy|italia",
    "CH": "switzerland|schweiz|suisse|svizzera",
    "AT": "austria|österreich",
    "CA": "canada",
    "NL": "netherlands|nederland",
    "JP": "japan|日本",
    "KR": "korea",
    "IN": "india",
    "BR": "brazil|brasil",
    "MX": "mexico|méxico",
    "BE": "belgium|belgique|belgië",
    "SE": "sweden|sverige",
    "PL": "poland|polska",
    "PT": "portugal",
    "AU": "australia",
    "SG": "singapore",
    "IL": "israel",
    "HK": "hong kong",
    "TW": "taiwan",
}
_REGION_RES = [
    (region, re.compile(rf"(?<!\w)(?:{words})(?!\w)")) for region, words in _REGION_WORDS.items()
]


def _region_hint(header_text: str) -> str | None:
    """The country a CV header names, for reading numbers written without a country code."""
    lowered = header_text.lower()
    for region, regex in _REGION_RES:
        if regex.search(lowered):
            return region
    return None


def _digits(text: str) -> int:
    return sum(map(str.isdigit, text))


def _plausible(candidate: str, labelled: bool) -> bool:
    digits = _digits(candidate)
    if digits < 7 or digits > 15:
        return False
    undated = candidate
    for token in reversed(find_dates(candidate)):
        undated = undated[: token.start] + " " + undated[token.end :]
    if _digits(undated) < 6:
        return False
    if not labelled and not candidate.startswith(("+", "(")) and digits < 9:
        return False
    return not re.fullmatch(r"[\d.]+", candidate.strip()) or labelled


def normalise_phone(written: str, region: str | None = None) -> str | None:
    """International format when phonenumbers can read the number, else None."""
    text = written.strip()
    attempts = []
    if text.startswith("00"):
        attempts.append(("+" + text[2:], None))
    match = re.match(r"^\(\+?(\d{1,3})\)\s*(.+)$", text)
    if match:
        attempts.append((f"+{match.group(1)} {match.group(2)}", None))
    if text.startswith("+"):
        attempts.append((text, None))
    elif region:
        attempts.append((text, region))
    for number, hint in attempts:
        try:
            parsed = phonenumbers.parse(number, hint)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return None


def find_phone(
    lines: list[Line], header_end: int, contact: frozenset[int] | set[int] = frozenset()
) -> tuple[str, str | None, Line] | None:
    """(as written, normalised or None, line): a labelled number, or an unlabelled one in the
    header lines or the `contact` lines (a contact section, the lines around an e-mail)."""
    for index, line in enumerate(lines[:400]):
        text = line.text
        if not text or _digits(text) < 7:
            continue
        label = _PHONE_LABEL_RE.search(text)
        if not label and index >= max(header_end, 12) and index not in contact:
            continue
        if _NOT_PHONE_CONTEXT.search(text):
            continue
        scope = text[label.end() :] if label else text
        for match in _PHONE_RE.finditer(scope):
            written = match.group(0).strip(" -/.–")
            if written.startswith("(") and ")" not in written:
                written = written[1:]
            if _plausible(written, bool(label)):
                header = " ".join(ln.text for ln in lines[: max(header_end, 25)])
                return written, normalise_phone(written, _region_hint(header)), line
    return None


# --- links -----------------------------------------------------------------------------------

_URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\[\]\"'`|]{2,300}")
_BARE_HOST_RE = re.compile(
    r"(?i)(?<![\w./@-])(?:(?:[\w-]+\.)?github\.(?:com|io)|scholar\.google\.[a-z.]{2,8}|"
    r"(?:[a-z]{2,3}\.)?linkedin\.com|orcid\.org)(?:/[^\s<>()\[\]\"'`|,;]*)?"
)
_ORCID_ID_RE = re.compile(r"\b\d{4}-\d{4}-\d{4}-\d{3}[\dX]\b")
_HOMEPAGE_LABEL_RE = re.compile(
    r"(?i)\b(?:home\s?page|website|web\s?site|web|url|site|personal page|page web|webseite|"
    r"sitio web|pagina web|page perso\w*)\b"
)
_NOT_HOMEPAGE = re.compile(
    r"(?i)arxiv|doi\.org|dx\.doi|acm\.org|ieee|springer|openreview|youtube|youtu\.be|twitter|"
    r"x\.com|aclanthology|aclweb|proceedings|neurips\.cc|nips\.cc|mlr\.press|jmlr|sciencedirect|"
    r"wiley|nature\.com|researchgate|semanticscholar|dblp|facebook|instagram|google\.com/(?!site)|"
    r"bit\.ly|zenodo|huggingface|pypi|medium\.com"
)
_GITHUB_RESERVED = {"orgs", "topics", "features", "about", "site", "settings", "marketplace"}


def _clean_url(url: str) -> str:
    url = url.replace("\\", "").rstrip(".,;:!?*_")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    if not url.lower().startswith("http"):
        url = "https://" + url
    return url


def _kind(url: str) -> str:
    low = url.lower()
    match = re.match(r"https?://(?:www\.)?github\.com/([^/?#]+)/?$", low)
    if match and match.group(1) not in _GITHUB_RESERVED:
        return "github"
    if "scholar.google." in low and "user=" in low:
        return "scholar"
    if "linkedin.com/in/" in low or "linkedin.com/pub/" in low:
        return "linkedin"
    if "orcid.org/" in low and _ORCID_ID_RE.search(low):
        return "orcid"
    return "other"


def find_links(
    lines: list[Line], header_end: int, contact: frozenset[int] | set[int] = frozenset()
) -> tuple[dict, dict]:
    """(links, evidence): homepage, github, scholar, linkedin, orcid and a list of others.

    An unlabelled web address is the homepage when it stands in the header or among the
    `contact` lines (a contact section, the lines around an e-mail)."""
    links: dict = {"other": []}
    evidence: dict = {"other": []}
    seen = set()
    for index, line in enumerate(lines):
        raw = line.raw[:3000]
        if "." not in raw:
            continue
        found = [m.group(0) for m in _URL_RE.finditer(raw)]
        found += [m.group(0) for m in _BARE_HOST_RE.finditer(_URL_RE.sub(" ", raw))]
        if "orcid" in raw.lower():
            found += [
                "https://orcid.org/" + m.group(0)
                for m in _ORCID_ID_RE.finditer(raw)
                if "orcid.org/" + m.group(0) not in raw
            ]
        for url in found:
            url = _clean_url(url)
            key = url.lower().rstrip("/")
            if key in seen or len(url) < 12:
                continue
            seen.add(key)
            kind = _kind(url)
            if kind == "other" and "homepage" not in links and not _NOT_HOMEPAGE.search(url):
                labelled = bool(_HOMEPAGE_LABEL_RE.search(to_markdown(raw)))
                near = index < header_end or index in contact
                personal = (
                    "~" in url
                    or ".github.io" in url.lower()
                    or (near and "github.com" not in url.lower())
                )
                if labelled or (personal and (index < max(header_end, 15) or index in contact)):
                    kind = "homepage"
            if kind == "other" or kind in links:
                if len(links["other"]) < 50:
                    links["other"].append(url)
                    evidence["other"].append(line.evidence())
            else:
                links[kind] = url
                evidence[kind] = line.evidence()
    if not evidence["other"]:
        del evidence["other"]
    return links, evidence
