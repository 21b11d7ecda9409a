"""Regenerate the demo CVs that are binary (PDF, DOCX) from the text below.

Run by developers only (needs fpdf2 from the dev extras): `python -m reviewapp.demo.build_samples`.
The people are fictional.
"""

from pathlib import Path

CVS = Path(__file__).parent / "cvs"

BECKER = """Dr. rer. nat. Jonas Becker
Lebenslauf

E-Mail: jonas.becker@physik.example.de
Telefon: +49 30 2093 4567
Web: https://jbecker.example.de

BERUFSERFAHRUNG
seit 2022  Wissenschaftlicher Mitarbeiter (Postdoc), Institut für Physik,
           Humboldt-Universität zu Berlin
2021 - 2022  Gastwissenschaftler, Max-Planck-Institut für Quantenoptik, Garching

AUSBILDUNG
2017 - 2021  Promotion (Dr. rer. nat.) in Physik, Ludwig-Maximilians-Universität München
2015 - 2017  Master of Science Physik, Technische Universität München
2012 - 2015  Bachelor of Science Physik, Universität Heidelberg

PUBLIKATIONEN
1. J. Becker, K. Hoffmann. Quantum simulation with trapped ions. Physical Review Letters, 2023.
2. J. Becker, L. Schulz, K. Hoffmann. Error mitigation for analogue simulators. PRX Quantum, 2022.
3. L. Schulz, J. Becker. Entanglement witnesses from few measurements. New Journal of Physics, 2021.

AUSZEICHNUNGEN
Promotionspreis der Fakultät für Physik, 2022
"""

MENSAH_LEFT = """KWAME MENSAH
Assistant Professor
Department of Civil Engineering
University of Ghana, Legon

kwame.mensah@ug-example.edu.gh
+233 30 221 3850

EDUCATION
PhD, Civil Engineering
Imperial College London
2014 - 2018

MSc, Structural Engineering
University of Cape Town
2012 - 2013

BSc, Civil Engineering
KNUST, Kumasi
2007 - 2011
"""

MENSAH_RIGHT = """CURRENT POSITION
Assistant Professor, University of Ghana
since 2019

PUBLICATIONS
[1] K. Mensah, A. Boateng. Low-carbon concrete
for tropical climates. Construction and
Building Materials, 2023.
[2] K. Mensah. Seismic retrofitting of masonry
schools. Engineering Structures, 2021.
[3] A. Boateng, K. Mensah. Life-cycle costs of
bridges in West Africa. Structures, 2020.

AWARDS
Royal Academy of Engineering Fellowship, 2020
"""

RAMAN_EDU = [
    ("2019 - present", "PhD candidate, Public Health", "Johns Hopkins University"),
    ("2017 - 2019", "MPH, Epidemiology", "University of Michigan"),
    ("2013 - 2017", "BSc, Biology", "University of Toronto"),
]


def build_pdfs() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in BECKER.splitlines():
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(CVS / "jonas_becker.pdf"))

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for x, text in ((12, MENSAH_LEFT), (110, MENSAH_RIGHT)):
        pdf.set_xy(x, 15)
        for line in text.splitlines():
            pdf.set_x(x)
            pdf.cell(88, 5.5, line, new_x="LEFT", new_y="NEXT")
    pdf.output(str(CVS / "kwame_mensah.pdf"))


def build_docx() -> None:
    from docx import Document

    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "Priya Raman - Curriculum Vitae"
    doc.add_heading("Priya Raman", level=0)
    doc.add_paragraph(
        "priya.raman@jhu-example.edu | +1 410 555 0199 | https://github.com/praman-example"
    )
    doc.add_heading("Education", level=1)
    table = doc.add_table(rows=0, cols=3)
    for row in RAMAN_EDU:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    doc.add_heading("Publications", level=1)
    for item in (
        "P. Raman, S. Cohen. Wastewater surveillance for early outbreak detection. "
        "Lancet Public Health, 2024.",
        "P. Raman. Bayesian nowcasting of hospital admissions. Epidemiology, 2022.",
    ):
        doc.add_paragraph(item, style="List Number")
    doc.add_heading("Awards", level=1)
    doc.add_paragraph("Delta Omega Honor Society, 2019", style="List Bullet")
    doc.save(str(CVS / "priya_raman.docx"))

    doc = Document()
    doc.add_heading("Daniel Okafor", level=0)
    doc.add_paragraph("Email: d.okafor@example.ac.uk")
    doc.add_paragraph("Lecturer in Economics, University of Manchester (2021 - present)")
    doc.add_heading("Education", level=1)
    doc.add_paragraph("PhD in Economics, London School of Economics, 2016 - 2021")
    doc.add_paragraph("MSc in Economics, University of Lagos, 2013 - 2015")
    doc.add_paragraph("BSc in Economics, University of Ibadan, 2009 - 2013")
    doc.add_heading("Publications", level=1)
    for item in (
        "D. Okafor. Mobile money and household savings. Journal of Development Economics, 2023.",
        "D. Okafor, R. Patel. Informal credit networks. World Bank Economic Review, 2022.",
        "D. Okafor. Remittances and school enrolment. Economic Journal, 2021.",
    ):
        doc.add_paragraph(item, style="List Bullet")
    doc.save(str(CVS / "daniel_okafor.docx"))


if __name__ == "__main__":
    build_pdfs()
    build_docx()
