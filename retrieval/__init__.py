"""Storage and search: paragraphs in SQLite, ranked with BM25; never imports discord."""

from retrieval.answer import Answer, Excerpt, Hit, IngestResult, ReportSummary
from retrieval.library import Library

__all__ = ["Answer", "Excerpt", "Hit", "IngestResult", "Library", "ReportSummary"]
