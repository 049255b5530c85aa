"""Write the small example files docs/adding-reports.md runs its examples on.

    uv run python tests/corpus/documents/make_doc_examples.py

A short report as a PDF (fpdf2: masthead, running header and footer, superscript footnote
marks, footnotes at the foot of the page) and as a saved web page; a password-protected PDF; a
scanned PDF (an image, no text); a search-results page with no report.
"""

from __future__ import annotations

from pathlib import Path

from corpus.metadata import MetaFlags
from corpus.parse import parse_document
from tests.corpus.documents.bad_pdfs import encrypted_pdf, scanned_pdf
from tests.corpus.documents.fpdf_report import Style, render_pdf
from tests.corpus.documents.pages import saved_page

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
REPORT = "\n\n".join(
    [
        "Distr.: General\n2 March 2099",
        "Report of the Secretary-General on the threat posed by the example network",
        "I. Introduction",
        "1. The present report describes how the example network moved funds across the "
        "region during the period under review.¹",
        "II. Threat assessment",
        "2. Member States reported that the network relied on couriers and on front companies "
        "to move cash.² Several couriers were arrested at border crossings.",
        "3. Cooperation between financial intelligence units improved, and two front companies "
        "were closed.",
        "¹ Information provided by a Member State.",
        "² See S/2018/80, para. 14.",
    ]
)
SEARCH_PAGE = """<!DOCTYPE html>
<html><head><title>Search results</title><script>var q = "ISIL";</script></head>
<body><nav><a href="/">Home</a> <a href="/search">Search</a></nav>
<h1>Search results for “ISIL”</h1>
<ol><li><a href="/S/2018/80">S/2018/80</a></li><li><a href="/S/2016/501">S/2016/501</a></li></ol>
</body></html>
"""


def main() -> int:
    parsed = parse_document(REPORT, flags=MetaFlags(symbol="S/2099/5"))
    style = Style(page=(595.0, 842.0), footer="{job}  {page}/{nb}")
    files = {
        "short-report.pdf": render_pdf(parsed, style),
        "short-report.html": saved_page(parsed).encode("utf-8"),
        "protected.pdf": encrypted_pdf(),
        "scanned.pdf": scanned_pdf(),
        "search-results.html": SEARCH_PAGE.encode("utf-8"),
    }
    for name, data in files.items():
        (EXAMPLES / name).write_bytes(data)
        print(EXAMPLES / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
