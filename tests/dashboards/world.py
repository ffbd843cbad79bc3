"""Build score and price frames (the selectors' fixed columns) from a few readable lines, without a database."""

import datetime
import itertools

import pandas as pd

from dashboards.analytics.frames import PRICE_COLUMNS, SCORE_COLUMNS, typed_frame

BENCHMARK_ID = 1


def d(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


class World:
    """Models belong to one lab per country (`<cc>-lab`); a score defaults to a self-report on release day."""

    def __init__(self):
        self._ids = itertools.count(1)
        self.models: dict[str, dict] = {}
        self.scores: list[tuple] = []
        self.prices: list[tuple] = []
        self.offerings: dict[int, dict] = {}

    def model(self, slug: str, country: str, released: str | None) -> "World":
        lab = f"{country.lower()}-lab"
        self.models[slug] = {"id": next(self._ids), "country": country, "lab": lab, "released": d(released)}
        return self

    def lab_id(self, slug: str) -> int:
        return sorted({m["lab"] for m in self.models.values()}).index(self.models[slug]["lab"]) + 1000

    def score(
        self,
        slug: str,
        value: float,
        *,
        by: str | None = None,
        reported: str | None = None,
        created: str = "2024-01-01T00:00:00",
        metric: str = "m",
        score_id: int | None = None,
    ) -> "World":
        model = self.models[slug]
        self.scores.append(
            (
                score_id or next(self._ids),
                BENCHMARK_ID,
                metric,
                value,
                by or model["lab"],
                d(reported) or model["released"] or datetime.date(2024, 1, 1),
                pd.Timestamp(created, tz="UTC"),
                model["id"],
                slug,
                model["lab"],
                model["country"],
                model["released"],
            )
        )
        return self

    def offering(
        self, slug: str, *, first_party: bool = True, available_from: str | None = None, retired_on: str | None = None
    ) -> int:
        offering_id = next(self._ids)
        self.offerings[offering_id] = {
            "model": slug,
            "first_party": first_party,
            "available_from": d(available_from),
            "retired_on": d(retired_on),
        }
        return offering_id

    def price(
        self,
        offering_id: int,
        start: str,
        input_per_mtok: float,
        output_per_mtok: float,
        *,
        off_peak: bool = False,
        end: str | None = None,
    ) -> "World":
        offering = self.offerings[offering_id]
        model = offering["model"]
        lab_id = self.lab_id(model)
        self.prices.append(
            (
                offering_id,
                self.models[model]["id"],
                lab_id,
                lab_id if offering["first_party"] else None,
                offering["available_from"],
                offering["retired_on"],
                d(start),
                d(end),
                input_per_mtok,
                output_per_mtok,
                off_peak,
            )
        )
        return self

    def model_id(self, slug: str) -> int:
        return self.models[slug]["id"]

    def scores_frame(self) -> pd.DataFrame:
        return typed_frame(self.scores, SCORE_COLUMNS)

    def prices_frame(self) -> pd.DataFrame:
        return typed_frame(self.prices, PRICE_COLUMNS)


def save_world(w: World, *, benchmark_slug: str = "err-rate", higher_is_better: bool = False):
    """Write `w` into the database (one lab and one first-party provider per country, one third-party host),
    with the same ordering of score ids and the same created_at. Returns the Benchmark."""
    from benchmarks.models import BenchmarkScore
    from tests.factories import (
        AIModelFactory,
        BenchmarkFactory,
        BenchmarkScoreFactory,
        LabFactory,
        OfferingFactory,
        PricePointFactory,
        ProviderFactory,
    )

    benchmark = BenchmarkFactory(slug=benchmark_slug, higher_is_better=higher_is_better)
    labs, models, offerings = {}, {}, {}
    host = ProviderFactory(slug="host", lab=None, country="US")
    for slug, m in w.models.items():
        if m["lab"] not in labs:
            lab = LabFactory(slug=m["lab"], country=m["country"])
            ProviderFactory(slug=f"{m['lab']}-api", lab=lab, country=m["country"])
            labs[m["lab"]] = lab
        models[slug] = AIModelFactory(slug=slug, lab=labs[m["lab"]], release_date=m["released"])
    for row in sorted(w.scores, key=lambda r: r[0]):  # insertion order = id order, as in the world
        _id, _bid, metric, value, by, reported, created, _mid, slug, *_ = row
        score = BenchmarkScoreFactory(
            model=models[slug], benchmark=benchmark, metric=metric, value=value, evaluated_by=by, reported_on=reported
        )
        BenchmarkScore.objects.filter(pk=score.pk).update(created_at=created.to_pydatetime())
    for offering_id, o in w.offerings.items():
        model = models[o["model"]]
        provider = ProviderFactory(slug=f"{model.lab.slug}-api") if o["first_party"] else host
        offerings[offering_id] = OfferingFactory(
            model=model,
            provider=provider,
            provider_model_id=f"{model.slug}-{offering_id}",
            available_from=o["available_from"],
            retired_on=o["retired_on"],
        )
    for offering_id, *_ids, _af, _ro, start, end, price_in, price_out, off_peak in w.prices:
        PricePointFactory(
            offering=offerings[offering_id],
            effective_from=start,
            effective_to=end,
            input_per_mtok=str(price_in),
            output_per_mtok=str(price_out),
            off_peak=off_peak,
        )
    return benchmark
