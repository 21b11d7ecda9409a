"""parse_cv on synthetic CVs in several layouts and languages (none of them from the seeds)."""

import json

import pytest

from reviewapp.importing.parse import parse_cv

pytestmark = pytest.mark.unit

GERMAN_CV = """\
Lebenslauf

Dr. rer. nat. Anna Schmidt
Musterstraße 12, 10115 Berlin
Tel.: 030/1234567
E-Mail: anna.schmidt@physik.example.de

Berufserfahrung
seit 10/2020\tWissenschaftliche Mitarbeiterin, Institut für Physik, Humboldt-Universität zu Berlin
2019 – 2020\tPostdoc, Max-Planck-Institut für Quantenoptik

Ausbildung
10/2015 – 09/2019\tPromotion (Dr. rer. nat.) in Physik, Technische Universität München
2012 – 2014\tMaster of Science Physik, Universität Heidelberg
2009 – 2012\tBachelor of Science Physik, Universität Heidelberg

Publikationen
1. A. Schmidt, B. Weber. Quantenpunkte in Silizium. Phys. Rev. B 101, 2020.
2. A. Schmidt. Spin-Qubits neu betrachtet. Nature Physics 15, 2019.

Preise und Stipendien
2019\tPromotionspreis der Technischen Universität München
2012\tDeutschlandstipendium
"""

FRENCH_CV = """\
CURRICULUM VITAE

Marie-Claire DUBOIS
marie-claire.dubois (at) ens (dot) fr
Tél. : +33 1 44 32 30 00

FORMATION
2016 – 2019 : Doctorat en informatique, Université Paris-Saclay
2014 – 2016 : Master en informatique, École normale supérieure
2011 – 2014 : Licence de mathématiques, Sorbonne Université

EXPÉRIENCE PROFESSIONNELLE
Depuis 2020 : Maître de conférences, Université de Lille
2019 – 2020 : Chercheuse postdoctorale, Inria

PUBLICATIONS ET COMMUNICATIONS
[1] M.-C. Dubois, P. Martin. Apprentissage profond pour les graphes. Revue d'IA, 2021.
[2] M.-C. Dubois. Graphes et réseaux aléatoires. Actes de la conférence CAp, 2019.
[3] P. Martin, M.-C. Dubois, L. Bernard. Plongements de graphes dynamiques. Actes de EGC, 2018.
"""

SPANISH_CV = """\
María José Fernández-López
Correo: mjfernandez@correo.example.es | Teléfono: +34 958 24 30 00

FORMACIÓN ACADÉMICA
Doctorado en Física, Universidad de Granada, 2014 - 2018
Grado en Física, Universidad de Sevilla, 2010 - 2014

EXPERIENCIA
2019 - actualidad  Investigadora postdoctoral, Universidad Complutense de Madrid

PUBLICACIONES
- Fernández-López, M. J., & García, P. (2020). Ondas gravitacionales en cúmulos estelares.
  Revista Mexicana de Física, 66, 1-10.
- Fernández-López, M. J. (2019). Materia oscura en galaxias enanas. Astronomy & Astrophysics.

PREMIOS
- Premio Extraordinario de Doctorado, Universidad de Granada (2019)
- Beca FPU del Ministerio de Educación (2014)
"""

CJK_CV = """\
王小明 (Xiaoming Wang)
Email: xiaoming.wang@pku.example.cn  ·  Phone: +86 138 0013 8000
Homepage: https://xmwang.github.io

Education
Ph.D. in Computer Science, Peking University, 2019 - present
B.Eng. in Software Engineering, Tsinghua University, 2015 - 2019

Publications
[1] Xiaoming Wang, Li Zhang. Graph transformers for code search. ICSE, 2023.
[2] Li Zhang, Xiaoming Wang, Hao Chen. Retrieval-augmented program repair. FSE, 2022.
"""

TWO_LINE_NAME_CV = """\
JOSÉ
FERNÁNDEZ-LÓPEZ
Assistant Professor of Economics
Department of Economics, University of Chicago
jfl@uchicago.example.edu

EDUCATION
Ph.D. in Economics, Harvard University, 2016–2021
B.A. in Economics, Universidad de los Andes, 2010–2014
"""

FAMILY_FIRST_CAPS_CV = """\
ZHANG Wei
Research Scientist
wei.zhang@example.com

EDUCATION
PhD in Statistics, National University of Singapore, 2012 - 2016
"""

OBFUSCATED_CV = """\
Peter Novak
peter.novak [at] cs.example.edu
Personal: p.novak AT gmail DOT com; alumni: pnovak (at) alumni (dot) example (dot) org
I was a visiting researcher at Example Labs. Write to me at any time.

Education
MSc Computer Science, Charles University, 2018
"""

TWO_COLUMN_CV = """\
Lena Fischer                                   lena.fischer@example.org
EDUCATION                                      SKILLS
PhD in Biology, University of Vienna           Python, R
2016 - 2020                                    Microscopy
MSc in Biology, University of Graz             Statistics
2014 - 2016
PUBLICATIONS
[1] L. Fischer, K. Huber. Cell migration in zebrafish embryos. Development 147, 2020.
[2] L. Fischer. Actin dynamics at the leading edge. J. Cell Sci. 130, 2017.
EDUCATION (continued)
BSc in Biology, University of Graz
2011 - 2014
"""

J1_C1_CV = """\
Arjun Kumar
arjun.kumar@example.in

Publications
Journal Articles
J1. A. Kumar, B. Singh. Robust control of quadrotor drones. IEEE Trans. Robotics 36(2), 2020.
J2. A. Kumar. Adaptive filtering for small UAVs. Automatica 101, 2019.
Conference Papers
C1. A. Kumar, C. Lee. Learning to fly in cluttered forests. In Proc. ICRA, 2021.
C2. A. Kumar, D. Park, C. Lee. Safe exploration for aerial robots. In Proc. IROS, 2018.
Workshop Papers
W1. A. Kumar. Drones in the wild: lessons learned. RSS Workshop, 2017.
"""

NO_EMAIL_CV = """\
Curriculum Vitae
Olusegun Adeyemi
Lagos, Nigeria

Education
2010 - 2014 BSc Chemistry, University of Lagos
"""

TABLE_CV = """\
Ingrid Solberg
ingrid.solberg@example.no | +47 22 85 50 50

Education
Degree\tInstitution\tYears
PhD\tUniversity of Oslo\t2018–2022
MSc\tNTNU\t2016–2018
BSc\tUniversity of Bergen\t2013–2016
"""

FACULTY_CV = """\
Jane Q. Doe, Ph.D.
Assistant Professor, Department of Computer Science, Stanford University
353 Jane Stanford Way, Stanford, CA 94305
(650) 555-0142 | jdoe@cs.stanford.example.edu | https://cs.stanford.example.edu/~jdoe
ORCID: 0000-0002-1825-0097 | Scholar: https://scholar.google.com/citations?user=abcDEF123
github.com/janedoe

EMPLOYMENT
2021–present   Assistant Professor, Stanford University
2019–2021      Postdoctoral Fellow, Harvard University

EDUCATION
Ph.D., Computer Science, Massachusetts Institute of Technology, 2019
B.S., Computer Science, Cornell University, 2013

SELECTED PUBLICATIONS
1. Doe, J., & Roe, R. (2022). Graph neural networks at scale. J. Mach. Learn. Res., 23, 1–40.
2. J. Doe, "Fast sparse solvers for graph Laplacians," in Proc. NeurIPS, 2020.

AWARDS
NSF CAREER Award, 2023
Sloan Research Fellowship, 2022
"""

SMALL_CAPS_LIGATURE_CV = """\
Søren Kierkegård
soren.k@example.dk

E DUCATION
2015–2019  Ph.D. in Scientiﬁc Computing, Technical University of Denmark

P UBLICATIONS
• S. Kierkegård, A. Jensen. Efﬁcient ﬁnite element solvers. SIAM J. Sci. Comput. 41, 2019.
• S. Kierkegård. Multigrid methods revisited. Numer. Math. 140, 2018.
"""

MARKDOWN_CV = """\
# **Dr. Amelia Hart**

**Email:** [a.hart@example.ac.uk](mailto:a.hart@example.ac.uk) | **Web:** <https://ahart.example.org>

## Education

- **University of Edinburgh** — *PhD in Linguistics* — Sept. 2018 – Jan. 2023 (expected)
- **University of York** — *BA in English Language* — 2014–2017

## Publications

1. **Hart, A.**, & Byrne, C. (2022). *Prosody in code-switching*. Journal of Phonetics, 91.
2. Byrne, C., **Hart, A.** (2021). *Vowel mergers in Scots*. Language Variation and Change.

## Honours and Awards

- Best Student Paper, Interspeech 2021
"""

ACL_LISTING = """\
Amelia Hart


2022

pdf bib
Prosody in Code-Switching Corpora
Amelia Hart | Ciaran Byrne
Proceedings of the 2022 Conference on Empirical Methods in Natural Language Processing

We study prosody in bilingual corpora and find that speakers align their pitch accents.

2021

pdf bib abs
Vowel Mergers in Scots
Ciaran Byrne | Amelia Hart
Findings of the Association for Computational Linguistics: ACL 2021

An abstract about vowels.
"""

UK_CV = """\
John A. Smith
Department of Chemistry
University of Cambridge
Lensfield Road, Cambridge CB2 1EW, UK
+44 1223 336300 · js123@cam.example.ac.uk

Research Interests
Computational chemistry, machine learning for materials.

Employment
2022–present Research Fellow, Trinity College, University of Cambridge
2020–2022 Postdoctoral Researcher, ETH Zürich

Education
2016–2020 PhD in Chemistry, Imperial College London
Thesis: Machine learning potentials for water
2012–2016 MChem, University of Oxford

Publications
1. J. A. Smith, P. Jones, and R. Brown, “Neural network potentials for liquid
water,” J. Chem. Phys. 152, 044103 (2020).
2. J. A. Smith and P. Jones, “Active learning of reactive potentials,” Phys. Rev.
Lett. 124, 186001 (2020).
3. P. Jones, J. A. Smith, “Coarse-grained models of ice,” Nat. Commun. 11, 1 (2019).
"""

EUROPASS_CV = """\
Curriculum Vitae Europass

PERSONAL INFORMATION\tMaria Rossi
\tVia Roma 1, 00100 Roma (Italia)
\t+39 06 1234 5678
\tmaria.rossi@example.it

WORK EXPERIENCE
01/03/2021–Present\tAssegnista di ricerca
\tUniversità di Bologna, Bologna (Italia)

EDUCATION AND TRAINING
01/11/2017–28/02/2021\tDottorato di ricerca in Informatica
\tUniversità di Pisa, Pisa (Italia)
01/10/2015–20/07/2017\tLaurea magistrale in Informatica
\tUniversità di Pisa
"""

INDIAN_CV = """\
RESUME

PRIYA SHARMA
Mobile: +91-98765-43210 | Email: priya.sharma@example.co.in
LinkedIn: linkedin.com/in/priyasharma | GitHub: github.com/priyasharma

OBJECTIVE
To obtain a research position in machine learning.

ACADEMIC QUALIFICATIONS
M.Tech (Computer Science), IIT Bombay, 2019 – 2021, CGPA 9.1/10
B.Tech (Information Technology), NIT Trichy, 2015 – 2019, CGPA 8.7/10

WORK EXPERIENCE
Data Scientist, Flipkart, Bangalore (Jul 2021 – Present)

PUBLICATIONS
• P. Sharma, R. Gupta, "Attention-based models for Hindi NER," Proc. COLING 2020.
"""

DATES_ABOVE_CV = """\
Tomás Ruiz
tomas@example.org

EDUCATION

2016 – 2020
PhD in Neuroscience
University College London

2014 – 2016
MSc in Cognitive Science
University of Amsterdam
"""

DEGREE_FIRST_CV = """\
Alex Kim (they/them)
alex.kim@example.org

Education
B.S. in Physics (expected May 2026)
University of Michigan, Ann Arbor
GPA: 3.9/4.0
"""


def _edu(profile, key: str) -> list:
    return [entry[key] for entry in profile.education]


def test_german_lebenslauf_reads_name_phone_and_promotion():
    profile = parse_cv(GERMAN_CV)
    assert (profile.name, profile.given_name, profile.family_name) == (
        "Anna Schmidt",
        "Anna",
        "Schmidt",
    )
    assert profile.emails == ["anna.schmidt@physik.example.de"]
    assert (profile.phone, profile.phone_as_written) == ("030/1234567", "030/1234567")
    assert _edu(profile, "degree") == ["PhD", "MS", "BS"]
    assert _edu(profile, "institution") == [
        "Technische Universität München",
        "Universität Heidelberg",
        "Universität Heidelberg",
    ]
    assert (profile.education[0]["start"], profile.education[0]["end"]) == ("2015-10", "2019-09")
    assert profile.current_position == {
        "title": "Wissenschaftliche Mitarbeiterin",
        "institution": "Humboldt-Universität zu Berlin",
    }
    assert profile.publications["count"] == 2
    assert profile.awards == [
        "2019 Promotionspreis der Technischen Universität München",
        "2012 Deutschlandstipendium",
    ]


def test_french_cv_reads_doctorat_and_obfuscated_email():
    profile = parse_cv(FRENCH_CV)
    assert (profile.name, profile.name_as_written) == ("Marie-Claire Dubois", "Marie-Claire DUBOIS")
    assert profile.emails == ["marie-claire.dubois@ens.fr"]
    assert profile.phone == "+33 1 44 32 30 00"
    assert _edu(profile, "degree") == ["PhD", "MSc", "BSc"]
    assert _edu(profile, "institution") == [
        "Université Paris-Saclay",
        "École normale supérieure",
        "Sorbonne Université",
    ]
    assert profile.current_position == {
        "title": "Maître de conférences",
        "institution": "Université de Lille",
    }
    titles = [item["title"] for item in profile.publications["items"]]
    assert titles == [
        "Apprentissage profond pour les graphes",
        "Graphes et réseaux aléatoires",
        "Plongements de graphes dynamiques",
    ]
    assert profile.publications["items"][2]["authors"] == [
        "P. Martin",
        "M.-C. Dubois",
        "L. Bernard",
    ]


def test_spanish_cv_reads_doctorado_and_apa_references():
    profile = parse_cv(SPANISH_CV)
    assert (profile.given_name, profile.family_name) == ("María José", "Fernández-López")
    assert profile.phone == "+34 958 24 30 00"
    assert _edu(profile, "degree") == ["PhD", "BSc"]
    assert _edu(profile, "field") == ["Física", "Física"]
    assert profile.current_position == {
        "title": "Investigadora postdoctoral",
        "institution": "Universidad Complutense de Madrid",
    }
    first = profile.publications["items"][0]
    assert first == {
        "title": "Ondas gravitacionales en cúmulos estelares",
        "authors": ["Fernández-López, M. J.", "García, P."],
        "venue": "Revista Mexicana de Física, 66, 1-10",
        "year": 2020,
    }
    assert len(profile.awards) == 2


def test_cjk_name_uses_latin_form_and_keeps_native():
    profile = parse_cv(CJK_CV)
    assert (profile.name, profile.name_native) == ("Xiaoming Wang", "王小明")
    assert profile.name_as_written == "王小明 (Xiaoming Wang)"
    assert profile.phone == "+86 138 0013 8000"
    assert profile.links["homepage"] == "https://xmwang.github.io"
    assert _edu(profile, "degree") == ["PhD", "BEng"]
    assert (profile.education[0]["current"], profile.education[0]["end"]) == (True, None)
    assert profile.current_position == {"title": "PhD student", "institution": "Peking University"}


def test_name_split_over_two_lines_in_caps_is_joined_and_recased():
    profile = parse_cv(TWO_LINE_NAME_CV)
    assert profile.name == "José Fernández-López"
    assert profile.name_as_written == "JOSÉ FERNÁNDEZ-LÓPEZ"
    assert profile.evidence["name"] == {"line": 1, "text": "JOSÉ"}
    assert profile.current_position == {
        "title": "Assistant Professor",
        "institution": "University of Chicago",
    }
    assert _edu(profile, "degree") == ["PhD", "BA"]


def test_family_name_first_in_caps_is_reordered():
    profile = parse_cv(FAMILY_FIRST_CAPS_CV)
    assert (profile.name, profile.name_as_written) == ("Wei Zhang", "ZHANG Wei")
    assert (profile.given_name, profile.family_name) == ("Wei", "Zhang")


def test_obfuscated_emails_are_all_found_in_order():
    profile = parse_cv(OBFUSCATED_CV)
    assert profile.emails == [
        "peter.novak@cs.example.edu",
        "p.novak@gmail.com",
        "pnovak@alumni.example.org",
    ]
    assert [e["line"] for e in profile.evidence["emails"]] == [2, 3, 3]
    assert profile.current_position is None


def test_two_column_cv_keeps_left_column_and_merges_continued_section():
    profile = parse_cv(TWO_COLUMN_CV)
    assert profile.name == "Lena Fischer"
    assert _edu(profile, "degree") == ["PhD", "MSc", "BSc"]
    assert _edu(profile, "institution") == [
        "University of Vienna",
        "University of Graz",
        "University of Graz",
    ]
    assert _edu(profile, "start") == ["2016", "2014", "2011"]
    assert profile.publications["count"] == 2


def test_journal_and_conference_numbering_splits_items_under_subheadings():
    profile = parse_cv(J1_C1_CV)
    items = profile.publications["items"]
    assert profile.publications["count"] == 5
    assert [item["year"] for item in items] == [2020, 2019, 2021, 2018, 2017]
    assert items[3] == {
        "title": "Safe exploration for aerial robots",
        "authors": ["A. Kumar", "D. Park", "C. Lee"],
        "venue": "In Proc. IROS, 2018",
        "year": 2018,
    }


def test_cv_without_email_has_no_email_and_no_email_evidence():
    profile = parse_cv(NO_EMAIL_CV)
    assert profile.name == "Olusegun Adeyemi"
    assert profile.emails == []
    assert "emails" not in profile.evidence
    assert profile.education[0]["institution"] == "University of Lagos"


def test_tab_table_education_reads_each_row():
    profile = parse_cv(TABLE_CV)
    assert _edu(profile, "degree") == ["PhD", "MSc", "BSc"]
    assert _edu(profile, "institution") == ["University of Oslo", "NTNU", "University of Bergen"]
    assert _edu(profile, "end") == ["2022", "2018", "2016"]


def test_us_faculty_cv_reads_position_links_and_awards():
    profile = parse_cv(FACULTY_CV)
    assert (profile.name, profile.family_name) == ("Jane Q. Doe", "Doe")
    assert (profile.phone, profile.phone_as_written) == ("(650) 555-0142", "(650) 555-0142")
    assert profile.current_position == {
        "title": "Assistant Professor",
        "institution": "Stanford University",
    }
    assert profile.links == {
        "other": [],
        "homepage": "https://cs.stanford.example.edu/~jdoe",
        "orcid": "https://orcid.org/0000-0002-1825-0097",
        "scholar": "https://scholar.google.com/citations?user=abcDEF123",
        "github": "https://github.com/janedoe",
    }
    assert _edu(profile, "degree") == ["PhD", "BS"]
    assert _edu(profile, "institution") == [
        "Massachusetts Institute of Technology",
        "Cornell University",
    ]
    titles = [item["title"] for item in profile.publications["items"]]
    assert titles == ["Graph neural networks at scale", "Fast sparse solvers for graph Laplacians"]
    assert profile.awards == ["NSF CAREER Award, 2023", "Sloan Research Fellowship, 2022"]


def test_small_caps_headings_and_ligatures_are_repaired():
    profile = parse_cv(SMALL_CAPS_LIGATURE_CV)
    assert profile.education[0]["field"] == "Scientific Computing"
    titles = [item["title"] for item in profile.publications["items"]]
    assert titles == ["Efficient finite element solvers", "Multigrid methods revisited"]


def test_markdown_cv_reads_emphasis_links_and_expected_degree():
    profile = parse_cv(MARKDOWN_CV)
    assert (profile.name, profile.name_as_written) == ("Amelia Hart", "Amelia Hart")
    assert profile.emails == ["a.hart@example.ac.uk"]
    assert profile.links["homepage"] == "https://ahart.example.org"
    phd, ba = profile.education
    assert (phd["degree"], phd["institution"], phd["start"], phd["end"]) == (
        "PhD",
        "University of Edinburgh",
        "2018-09",
        "2023-01",
    )
    assert (phd["expected"], phd["current"]) == (True, True)
    assert (ba["degree"], ba["field"], ba["end"]) == ("BA", "English Language", "2017")
    titles = [item["title"] for item in profile.publications["items"]]
    assert titles == ["Prosody in code-switching", "Vowel mergers in Scots"]
    assert profile.publications["items"][1]["authors"] == ["Byrne, C.", "Hart, A."]
    assert profile.awards == ["Best Student Paper, Interspeech 2021"]


def test_acl_style_listing_yields_name_and_publications():
    profile = parse_cv(ACL_LISTING)
    assert profile.name == "Amelia Hart"
    assert profile.publications["items"] == [
        {
            "title": "Prosody in Code-Switching Corpora",
            "authors": ["Amelia Hart", "Ciaran Byrne"],
            "venue": "Proceedings of the 2022 Conference on Empirical Methods in Natural Language "
            "Processing",
            "year": 2022,
        },
        {
            "title": "Vowel Mergers in Scots",
            "authors": ["Ciaran Byrne", "Amelia Hart"],
            "venue": "Findings of the Association for Computational Linguistics: ACL 2021",
            "year": 2021,
        },
    ]
    assert [e["line"] for e in profile.evidence["publications"]] == [7, 16]


def test_evidence_quotes_the_original_line():
    profile = parse_cv(SMALL_CAPS_LIGATURE_CV)
    assert profile.evidence["education"] == [
        {
            "line": 5,
            "text": "2015–2019  Ph.D. in Scientiﬁc Computing, Technical University of Denmark",
        }
    ]
    assert profile.evidence["emails"] == [{"line": 2, "text": "soren.k@example.dk"}]


def test_profile_to_dict_is_json_serialisable():
    data = parse_cv(FACULTY_CV).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert sorted(data) == sorted(
        [
            "name",
            "name_as_written",
            "given_name",
            "family_name",
            "name_native",
            "emails",
            "phone",
            "phone_as_written",
            "links",
            "education",
            "current_position",
            "publications",
            "awards",
            "evidence",
        ]
    )


def test_uk_cv_reads_wrapped_quoted_titles_and_college_institution():
    profile = parse_cv(UK_CV)
    assert profile.phone == "+44 1223 336300"
    assert _edu(profile, "degree") == ["PhD", "MSc"]
    assert _edu(profile, "institution") == ["Imperial College London", "University of Oxford"]
    assert profile.current_position == {
        "title": "Research Fellow",
        "institution": "University of Cambridge",
    }
    first = profile.publications["items"][0]
    assert first == {
        "title": "Neural network potentials for liquid water",
        "authors": ["J. A. Smith", "P. Jones", "R. Brown"],
        "venue": "J. Chem. Phys. 152, 044103 (2020)",
        "year": 2020,
    }
    assert profile.publications["count"] == 3


def test_europass_italian_cv_reads_tabbed_name_and_dottorato():
    profile = parse_cv(EUROPASS_CV)
    assert profile.name == "Maria Rossi"
    assert profile.phone == "+39 06 1234 5678"
    assert _edu(profile, "degree") == ["PhD", "MSc"]
    assert _edu(profile, "start") == ["2017-11", "2015-10"]
    assert _edu(profile, "institution") == ["Università di Pisa", "Università di Pisa"]
    assert profile.current_position == {
        "title": "Assegnista di ricerca",
        "institution": "Università di Bologna",
    }


def test_indian_cv_reads_tech_degrees_and_keywordless_institutes():
    profile = parse_cv(INDIAN_CV)
    assert (profile.name, profile.name_as_written) == ("Priya Sharma", "PRIYA SHARMA")
    assert profile.phone == "+91 98765 43210"
    assert _edu(profile, "degree") == ["MEng", "BEng"]
    assert _edu(profile, "field") == ["Computer Science", "Information Technology"]
    assert _edu(profile, "institution") == ["IIT Bombay", "NIT Trichy"]
    assert profile.current_position == {"title": "Data Scientist", "institution": "Flipkart"}
    assert profile.links == {
        "other": [],
        "linkedin": "https://linkedin.com/in/priyasharma",
        "github": "https://github.com/priyasharma",
    }


def test_dates_above_degree_layout_assigns_each_date_to_its_entry():
    profile = parse_cv(DATES_ABOVE_CV)
    assert [(e["degree"], e["institution"], e["start"], e["end"]) for e in profile.education] == [
        ("PhD", "University College London", "2016", "2020"),
        ("MSc", "University of Amsterdam", "2014", "2016"),
    ]


def test_degree_first_layout_with_pronouns_and_expected_date():
    profile = parse_cv(DEGREE_FIRST_CV)
    assert profile.name == "Alex Kim"
    (entry,) = profile.education
    assert (entry["degree"], entry["institution"], entry["end"], entry["expected"]) == (
        "BS",
        "University of Michigan, Ann Arbor",
        "2026-05",
        True,
    )


def test_current_position_takes_institution_from_its_own_line():
    text = (
        "Lena Moreau\nlena.moreau@example.org\n\nEXPERIENCE\n\n"
        "Staff Scientist, Centre for Marine Ecology, Institut Pasteur, June 2022 – present\n"
        "Visiting researcher, University of Oxford, 2020\n"
    )
    profile = parse_cv(text).to_dict()
    assert profile["current_position"] == {
        "title": "Staff Scientist",
        "institution": "Institut Pasteur",
    }
