"""Subjects (insatser) resolved within the report's own organisation.

One `SubjectRegistry` per organisation: a new federation's 'Jobbspåret' never merges with, or takes the
name of, another federation's insats that shares its first word. A figure's subject is the insats of
the section it stands in, else one its sentence names, else the organisation itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from index.subjects import Subject, SubjectRegistry


@dataclass
class ScopedRegistry:
    by_org: dict[str, SubjectRegistry] = field(default_factory=dict)

    @classmethod
    def from_sections(
        cls, items: Iterable[tuple[str, str, str]], proper: dict[str, set[str]] | None = None
    ) -> ScopedRegistry:
        """Subjects named by headings, from (organisation, report_id, section path) triples; `proper`
        maps a report to the words its body writes as names (`index.subjects.proper_words`)."""
        grouped: dict[str, list[tuple[str, str]]] = {}
        for org, report, section in items:
            grouped.setdefault(org, []).append((report, section))
        return cls({org: SubjectRegistry.from_sections(pairs, proper) for org, pairs in grouped.items()})

    def of(self, organisation: str) -> SubjectRegistry:
        return self.by_org.setdefault(organisation, SubjectRegistry())

    @property
    def subjects(self) -> dict[str, Subject]:
        """Every organisation's subjects (keys prefixed with the organisation where two share one)."""
        out: dict[str, Subject] = {}
        for org, registry in self.by_org.items():
            for key, subject in registry.subjects.items():
                out[key if key not in out else f"{org}|{key}"] = subject
        return out

    def resolve(self, name: str, fuzzy: bool = True, organisations: Iterable[str] | None = None):
        for org in self._orgs(organisations):
            found = self.by_org[org].resolve(name, fuzzy=fuzzy)
            if found:
                return found
        return None

    def subject_of_section(self, section: str, organisation: str):
        registry = self.by_org.get(organisation)
        return registry.subject_of_section(section) if registry else None

    def find_in_text(
        self, text: str, organisations: Iterable[str] | None = None, context: str = ""
    ) -> list[Subject]:
        found: dict[str, Subject] = {}
        for org in self._orgs(organisations):
            for subject in self.by_org[org].find_in_text(text, context):
                found.setdefault(subject.name, subject)
        return list(found.values())

    def _orgs(self, organisations: Iterable[str] | None) -> list[str]:
        if organisations is None:
            return sorted(self.by_org)
        wanted = set(organisations)
        return [o for o in sorted(self.by_org) if o in wanted]

    def to_json(self) -> str:
        return json.dumps(
            {"version": 2, "organisations": {o: json.loads(r.to_json()) for o, r in self.by_org.items()}},
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> ScopedRegistry:
        data = json.loads(text)
        if data.get("version") != 2:
            raise ValueError(f"unknown subject registry version {data.get('version')!r}")
        return cls({o: SubjectRegistry.from_json(json.dumps(r)) for o, r in data["organisations"].items()})
