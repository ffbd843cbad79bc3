"""Epoch AI's Benchmarking Hub download: the `epoch` source (CC BY 4.0, updated daily).

`GET https://epoch.ai/data/benchmark_data.zip` (EPOCH_BENCHMARKS_URL) answers a zip holding:

- `benchmark_metadata.csv`: one row per benchmark, `benchmark, source_file, score_column, scale, ...`: the CSV
  in the zip that holds the benchmark's scores, the column they are in, and the factor that makes them a 0-1
  fraction (1 for fractions, 0.01 for percentages);
- `model_metadata.csv`: `model_version, model_group, date, display_name, organization, country, ...`: each
  model version (an API snapshot at one reasoning effort, e.g. `gpt-5-2025-08-07_high`) with its release
  date, organisation and country;
- one CSV per benchmark (e.g. `gpqa_diamond.csv`), a row per run keyed by `Model version`.

EPOCH_BENCHMARK_MAP names the Epoch benchmarks we keep and the Benchmark (and metric) each becomes; the others
are skipped. A mapped one that benchmark_metadata.csv does not list (renamed upstream?) or describes unusably is
refused with the reason, so the run is partial and says which. Scores are stored as percentages (our mapped
benchmarks are 0-100), `evaluated_by=epoch-ai`, dated the day they are first seen. The layout is described by
Epoch's own loader, github.com/epoch-research/eci-public src/eci/dataloader.py.
"""

import csv
import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from benchmarks.sources.configured import ScoreRecord
from models_registry.validators import METRIC_PATTERN, SLUG_PATTERN
from pricing.sources.base import Batch, RecordError, SourceError
from pricing.sources.http import http_get

NAME = "epoch"
PUBLISHER = "epoch-ai"
BENCHMARK_METADATA = "benchmark_metadata.csv"
MODEL_METADATA = "model_metadata.csv"
BENCHMARK_COLUMNS = ("benchmark", "source_file", "score_column", "scale")
MODEL_COLUMNS = ("model_version", "date", "organization", "country")
VERSION_COLUMN = "Model version"
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a zip bomb stops here, whatever the download's own size
HUB_URL = "https://epoch.ai/benchmarks"


@dataclass(frozen=True)
class EpochBenchmark:
    """Where Epoch keeps one benchmark's scores, and the factor to a 0-1 fraction."""

    name: str
    source_file: str
    score_column: str
    scale: float


@dataclass(frozen=True)
class EpochVersion:
    """One model version as Epoch describes it (what a ModelProposal is made from)."""

    model_version: str
    display_name: str = ""
    model_group: str = ""
    organization: str = ""
    country: str = ""
    release_date: date | None = None


@dataclass
class EpochBatch(Batch[ScoreRecord]):
    """The scores that passed validation, the refused rows, and every model version the hub describes."""

    versions: dict[str, EpochVersion] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    benchmark: str
    metric: str = "pass@1"


def benchmark_map(setting: Any = None) -> dict[str, Target]:
    """EPOCH_BENCHMARK_MAP as {Epoch benchmark name: Target}; ImproperlyConfigured names what is wrong.

    Each value is our benchmark's slug, or {"benchmark": slug, "metric": metric}.
    """
    entries = settings.EPOCH_BENCHMARK_MAP if setting is None else setting
    if not isinstance(entries, dict):
        raise ImproperlyConfigured("EPOCH_BENCHMARK_MAP must be a JSON object of Epoch benchmark name -> slug")
    targets = {}
    for name, value in entries.items():
        spec = {"benchmark": value} if isinstance(value, str) else value
        if not isinstance(spec, dict) or set(spec) - {"benchmark", "metric"}:
            raise ImproperlyConfigured(f"EPOCH_BENCHMARK_MAP[{name!r}] must be a slug or {{benchmark, metric}}")
        target = Target(str(spec.get("benchmark", "")), str(spec.get("metric", "pass@1")))
        if not re.match(SLUG_PATTERN, target.benchmark) or not re.match(METRIC_PATTERN, target.metric):
            raise ImproperlyConfigured(f"EPOCH_BENCHMARK_MAP[{name!r}]: {spec!r} is not a benchmark slug and metric")
        targets[name] = target
    return targets


class EpochSource:
    name = NAME

    def __init__(self, url: str | None = None):
        self.url = url or settings.EPOCH_BENCHMARKS_URL

    def fetch(self) -> EpochBatch:
        return parse(http_get(self.url), targets=benchmark_map())


def parse(payload: bytes, *, targets: dict[str, Target]) -> EpochBatch:
    """Pure: the zip's bytes in, validated scores, refused rows and the model versions out.

    A body that is not a zip, a missing metadata file or column, a mapped benchmark whose file or score column is
    missing: SourceError (the run fails and nothing is written). A mapped benchmark benchmark_metadata.csv does
    not list, or lists without a file, a column or a positive scale, is refused (under its Epoch name) with the
    reason, and the others are still read. A row with a value that is not a number, or outside 0-1 after
    scaling, is refused with its reason; a row under no model version (a leaderboard agent run over several
    models) or without a score is skipped.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SourceError(f"{NAME}: the answer is not a zip file ({exc})") from None
    with archive:
        files = {_basename(info.filename): info for info in archive.infolist() if not info.is_dir()}

        def table(name: str, required: tuple[str, ...]) -> list[dict[str, str]]:
            info = files.get(name)
            if info is None:
                raise SourceError(f"{NAME}: the zip has no {name}")
            return _read_csv(archive, info, required=required)

        benchmarks: dict[str, EpochBenchmark] = {}
        unusable: dict[str, str] = {}  # Epoch name -> why its metadata row cannot be used
        for row in table(BENCHMARK_METADATA, BENCHMARK_COLUMNS):
            if not row["benchmark"]:
                continue  # a row no map can name
            try:
                benchmarks[row["benchmark"]] = _benchmark(row)
            except RecordError as exc:
                unusable[row["benchmark"]] = str(exc)
        versions = {}
        for row in table(MODEL_METADATA, MODEL_COLUMNS):
            version = _version(row)
            if version is not None:
                versions[version.model_version] = version

        batch = EpochBatch(versions=versions)
        for name, target in targets.items():
            benchmark = benchmarks.get(name)
            if benchmark is None:  # refused, not skipped: a renamed benchmark would otherwise go stale unnoticed
                batch.reject(name, unusable.get(name) or _unlisted(name, target))
                continue
            rows = table(benchmark.source_file, (VERSION_COLUMN, benchmark.score_column))
            for row in rows:
                _score(batch, row, benchmark=benchmark, target=target)
    return batch


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _read_csv(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, required: tuple[str, ...]) -> list[dict[str, str]]:
    if info.file_size > MAX_MEMBER_BYTES:
        raise SourceError(f"{NAME}: {info.filename} is larger than {MAX_MEMBER_BYTES} bytes unpacked")
    try:
        with archive.open(info) as member:
            text = member.read(MAX_MEMBER_BYTES + 1).decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text), strict=True)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [column for column in required if column not in header]
        if missing:
            names = ", ".join(repr(c) for c in missing)
            raise SourceError(f"{NAME}: {info.filename} has no column(s) {names} (the upstream layout changed?)")
        reader.fieldnames = header
        return [{k: (v or "").strip() for k, v in row.items() if isinstance(k, str)} for row in reader]
    except (csv.Error, UnicodeDecodeError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
        raise SourceError(f"{NAME}: {info.filename} cannot be read ({exc})") from None


def _benchmark(row: dict[str, str]) -> EpochBenchmark:
    """One benchmark_metadata.csv row; RecordError says what makes it unusable. An empty scale means 1."""
    name = row["benchmark"]
    for column in ("source_file", "score_column"):
        if not row[column]:
            raise RecordError(f"{name}: its {column} in {BENCHMARK_METADATA} is empty")
    try:
        scale = float(row["scale"] or "1")
    except ValueError:
        scale = math.nan
    if not math.isfinite(scale) or scale <= 0:
        raise RecordError(f"{name}: its scale in {BENCHMARK_METADATA}, {row['scale']!r}, is not a positive number")
    return EpochBenchmark(name, _basename(row["source_file"]), row["score_column"], scale)


def _unlisted(name: str, target: Target) -> str:
    return (
        f"{name}: mapped to {target.benchmark}, but {BENCHMARK_METADATA} does not list it "
        "(renamed or withdrawn upstream? correct EPOCH_BENCHMARK_MAP)"
    )


def _version(row: dict[str, str]) -> EpochVersion | None:
    if not row["model_version"]:
        return None
    try:
        released = date.fromisoformat(row["date"][:10]) if row["date"] else None
    except ValueError:
        released = None
    return EpochVersion(
        model_version=row["model_version"],
        display_name=row.get("display_name", ""),
        model_group=row.get("model_group", ""),
        organization=row["organization"],
        country=row["country"],
        release_date=released,
    )


def _score(batch: EpochBatch, row: dict[str, str], *, benchmark: EpochBenchmark, target: Target) -> None:
    version = row.get(VERSION_COLUMN, "")
    raw = row.get(benchmark.score_column, "")
    if not version or not raw:
        return  # an entry under no single model (an agent over several), or a run without a score yet
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        batch.reject(version, f"{benchmark.name}: {benchmark.score_column} {raw!r} is not a number")
        return
    fraction = value * benchmark.scale
    if not math.isfinite(fraction) or not 0 <= fraction <= 1:
        batch.reject(
            version,
            f"{benchmark.name}: {benchmark.score_column} {raw} x scale {benchmark.scale:g} = {fraction:g}, "
            "outside 0-1 (a wrong scale in benchmark_metadata.csv?)",
        )
        return
    batch.records.append(
        ScoreRecord(
            upstream_id=version,
            benchmark=target.benchmark,
            metric=target.metric,
            value=round(fraction * 100, 6),
            evaluated_by=PUBLISHER,
            note=f"Epoch AI Benchmarking Hub, {benchmark.name}, model version {version}"[:2000],
            source_url=HUB_URL,
        )
    )
