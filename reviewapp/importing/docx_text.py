"""DOCX to plain text: body in document order, tables row by row, text boxes, headers, footers.

python-docx opens the package (after ooxml.check_package has vetted it); the text walk runs on
the XML itself, because `Paragraph.text` misses text boxes, content controls and tracked
insertions, and `Row.cells` repeats merged cells.
"""

import io

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

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


def _related_parts(document, reltype: str) -> list:
    rels = [rel for rel in document.part.rels.values() if rel.reltype == reltype]
    parts = {id(rel.target_part): rel.target_part for rel in rels if not rel.is_external}
    return sorted(parts.values(), key=lambda part: str(part.partname))


def docx_to_text(data: bytes) -> str:
    """Headers, then the body, then footers; each block on its own line."""
    import docx

    document = docx.Document(io.BytesIO(data))
    out: list[str] = []
    for part in _related_parts(document, RT.HEADER):
        _blocks(part.element, out)
    out.append("")
    _blocks(document.element.body, out)
    out.append("")
    for part in _related_parts(document, RT.FOOTER):
        _blocks(part.element, out)
    return "\n".join(out)
