"""SourceRun admin: unmatched ids and rejected records are listed for an admin to act on, safely escaped."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from models_registry.models import SourceRun

pytestmark = pytest.mark.django_db


def test_source_run_page_lists_unmatched_ids_and_rejected_records_with_reasons(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    run = SourceRun.objects.create(
        source="openrouter",
        started_at=timezone.now(),
        status=SourceRun.Status.PARTIAL,
        unmatched=["qwen/qwen3-max", "z-ai/glm-4.6"],
        unmatched_count=2,
        rejected=[{"id": "<script>x</script>", "reason": "negative pricing.prompt: -0.000002"}],
        rejected_count=1,
    )
    page = client.get(reverse("admin:models_registry_sourcerun_change", args=[run.pk])).content.decode()
    assert "<code>qwen/qwen3-max</code>" in page and "<code>z-ai/glm-4.6</code>" in page
    assert "negative pricing.prompt: -0.000002" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
