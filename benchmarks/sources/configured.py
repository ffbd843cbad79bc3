"""A score upstream defined by configuration: a CSV or JSON file at a URL plus a column mapping.

Each entry of settings.SCORE_SOURCES (env `SCORE_SOURCES`, a JSON list) is one source:

    {
      "name": "epoch-gpqa",                    # the source's name: `manage.py refresh epoch-gpqa`
      "url": "https://example.org/gpqa.csv",   # where the file is (tests and mirrors point elsewhere)
      "format": "csv",                         # "csv" (header row) or "json" (a list of objects)
      "records_path": "data",                  # json only, optional: dotted path to the list in the document
      "mapping": {                             # our field -> the upstream column (or JSON key)
        "model": "Model version",              # required: matched to AIModel.aliases, then to AIModel.slug
        "value": "Best score",                 # required: a number
        "reported_on": "Release date"          # optional: YYYY-MM-DD (or `date_format`)
      },
      "defaults": {                            # our field -> a fixed value, for fields the file does not hold
        "benchmark": "gpqa-diamond", "metric": "pass@1", "evaluated_by": "epoch-ai"
      },
      "value_scale": 100,                      # optional: multiply values (0-1 fractions -> 0-100 percent)
      "date_format": "%Y-%m-%d"                # optional: strptime format of reported_on
    }

Fields: `model` and `value` (mapped), `benchmark` (a Benchmark slug), `metric` (pass@1, elo ...),
`evaluated_by` (slug of the publisher), each mapped or defaulted; `reported_on`, `note`, `source_url`
optional. Without `reported_on` a score counts from the day it was first seen, and a value that has not
changed since the publisher's last score adds nothing.
"""

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from models_registry.validators import METRIC_PATTERN, SLUG_PATTERN
from pricing.sources.base import Batch, RecordError, SourceError
from pricing.sources.http import http_get
from pricing.sources.json_payload import load_json

FIELDS = ("model", "benchmark", "metric", "value", "evaluated_by", "reported_on", "note", "source_url")
REQUIRED_MAPPED = ("model", "value")
REQUIRED = ("model", "benchmark", "metric", "value", "evaluated_by")
FORMATS = ("csv", "json")
KEYS = {"name", "url", "format", "mapping", "defaults", "records_path", "value_scale", "date_format"}


@dataclass(frozen=True)
class ScoreRecord:
    """One upstream score; `reported_on` None means the upstream gives no date (first seen counts)."""

    upstream_id: str
    benchmark: str
    metric: str
    value: float
    evaluated_by: str
    reported_on: date | None = None
    note: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class ScoreSourceConfig:
    name: str
    url: str
    format: str
    mapping: dict[str, str]
    defaults: dict[str, str]
    records_path: str = ""
    value_scale: float = 1.0
    date_format: str = ""

    @classmethod
    def from_setting(cls, entry: Any, *, position: int) -> "ScoreSourceConfig":
        """Validate one SCORE_SOURCES entry; ImproperlyConfigured names the entry and what is wrong."""
        where = f"SCORE_SOURCES[{position}]"
        if not isinstance(entry, dict):
            raise ImproperlyConfigured(f"{where} must be an object")
        name = entry.get("name")
        if not isinstance(name, str) or not re.match(SLUG_PATTERN, name):
            raise ImproperlyConfigured(f"{where}: `name` must be a lowercase slug, not {name!r}")
        where = f"SCORE_SOURCES {name!r}"
        unknown = set(entry) - KEYS
        if unknown:
            raise ImproperlyConfigured(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        url = entry.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured(f"{where}: `url` must be an http(s) URL")
        fmt = entry.get("format", "csv")
        if fmt not in FORMATS:
            raise ImproperlyConfigured(f"{where}: `format` must be one of {', '.join(FORMATS)}, not {fmt!r}")
        mapping, defaults = entry.get("mapping") or {}, entry.get("defaults") or {}
        for label, table in (("mapping", mapping), ("defaults", defaults)):
            if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
                raise ImproperlyConfigured(f"{where}: `{label}` must map field names to strings")
            stray = set(table) - set(FIELDS)
            if stray:
                raise ImproperlyConfigured(f"{where}: `{label}` has unknown field(s) {', '.join(sorted(stray))}")
        missing = [f for f in REQUIRED_MAPPED if f not in mapping]
        missing += [f for f in REQUIRED if f not in mapping and f not in defaults and f not in missing]
        if missing:
            raise ImproperlyConfigured(f"{where}: map or default the field(s) {', '.join(missing)}")
        scale = entry.get("value_scale", 1)
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale) or scale <= 0:
            raise ImproperlyConfigured(f"{where}: `value_scale` must be a positive number")
        return cls(
            name=name,
            url=url,
            format=fmt,
            mapping=dict(mapping),
            defaults=dict(defaults),
            records_path=str(entry.get("records_path", "")),
            value_scale=float(scale),
            date_format=str(entry.get("date_format", "")),
        )


class ConfiguredScoreSource:
    def __init__(self, config: ScoreSourceConfig):
        self.config = config
        self.name = config.name
        self.url = config.url

    def fetch(self) -> Batch[ScoreRecord]:
        body = http_get(self.url)
        if self.config.format == "json":
            return parse_json(load_json(body, source=self.name), self.config)
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{self.name}: the CSV is not UTF-8 ({exc})") from None
        return parse_csv(text, self.config)


def parse_csv(text: str, config: ScoreSourceConfig) -> Batch[ScoreRecord]:
    """Pure: CSV text (with a header row) in, validated records and refused rows out.

    A row with more or fewer fields than the header is refused whole: it is a line cut short (a truncated
    download ends in one, e.g. `DeepSeek-R1,0.71` of `DeepSeek-R1,0.7128,...`) or shifted, so none of its
    values can be trusted.
    """
    try:
        reader = csv.DictReader(io.StringIO(text), strict=True)
        header = reader.fieldnames or []
        missing = [column for column in config.mapping.values() if column not in header]
        if missing:
            raise SourceError(f"{config.name}: the CSV has no column(s) {', '.join(repr(c) for c in missing)}")
        rows = [(f"row {reader.line_num}", row) for row in reader]
    except csv.Error as exc:
        raise SourceError(f"{config.name}: the CSV cannot be read ({exc})") from None
    batch = _records([(where, row) for where, row in rows if _field_count(row) == len(header)], config)
    for where, row in rows:
        if _field_count(row) != len(header):
            reason = f"{_field_count(row)} fields where the header has {len(header)} (a line cut short or shifted)"
            batch.reject(_label(row, config, where), reason)
    return batch


def _field_count(row: dict) -> int:
    """Fields on a csv.DictReader row: it fills the missing ones with None and files extras under the key None."""
    return sum(1 for key, value in row.items() if key is not None and value is not None) + len(row.get(None, []))


def parse_json(payload: Any, config: ScoreSourceConfig) -> Batch[ScoreRecord]:
    """Pure: the decoded document in, validated records and refused items out."""
    items = payload
    for part in filter(None, config.records_path.split(".")):
        items = items.get(part) if isinstance(items, dict) else None
    if not isinstance(items, list):
        where = f"at {config.records_path!r}" if config.records_path else "at the top"
        raise SourceError(f"{config.name}: the JSON has no list of records {where}")
    return _records([(f"item {i}", item) for i, item in enumerate(items)], config)


def _records(rows: list[tuple[str, Any]], config: ScoreSourceConfig) -> Batch[ScoreRecord]:
    batch: Batch[ScoreRecord] = Batch()
    for where, row in rows:
        if not isinstance(row, dict):
            batch.reject(where, "record is not an object")
            continue
        try:
            batch.records.append(_record(row, config))
        except RecordError as exc:
            batch.reject(_label(row, config, where), str(exc))
    return batch


def _label(row: dict, config: ScoreSourceConfig, where: str) -> str:
    """How a refused record is named on the run: its upstream model id, or where it is in the file."""
    raw_model = row.get(config.mapping["model"])
    return raw_model.strip() if isinstance(raw_model, str) and raw_model.strip() else where


def _record(row: dict[str, Any], config: ScoreSourceConfig) -> ScoreRecord:
    def get(name: str) -> str:
        if name in config.mapping:
            value = row.get(config.mapping[name])
            return "" if value is None else str(value).strip()
        return config.defaults.get(name, "").strip()

    model = get("model")
    if not model:
        raise RecordError("missing model")
    benchmark, metric, evaluated_by = get("benchmark").lower(), get("metric").lower(), get("evaluated_by").lower()
    for name, value, pattern in (
        ("benchmark", benchmark, SLUG_PATTERN),
        ("metric", metric, METRIC_PATTERN),
        ("evaluated_by", evaluated_by, SLUG_PATTERN),
    ):
        if not value:
            raise RecordError(f"missing {name}")
        if not re.match(pattern, value):
            raise RecordError(f"{name} {value!r} is not a valid slug")
    return ScoreRecord(
        upstream_id=model,
        benchmark=benchmark,
        metric=metric,
        value=_number(get("value"), scale=config.value_scale),
        evaluated_by=evaluated_by,
        reported_on=_reported_on(get("reported_on"), config),
        note=get("note")[:2000],
        source_url=get("source_url")[:1000] if get("source_url").startswith(("http://", "https://")) else "",
    )


def _number(text: str, *, scale: float) -> float:
    if not text:
        raise RecordError("missing value")
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise RecordError(f"value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise RecordError(f"value {text!r} is not a finite number")
    return round(value * scale, 6)


def _reported_on(text: str, config: ScoreSourceConfig) -> date | None:
    if not text:
        if "reported_on" in config.mapping or "reported_on" in config.defaults:
            raise RecordError("missing reported_on")
        return None  # the source gives no dates at all: first seen counts
    fmt = config.date_format
    try:
        return datetime.strptime(text, fmt).date() if fmt else date.fromisoformat(text[:10])
    except ValueError:
        raise RecordError(f"reported_on {text!r} is not a date{f' ({fmt})' if fmt else ' (YYYY-MM-DD)'}") from None
