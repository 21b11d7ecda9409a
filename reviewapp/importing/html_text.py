"""HTML to plain text with the standard library parser: no network, no DTD, no scripts."""

import re
from html.parser import HTMLParser

from reviewapp.importing.textnorm import decode_text

_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr",
    "ul", "caption", "summary", "details",
}  # fmt: skip
_CELL = {"td", "th"}
_DROPPED = {"script", "style", "title", "template", "noscript", "svg", "math", "iframe", "object"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "wbr"}
_META_CHARSET_RE = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
_SPACES_RE = re.compile(r"[ \t\r\n\f\v]+")
_EMAIL_RE = re.compile(r"[^@\s<>()\[\]]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")
_WEB_RE = re.compile(r"https?://[^\s<>()]+$", re.IGNORECASE)


class _TextCollector(HTMLParser):
    """Collect visible text; block elements become line breaks, table cells become tabs.

    A link whose text hides its target ("GitHub", "Email me") gets the target written after
    it in brackets, so the profile's e-mails and links are not lost with the markup.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropped_depth = 0
        self._pre_depth = 0
        self._in_head = False
        self._link: tuple[str, int] | None = None  # target, index of the link's first part

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("head", "body"):
            self._in_head = tag == "head"  # </head> is optional
            return
        if tag in _DROPPED:
            if tag not in _VOID:
                self._dropped_depth += 1
            return
        if tag == "pre":
            self._pre_depth += 1
        if tag == "a" and not (self._dropped_depth or self._in_head):
            self._link = _link_target(dict(attrs).get("href") or ""), len(self.parts)
        if tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag in _DROPPED:
            self._dropped_depth = max(0, self._dropped_depth - 1)
            return
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag == "a" and self._link is not None:
            target, first = self._link
            shown = "".join(self.parts[first:])
            if target and target.lower() not in shown.lower():
                self.parts.append(f" ({target})")
            self._link = None
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._dropped_depth or self._in_head:
            return
        self.parts.append(data if self._pre_depth else _SPACES_RE.sub(" ", data))


def _link_target(href: str) -> str:
    """The address a link shows a reader: an e-mail for mailto:, the URL for web links."""
    href = href.strip()
    if href.lower().startswith("mailto:"):
        address = href[7:].split("?", 1)[0].strip()
        return address if _EMAIL_RE.fullmatch(address) else ""
    if _WEB_RE.match(href) and len(href) <= 300 and not _SPACES_RE.search(href):
        return href
    return ""


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET_RE.search(data[:4096])
    if not match:
        return None
    charset = match.group(1).decode("ascii").lower()
    return None if charset.startswith(("utf-16", "utf-32", "x-user")) else charset


def html_to_text(data: bytes) -> str:
    """Visible text of an HTML document, one block per line, no blank lines."""
    collector = _TextCollector()
    collector.feed(decode_text(data, declared=_declared_charset(data)))
    collector.close()
    lines = (line.strip(" ") for line in "".join(collector.parts).split("\n"))
    lines = (line.replace(" \t", "\t").replace("\t ", "\t").strip("\t") for line in lines)
    return "\n".join(line for line in lines if line.strip())
