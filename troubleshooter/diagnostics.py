"""One finding type for everything that reads authored files: loader, lint, articles, scenarios.

A finding names its place (file:line:col), a severity, a stable code and the parameters of
its message; the message text itself comes from the UI string catalogue (``lint.<code>``),
so the command line, the app and JSON output all say the same thing in either language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from troubleshooter.i18n import Lang, text

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: Severity
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)

    def message(self, lang: Lang = "en") -> str:
        return text(f"lint.{self.code}", **self.params).get(lang)  # params may include "lang"

    def format(self, lang: Lang = "en") -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code} {self.message(lang)}"

    def to_json(self, lang: Lang = "en") -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message(lang),
        }


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
