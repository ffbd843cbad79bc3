"""One factory per model; related rows are built through SubFactory, slugs through Sequence."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from benchmarks.models import Benchmark, BenchmarkScore, ProbeResult
from models_registry.models import AIModel, Lab, ModelProposal, SourceRun, TimelineEvent
from pricing.models import Offering, PricePoint, Provider


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"lab-{n}")
    name = factory.Sequence(lambda n: f"Lab {n}")
    country = "US"


class AIModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AIModel
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"model-{n}.0")
    name = factory.Sequence(lambda n: f"Model {n}")
    lab = factory.SubFactory(LabFactory)
    release_date = datetime.date(2025, 1, 1)


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    date = datetime.date(2025, 1, 20)
    title = factory.Sequence(lambda n: f"Event {n}")
    kind = "other"


class SourceRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceRun

    source = "openrouter"
    started_at = factory.LazyFunction(timezone.now)


class ModelProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelProposal

    source = "epoch"
    upstream_id = factory.Sequence(lambda n: f"upstream-model-{n}_high")
    name = factory.Sequence(lambda n: f"Upstream Model {n}")
    lab = factory.SubFactory(LabFactory)
    organization = factory.LazyAttribute(lambda o: o.lab.name if o.lab else "Some Org")
    country = "US"
    release_date = datetime.date(2026, 9, 22)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"provider-{n}")
    name = factory.Sequence(lambda n: f"Provider {n}")
    country = "US"
    base_url = "https://api.example.com/v1"
    api_style = "openai"
    api_key_env = "EXAMPLE_API_KEY"


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    model = factory.SubFactory(AIModelFactory)
    provider = factory.SubFactory(ProviderFactory, lab=factory.SelfAttribute("..model.lab"))
    provider_model_id = factory.SelfAttribute("model.slug")
    available_from = None


class PricePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PricePoint

    offering = factory.SubFactory(OfferingFactory)
    effective_from = datetime.date(2025, 1, 1)
    input_per_mtok = Decimal("1.00")
    output_per_mtok = Decimal("4.00")


class BenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benchmark
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"bench-{n}")
    name = factory.Sequence(lambda n: f"Bench {n}")
    category = "math"


class BenchmarkScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenchmarkScore

    model = factory.SubFactory(AIModelFactory)
    benchmark = factory.SubFactory(BenchmarkFactory)
    metric = "pass@1"
    value = 50.0
    evaluated_by = factory.SelfAttribute("model.lab.slug")
    reported_on = datetime.date(2025, 1, 1)


class ProbeResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProbeResult

    offering = factory.SubFactory(OfferingFactory)
    started_at = factory.LazyFunction(timezone.now)
    ok = True
    ttft_ms = 250.0
    total_ms = 1200.0
    input_tokens = 20
    output_tokens = 64
    output_tokens_per_s = 60.0
