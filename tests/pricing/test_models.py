import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pricing.models import Offering, PricePoint, Provider, blended_price
from tests.factories import OfferingFactory, PricePointFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


@pytest.mark.parametrize("value", ["sk-abc123", "openai_api_key", "OPENAI API KEY", "9KEY", "A" * 65])
def test_provider_api_key_env_must_be_a_variable_name_not_a_key(value):
    provider = ProviderFactory.build(api_key_env=value)
    assert "api_key_env" in errors_of(provider)


def test_database_refuses_a_key_like_api_key_env():
    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.create(
            slug="leaky", name="Leaky", country="US", base_url="https://x.test", api_key_env="sk-live-123"
        )


@pytest.mark.parametrize("field", ["input_per_mtok", "output_per_mtok", "cached_input_per_mtok"])
def test_negative_prices_are_refused(field):
    price = PricePointFactory.build(offering=OfferingFactory(), **{field: Decimal("-0.01")})
    assert field in errors_of(price)


def test_database_refuses_a_negative_price():
    offering = OfferingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PricePoint.objects.create(
            offering=offering, effective_from=datetime.date(2025, 1, 1), input_per_mtok=-1, output_per_mtok=1
        )


def test_one_price_per_offering_per_day_and_off_peak_flag():
    price = PricePointFactory(off_peak=False)
    duplicate = PricePoint(
        offering=price.offering, effective_from=price.effective_from, input_per_mtok=2, output_per_mtok=3
    )
    assert "__all__" in errors_of(duplicate)
    off_peak = PricePoint(
        offering=price.offering,
        effective_from=price.effective_from,
        input_per_mtok=1,
        output_per_mtok=2,
        off_peak=True,
    )
    off_peak.full_clean()


def test_price_cannot_end_before_it_starts():
    price = PricePointFactory.build(
        offering=OfferingFactory(), effective_from=datetime.date(2025, 2, 1), effective_to=datetime.date(2025, 1, 1)
    )
    assert "__all__" in errors_of(price)


def test_only_one_live_offering_per_provider_and_api_id():
    live = OfferingFactory(provider_model_id="deepseek-reasoner", available_from=datetime.date(2025, 1, 20))
    second = Offering(
        model=live.model,
        provider=live.provider,
        provider_model_id="deepseek-reasoner",
        available_from=datetime.date(2025, 5, 28),
    )
    assert "__all__" in errors_of(second)
    live.retired_on = datetime.date(2025, 5, 28)
    live.save()
    second.full_clean()  # once the first one is retired, the id may serve a new model


def test_offering_cannot_retire_before_it_starts():
    offering = OfferingFactory.build(
        model=OfferingFactory().model,
        provider=ProviderFactory(),
        available_from=datetime.date(2025, 5, 1),
        retired_on=datetime.date(2025, 4, 1),
    )
    assert "__all__" in errors_of(offering)


def test_blended_price_weights_input_three_to_one():
    assert blended_price(Decimal("15"), Decimal("60")) == Decimal("26.25")
    assert blended_price(Decimal("0.55"), Decimal("2.19")) == Decimal("0.96")
