"""Import N generated CVs (PDF/DOCX/MD) with the CLI into a fresh database; compare with the raw
single-core text extraction of the same files by the underlying libraries. Prints, asserts nothing.

    .venv/bin/python benchmarks/import_bench.py [--count 1000] [--workers N]

Target: import throughput >= 1.0x raw single-core extraction throughput; peak RSS < 400 MB.
The generator below is also used by the browser test (tests/e2e/test_import_upload.py).
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

GIVEN = ["Maria", "Jonas", "Amelie", "Kwame", "Priya", "Daniel", "Sofia", "Omar", "Hannah",
         "Lucas", "Aiko", "Mateo", "Ingrid", "Tariq", "Elena", "Noah", "Fatima", "Henrik", "Chloe",
         "Ravi"]  # fmt: skip
FAMILY = ["Gonzalez", "Becker", "Laurent", "Mensah", "Raman", "Okafor", "Rossi", "Haddad",
          "Keller", "Silva", "Tanaka", "Novak", "Lindqvist", "Farouk", "Petrova", "Moreau",
          "Diallo", "Berg", "Dubois", "Iyer"]  # fmt: skip
UNIS = [
    "University of Ghent",
    "University of Oslo",
    "Delft University of Technology",
    "University of Toronto",
    "University of Cape Town",
    "Kyoto University",
]
TOPICS = ["graph neural networks", "causal inference", "protein folding",
          "robust optimisation", "sparse regression", "climate downscaling",
          "federated learning", "speech recognition"]  # fmt: skip


def cv_text(n: int, rng: random.Random) -> tuple[str, list[str]]:
    """(full name, CV lines) for person n: header, education, publications."""
    g, f = len(GIVEN), len(FAMILY)
    family = FAMILY[(n // g + n) % f]
    if n >= g * f:  # unique beyond 400 people: a double family name
        family += "-" + FAMILY[(n // (g * f)) % f]
    name = f"{GIVEN[n % g]} {family}"
    email = name.lower().replace(" ", ".") + f"{n}@example.org"
    uni = rng.choice(UNIS)
    lines = [name, f"Email: {email}", "", "Education",
             f"PhD in Computer Science, {uni}, 2016 - 2020",
             f"MSc in Mathematics, {rng.choice(UNIS)}, 2014 - 2016",
             "", "Publications"]  # fmt: skip
    for i in range(rng.randint(2, 5)):
        topic = rng.choice(TOPICS)
        lines.append(f"{i + 1}. {name}, A. Author. On {topic} at scale, part {n}-{i}. "
                     f"Journal of Examples, {2018 + i}.")  # fmt: skip
    return name, lines


def to_pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def to_docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_md(lines: list[str]) -> bytes:
    headings = ("Education", "Publications")
    out = [f"# {lines[0]}"] + [f"## {x}" if x in headings else x for x in lines[1:]]
    return "\n".join(out).encode()


def generate(count: int, seed: int = 1) -> list[tuple[str, bytes, str]]:
    """(file name, bytes, person's name) for `count` CVs cycling through PDF, DOCX and MD."""
    rng = random.Random(seed)
    files = []
    for n in range(count):
        name, lines = cv_text(n, rng)
        kind = ("pdf", "docx", "md")[n % 3]
        data = {"pdf": to_pdf, "docx": to_docx, "md": to_md}[kind](lines)
        files.append((f"cv_{n:05d}.{kind}", data, name))
    return files


def raw_extract(filename: str, data: bytes) -> str:
    """The libraries alone, no sniffing, isolation, layout analysis or parsing."""
    if filename.endswith(".pdf"):
        import pypdfium2

        pdf = pypdfium2.PdfDocument(data)
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in pdf)
        finally:
            pdf.close()
    if filename.endswith(".docx"):
        import docx

        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    return data.decode("utf-8")


def _cli(instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "REVIEWAPP_INSTANCE_PATH": str(instance)}
    env.pop("REVIEWAPP_DATABASE_URL", None)
    command = [str(Path(sys.executable).parent / "reviewapp"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True)


def _raw_seconds(files) -> float:
    start = time.perf_counter()
    for name, data, _person in files:
        raw_extract(name, data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        folder, instance = Path(tmp) / "cvs", Path(tmp) / "instance"
        folder.mkdir()
        instance.mkdir()
        files = generate(args.count)
        for name, data, _person in files:
            (folder / name).write_bytes(data)
        for kind in ("pdf", "docx", "md"):  # warm up: library imports are not throughput
            raw_extract(*next((n, d) for n, d, _ in files if n.endswith(kind)))
        raw_before = _raw_seconds(files)
        _cli(instance, "db", "upgrade")
        _cli(instance, "positions", "create", "bench", "--title", "Benchmark")
        command = ["import", "bench", str(folder), "--json"]
        if args.workers is not None:
            command += ["--workers", str(args.workers)]
        start = time.perf_counter()
        result = _cli(instance, *command)
        cli_seconds = time.perf_counter() - start
        raw_after = _raw_seconds(files)  # again: the machine's load may have changed meanwhile
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads(result.stdout)
    batch_seconds = (
        datetime.fromisoformat(report["finished_at"]) - datetime.fromisoformat(report["created_at"])
    ).total_seconds()
    raw_seconds = (raw_before + raw_after) / 2
    rate = args.count / raw_seconds
    print(f"CVs: {args.count} (PDF/DOCX/MD), cores: {os.cpu_count()}, "
          f"load average before/after: {load_before:.1f}/{os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'measure':<58}{'seconds':>9}{'CVs/s':>9}{'ratio':>8}")
    rows = [
        (f"raw extraction, 1 core (before {raw_before:.2f} s, after {raw_after:.2f} s)",
         raw_seconds),
        ("reviewapp import: the batch (created -> finished)", batch_seconds),
        ("reviewapp import: whole CLI run (+ interpreter, app start)", cli_seconds),
    ]  # fmt: skip
    for label, seconds in rows:
        ratio = (args.count / seconds) / rate
        print(f"{label:<58}{seconds:>9.2f}{args.count / seconds:>9.1f}{ratio:>7.2f}x")
    fixed = cli_seconds - batch_seconds
    print(f"  of the whole CLI run, {fixed:.2f} s is fixed cost, not per file: "
          "interpreter, imports, app start, reading the folder, exit")  # fmt: skip
    print("target: import >= 1.0x raw extraction throughput (the batch: the import's own rate)")
    print(f"peak RSS of one process (largest child): {peak_mb:.0f} MB (target < 400)")
    print(f"report totals: {report['totals']}")


if __name__ == "__main__":
    main()
