"""The "promising" rubric (content/triage.toml) and pure scoring against it."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from mspdesk.domain.choices import Choice, Decision, ReferOnTo
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.validation import validated

SCORES = range(0, 4)
"""Every criterion is scored 0 (absent) to 3 (strong)."""

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def choice_parser(kind: type[Choice]) -> BeforeValidator:
    """A validator accepting a member's value, name or label in any case."""

    def parse(value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, kind):
            return kind.parse(value)
        return value

    return BeforeValidator(parse)


def _slugs(values: list[str]) -> list[str]:
    bad = [value for value in values if not SLUG.match(value)]
    if bad:
        raise ValueError(f"not a page slug (lower-case words joined by '-'): {', '.join(bad)}")
    return values


Slug = Annotated[str, Field(pattern=SLUG.pattern)]
Title = Annotated[str, Field(min_length=1, max_length=200)]


class Criterion(BaseModel):
    """One thing the adviser scores 0-3, with what each score means."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    key: Slug
    title: Title
    weight: Annotated[int, Field(gt=0, le=100)]
    question: Annotated[str, Field(min_length=1, max_length=400)]
    descriptors: dict[int, str]
    guidance: list[str] = []
    cap_if_zero: str | None = None
    """A band key: scoring 0 here means the referral can be no better than that band."""

    @field_validator("descriptors", mode="before")
    @classmethod
    def _score_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            extra = [str(key) for key in value if str(key) not in {str(s) for s in SCORES}]
            if extra:
                raise ValueError(f"only scores 0, 1, 2 and 3 are described; remove {extra[0]!r}")
        return value

    @field_validator("descriptors")
    @classmethod
    def _every_score_described(cls, value: dict[int, str]) -> dict[int, str]:
        missing = [score for score in SCORES if not value.get(score, "").strip()]
        if missing:
            raise ValueError(f"missing descriptor for score {missing[0]} (need 0, 1, 2 and 3)")
        return {score: value[score].strip() for score in SCORES}

    @field_validator("guidance")
    @classmethod
    def _guidance_slugs(cls, value: list[str]) -> list[str]:
        return _slugs(value)

    @property
    def maximum(self) -> int:
        """The weighted score for a 3."""
        return self.weight * SCORES[-1]


class Band(BaseModel):
    """A range of percentage scores and the decision it suggests."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    key: Slug
    title: Title
    min_percent: Annotated[float, Field(ge=0, le=100)]
    decision: Annotated[Decision, choice_parser(Decision)]
    summary: str = ""
    revisit_after_days: Annotated[int | None, Field(gt=0, le=3650)] = Field(
        default=None, validate_default=True
    )
    refer_to: list[Annotated[ReferOnTo, choice_parser(ReferOnTo)]] = []
    guidance: list[str] = []

    @field_validator("guidance")
    @classmethod
    def _guidance_slugs(cls, value: list[str]) -> list[str]:
        return _slugs(value)

    @field_validator("revisit_after_days")
    @classmethod
    def _signpost_revisits(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None and info.data.get("decision") == Decision.SIGNPOST:
            raise ValueError("required when the band's decision is signpost")
        return value


class Rubric(BaseModel):
    """The whole rubric: criteria, bands (highest first) and the triage service level."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Title = "promising"
    service_level_working_days: Annotated[int, Field(gt=0, le=250)] = 10
    # Bands come first so the checks on later fields can see the band keys.
    bands: Annotated[list[Band], Field(min_length=1)]
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    out_of_scope_band: str | None = None
    """A band key: what to suggest when the proposed model is outside the programme's remit."""

    @field_validator("bands")
    @classmethod
    def _bands(cls, value: list[Band]) -> list[Band]:
        _no_duplicates([band.key for band in value], "key")
        _no_duplicates([band.min_percent for band in value], "min_percent")
        ordered = sorted(value, key=lambda band: band.min_percent, reverse=True)
        if ordered[-1].min_percent != 0:
            raise ValueError("the lowest band must have min_percent = 0 so every score has a band")
        return ordered

    @field_validator("criteria")
    @classmethod
    def _criteria(cls, value: list[Criterion], info: ValidationInfo) -> list[Criterion]:
        _no_duplicates([criterion.key for criterion in value], "key")
        bands = [band.key for band in info.data.get("bands", [])]
        for criterion in value:
            if bands and criterion.cap_if_zero and criterion.cap_if_zero not in bands:
                raise ValueError(
                    f"{criterion.key}.cap_if_zero: unknown band {criterion.cap_if_zero!r}"
                    f" (bands: {', '.join(bands)})"
                )
        return value

    @field_validator("out_of_scope_band")
    @classmethod
    def _known_band(cls, value: str | None, info: ValidationInfo) -> str | None:
        bands = [band.key for band in info.data.get("bands", [])]
        if value is not None and bands and value not in bands:
            raise ValueError(f"unknown band {value!r} (bands: {', '.join(bands)})")
        return value

    @property
    def maximum(self) -> int:
        """The highest possible weighted total."""
        return sum(criterion.maximum for criterion in self.criteria)

    def criterion(self, key: str) -> Criterion:
        """The criterion with `key`; KeyError if there is none."""
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    def band(self, key: str) -> Band:
        """The band with `key`; KeyError if there is none."""
        for band in self.bands:
            if band.key == key:
                return band
        raise KeyError(key)

    def band_for(self, total: int) -> Band:
        """The highest band whose threshold a weighted `total` reaches."""
        for band in self.bands:
            # Compare as total/maximum >= min_percent/100 without rounding the percentage.
            if total * 100 >= band.min_percent * self.maximum:
                return band
        return self.bands[-1]


def _no_duplicates(values: list[Any], field: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {field} {value!r}; each must be different")
        seen.add(value)


def parse_rubric(text: str, source: str = "triage.toml") -> Rubric:
    """The rubric in TOML `text`; UserError naming the line, or InvalidRecord naming fields."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _TOML_WHERE.search(message)
        if where:
            detail = message[: where.start()]
            raise UserError(
                f"{source} line {where.group(1)}, column {where.group(2)}: {detail}"
                " (fix the file, or restore the shipped copy)"
            ) from None
        raise UserError(f"{source}: {message} (fix the file)") from None
    try:
        return validated(Rubric, data, source)
    except InvalidRecord as error:
        raise InvalidRecord(_named(error.problems, data), source) from None


def _named(problems: list[tuple[str, str]], data: dict[str, Any]) -> list[tuple[str, str]]:
    """Problems with list positions replaced by the item's key: criteria.2.weight -> ....scope."""
    named = []
    for field, message in problems:
        parts = field.split(".")
        if len(parts) > 1 and parts[0] in ("criteria", "bands") and parts[1].isdigit():
            items = data.get(parts[0])
            index = int(parts[1])
            key = None
            if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
                key = items[index].get("key")
            parts[1] = str(key) if isinstance(key, str) and key else f"#{index + 1}"
        named.append((".".join(parts), message))
    return named


class Score(BaseModel):
    """A rubric applied to an adviser's scores. Unscored criteria count as 0."""

    model_config = ConfigDict(frozen=True)

    scores: dict[str, int]
    weighted: dict[str, int]
    total: int
    maximum: int
    percent: float
    band: Band
    missing: list[str]
    capped_by: str | None = None
    """The criterion whose 0 pulled the band down, if one did."""

    @property
    def complete(self) -> bool:
        """True when every criterion has been scored (until then the band is a floor)."""
        return not self.missing


def check_scores(scores: Mapping[str, int], rubric: Rubric) -> None:
    """InvalidRecord naming every unknown criterion or out-of-range score."""
    known = [criterion.key for criterion in rubric.criteria]
    problems = []
    for key, value in scores.items():
        if key not in known:
            problems.append((f"scores.{key}", f"unknown criterion; expected {', '.join(known)}"))
        elif isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
            problems.append((f"scores.{key}", f"must be a whole number 0 to 3, got {value!r}"))
    if problems:
        raise InvalidRecord(problems, "triage scores")


def score(scores: Mapping[str, int], rubric: Rubric) -> Score:
    """The weighted total, percentage and band for `scores` (criterion key -> 0..3)."""
    check_scores(scores, rubric)
    weighted = {
        criterion.key: criterion.weight * scores[criterion.key]
        for criterion in rubric.criteria
        if criterion.key in scores
    }
    total = sum(weighted.values())
    band = rubric.band_for(total)
    capped_by = None
    for criterion in rubric.criteria:
        if criterion.cap_if_zero and scores.get(criterion.key) == 0:
            cap = rubric.band(criterion.cap_if_zero)
            if cap.min_percent < band.min_percent:
                band, capped_by = cap, criterion.key
    return Score(
        scores={key: scores[key] for key in weighted},
        weighted=weighted,
        total=total,
        maximum=rubric.maximum,
        percent=round(100 * total / rubric.maximum, 1),
        band=band,
        missing=[c.key for c in rubric.criteria if c.key not in scores],
        capped_by=capped_by,
    )


def parse_scores(pairs: Iterable[str], rubric: Rubric) -> dict[str, int]:
    """Scores from `criterion=N` strings (the CLI's --score), checked against `rubric`."""
    scores: dict[str, int] = {}
    problems = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            problems.append(("score", f"{pair!r} should look like criterion=N"))
        elif key in scores:
            problems.append((f"scores.{key}", "given twice"))
        elif not value.isdigit():
            problems.append((f"scores.{key}", f"must be a whole number 0 to 3, got {value!r}"))
        else:
            scores[key] = int(value)
    if problems:
        raise InvalidRecord(problems, "triage scores")
    check_scores(scores, rubric)
    return scores
