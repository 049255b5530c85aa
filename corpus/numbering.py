"""Paragraph numbers must run 1..N, since a citation names exactly one paragraph."""

from __future__ import annotations

from collections.abc import Sequence

from corpus.errors import ParseError

IRREGULAR_HINT = (
    "if the report really is numbered this way, ingest it with --allow-irregular "
    "(gaps then become warnings)"
)


def check_numbering(
    numbers: Sequence[tuple[int, int]], allow_irregular: bool, source: str | None
) -> list[str]:
    """Paragraphs must run 1..N; irregular runs pass only when allowed, repeats never do."""
    warnings: list[str] = []
    first_line: dict[int, int] = {}
    previous = 0
    for number, line in numbers:
        if number in first_line:
            raise ParseError(
                f"paragraph {number} appears twice (first at line {first_line[number]}); "
                "a citation must name exactly one paragraph, so repeated numbers are refused "
                "even with --allow-irregular",
                line=line,
                source=source,
            )
        if number < 1:
            raise ParseError(
                f"paragraph {number}: paragraph numbers start at 1", line=line, source=source
            )
        first_line[number] = line
        if number != previous + 1:
            problem = (
                f"paragraph {number} follows {previous}"
                if previous
                else f"the first paragraph is numbered {number}, not 1"
            )
            if not allow_irregular:
                raise ParseError(problem, line=line, source=source, hint=IRREGULAR_HINT)
            warnings.append(f"{problem} at line {line} (accepted: --allow-irregular)")
        previous = number
    return warnings
