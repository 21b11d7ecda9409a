"""DOCX to plain text: body in document order, tables row by row, text boxes, headers, footers.

The package is read with zipfile and lxml (python-docx's own XML layer), after
ooxml.check_package has vetted it: only the main document part, its headers and its footers
are parsed. Opening it with `docx.Document` would also parse styles, numbering, settings and
theme parts, which cost ten times the text walk and contribute no text. The walk runs on the
XML itself, because `Paragraph.text` misses text boxes, content controls and tracked
insertions, and `Row.cells` repeats merged cells.
"""

import io
import posixpath
import zipfile

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

_MC_NS = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_SDT, W_SDT_CONTENT, W_TXBX = qn("w:sdt"), qn("w:sdtContent"), qn("w:txbxContent")
W_T, W_TAB, W_BR, W_CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_TC_PR, W_VMERGE, W_VAL = qn("w:tcPr"), qn("w:vMerge"), qn("w:val")
W_NB_HYPHEN = qn("w:noBreakHyphen")
_SKIPPED = {
    qn("w:pPr"), qn("w:rPr"), qn("w:del"), qn("w:delText"), qn("w:moveFrom"), qn("w:instrText"),
    qn("w:fldData"), qn("w:sdtPr"), qn("w:sdtEndPr"), qn("w:tcPr"), qn("w:trPr"), qn("w:tblPr"),
    qn("w:tblGrid"), f"{_MC_NS}Fallback",
}  # fmt: skip


def _inline(element, buf: list[str], boxes: list) -> None:
    """Text of a paragraph's runs in order; text boxes are set aside for after the paragraph."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == W_T:
            buf.append(child.text or "")
        elif tag == W_TAB:
            buf.append("\t")
        elif tag in (W_BR, W_CR):
            buf.append("\n")
        elif tag == W_NB_HYPHEN:
            buf.append("-")
        elif tag == W_TXBX:
            boxes.append(child)
        else:
            _inline(child, buf, boxes)


def _paragraph(p, out: list[str]) -> None:
    buf: list[str] = []
    boxes: list = []
    _inline(p, buf, boxes)
    out.extend("".join(buf).split("\n"))
    for box in boxes:
        _blocks(box, out)


def _is_merge_continuation(tc) -> bool:
    tc_pr = tc.find(W_TC_PR)
    if tc_pr is None:
        return False
    vmerge = tc_pr.find(W_VMERGE)
    return vmerge is not None and vmerge.get(W_VAL, "continue") == "continue"


def _table(tbl, out: list[str]) -> None:
    """One line per row, cells joined by tabs; multi-line cells one after another."""
    for tr in tbl.iter(W_TR):
        if tr.getparent() is not tbl:
            continue  # a nested table's row: handled inside its cell
        cells: list[list[str]] = []
        for tc in tr.iterchildren(W_TC):
            if _is_merge_continuation(tc):
                continue  # vertically merged: the text is in the first cell of the merge
            lines: list[str] = []
            _blocks(tc, lines)
            cells.append([line for line in lines if line.strip()])
        if all(len(lines) <= 1 for lines in cells):
            row = "\t".join(lines[0].strip() for lines in cells if lines)
            if row:
                out.append(row)
        else:
            for lines in cells:
                out.extend(lines)


def _blocks(container, out: list[str]) -> None:
    """Paragraphs and tables of a body, cell, header, footer or text box, in document order."""
    for child in container:
        tag = child.tag
        if tag == W_P:
            _paragraph(child, out)
        elif tag == W_TBL:
            _table(child, out)
        elif tag == W_SDT:
            content = child.find(W_SDT_CONTENT)
            if content is not None:
                _blocks(content, out)


# No DTDs, entities or network: check_package has refused DTDs already; this is belt and braces.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
)
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
W_BODY = qn("w:body")


def _xml(zf: zipfile.ZipFile, name: str):
    return etree.fromstring(zf.read(name), _PARSER)


def _relations(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(type, part name) of the internal relationships of `part` ("" for the package)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in zf.NameToInfo:
        return []
    out = []
    for rel in _xml(zf, rels_name).iter(_REL):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        name = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out.append((rel.get("Type") or "", posixpath.normpath(name)))
    return out


def _related_parts(zf: zipfile.ZipFile, part: str, reltype: str) -> list[str]:
    names = {name for kind, name in _relations(zf, part) if kind == reltype}
    return sorted(name for name in names if name in zf.NameToInfo)


def docx_to_text(data: bytes) -> str:
    """Headers, then the body, then footers; each block on its own line."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        mains = _related_parts(zf, "", RT.OFFICE_DOCUMENT)
        main = mains[0] if mains else "word/document.xml"
        body = _xml(zf, main).find(W_BODY)
        if body is None:
            raise ValueError("no document body")
        out: list[str] = []
        for part in _related_parts(zf, main, RT.HEADER):
            _blocks(_xml(zf, part), out)
        out.append("")
        _blocks(body, out)
        out.append("")
        for part in _related_parts(zf, main, RT.FOOTER):
            _blocks(_xml(zf, part), out)
    return "\n".join(out)
