from django.contrib import admin, messages

from benchmarks.imports import BenchmarkScoreResource
from benchmarks.models import Benchmark, BenchmarkScore, ProbeResult
from benchmarks.probes.services import probe_enqueue
from models_registry.admin import AIModelAdmin, RegistryAdmin, country_in_use_filter
from pricing.admin import OfferingAdmin


@admin.register(Benchmark)
class BenchmarkAdmin(RegistryAdmin):
    list_display = ["name", "slug", "category", "higher_is_better", "scale_min", "scale_max", "in_index"]
    list_filter = ["category", "higher_is_better", "in_index"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(BenchmarkScore)
class BenchmarkScoreAdmin(RegistryAdmin):
    resource_classes = [BenchmarkScoreResource]
    list_display = ["model", "benchmark", "metric", "value", "evaluated_by", "reported_on"]
    list_filter = ["benchmark", "metric", country_in_use_filter("model__lab__country"), "evaluated_by"]
    list_select_related = ["model", "benchmark"]
    search_fields = ["model__name", "model__slug", "benchmark__name", "evaluated_by"]
    date_hierarchy = "reported_on"
    autocomplete_fields = ["model", "benchmark", "source_run"]


@admin.register(ProbeResult)
class ProbeResultAdmin(admin.ModelAdmin):
    list_display = ["offering", "started_at", "ok", "error_kind", "http_status", "ttft_ms", "output_tokens_per_s"]
    list_filter = ["ok", "error_kind", "offering__provider"]
    list_select_related = ["offering__provider", "offering__model"]
    search_fields = ["offering__provider_model_id"]
    date_hierarchy = "started_at"
    autocomplete_fields = ["offering"]
    show_full_result_count = False  # the table grows by millions; skip the extra COUNT(*)


class ScoreForModelInline(admin.TabularInline):
    model = BenchmarkScore
    extra = 0
    fields = ["benchmark", "metric", "value", "evaluated_by", "reported_on"]
    autocomplete_fields = ["benchmark"]
    show_change_link = True


AIModelAdmin.inlines = [ScoreForModelInline, *AIModelAdmin.inlines]


@admin.action(description="Probe endpoints now", permissions=["change"])
def probe_now(modeladmin, request, queryset):
    count = probe_enqueue(offering_ids=list(queryset.values_list("id", flat=True)))
    modeladmin.message_user(
        request, f"Queued probes of {count} offerings; results appear under Probe results.", messages.SUCCESS
    )


OfferingAdmin.actions = [*(OfferingAdmin.actions or []), probe_now]  # probes live here; pricing stays unaware
