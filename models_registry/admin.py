from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html, format_html_join
from django_countries import countries
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from models_registry.imports import AIModelResource
from models_registry.models import AIModel, Lab, ModelProposal, SourceRun, TimelineEvent
from models_registry.services import ACCEPT_PERMISSION, ACCEPT_REFUSED, model_proposals_decide


class RegistryAdmin(ImportExportMixin, SimpleHistoryAdmin):
    """Change history on every edit (django-simple-history) with revert; CSV import/export where a resource is set.

    Both libraries are stricter here than by default: django-import-export lets ANY staff user import and export
    unless a permission code is configured, and simple-history saves a revert for anyone who may merely VIEW
    the history (it only hides the button).
    """

    def has_import_permission(self, request) -> bool:
        # An import creates and updates rows.
        return bool(self.resource_classes) and self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return bool(self.resource_classes) and self.has_view_permission(request)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        request.reverting_history = True  # save_model: this form's initial values are the old version's, not the row's
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        # "Save" on an untouched form would write a history row that changes nothing (and bump updated_at).
        if change and not form.has_changed() and not getattr(request, "reverting_history", False):
            return
        super().save_model(request, obj, form, change)


def country_in_use_filter(field_path: str, title: str = "country") -> type[admin.SimpleListFilter]:
    """A list filter on an ISO country field listing only the countries the rows use (not all ~250), under
    the same query parameter as a plain `list_filter = [field_path]`."""

    class CountryInUseFilter(admin.SimpleListFilter):
        parameter_name = field_path

        def lookups(self, request, model_admin):
            codes = model_admin.get_queryset(request).order_by().values_list(field_path, flat=True).distinct()
            return [(code, f"{countries.name(code)} ({code})") for code in sorted({str(c) for c in codes if c})]

        def queryset(self, request, queryset):
            return queryset.filter(**{field_path: self.value()}) if self.value() else queryset

    CountryInUseFilter.title = title
    return CountryInUseFilter


@admin.register(Lab)
class LabAdmin(RegistryAdmin):
    list_display = ["name", "slug", "country", "headquarters_city", "founded_year", "parent"]
    list_filter = [country_in_use_filter("country")]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(AIModel)
class AIModelAdmin(RegistryAdmin):
    resource_classes = [AIModelResource]
    list_display = ["name", "slug", "lab", "country", "release_date", "open_weights", "reasoning", "context_window"]
    list_filter = [country_in_use_filter("lab__country"), "open_weights", "reasoning", "lab"]
    list_select_related = ["lab"]
    search_fields = ["name", "slug", "lab__name"]
    date_hierarchy = "release_date"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lab"]
    inlines = []  # pricing and benchmarks add theirs: this app must not import them

    @admin.display(ordering="lab__country", description="Country")
    def country(self, obj: AIModel) -> str:
        return obj.lab.country.code


@admin.register(TimelineEvent)
class TimelineEventAdmin(RegistryAdmin):
    list_display = ["date", "title", "kind", "country"]
    list_filter = ["kind", country_in_use_filter("country")]
    search_fields = ["title"]
    date_hierarchy = "date"


@admin.register(SourceRun)
class SourceRunAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "started_at",
        "status",
        "created_count",
        "updated_count",
        "unchanged_count",
        "unmatched_count",
        "rejected_count",
        "proposed_count",
    ]
    list_filter = ["source", "status"]
    search_fields = ["source", "error"]
    date_hierarchy = "started_at"
    # A run is a record of what happened: its fields are read-only. Unmatched ids and refused records are shown as lists
    # an admin can act on (add an alias or an offering; check a price held for review).
    fieldsets = [
        (None, {"fields": ["source", "status", "started_at", "finished_at", "error"]}),
        (
            "Counts",
            {
                "fields": [
                    "created_count",
                    "updated_count",
                    "unchanged_count",
                    "unmatched_count",
                    "rejected_count",
                    "proposed_count",
                ]
            },
        ),
        ("Unmatched upstream ids", {"fields": ["unmatched_list"]}),
        ("Rejected records", {"fields": ["rejected_list"]}),
    ]
    readonly_fields = [f.name for f in SourceRun._meta.fields] + ["unmatched_list", "rejected_list"]

    @admin.display(description="Unmatched (map them with AIModel aliases or offerings)")
    def unmatched_list(self, run: SourceRun) -> str:
        if not run.unmatched:
            return "-"
        items = format_html_join("", "<li><code>{}</code></li>", ((item,) for item in run.unmatched))
        return format_html('<ul style="margin:0;padding-left:1.2em;columns:2">{}</ul>', items)

    @admin.display(description="Rejected (not applied; the last good data stands)")
    def rejected_list(self, run: SourceRun) -> str:
        if not run.rejected:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            ((item.get("id", ""), item.get("reason", "")) for item in run.rejected if isinstance(item, dict)),
        )
        return format_html("<table><tr><th>Upstream id</th><th>Reason</th></tr>{}</table>", rows)


@admin.register(ModelProposal)
class ModelProposalAdmin(RegistryAdmin):
    """Models upstreams know and the registry does not: accept (creates the model) or reject them in bulk."""

    list_display = [
        "name",
        "upstream_id",
        "source",
        "status",
        "lab",
        "organization",
        "country",
        "release_date",
        "model",
    ]
    list_filter = ["source", "status", "lab", country_in_use_filter("country")]
    list_select_related = ["lab", "model"]
    search_fields = ["name", "upstream_id", "organization"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["lab"]
    actions = ["accept", "reject"]
    # What the upstream said stays as it said it; an admin may correct the name, lab and date before accepting.
    readonly_fields = ["source", "upstream_id", "organization", "country", "status", "model", "source_run"]

    def has_add_permission(self, request) -> bool:
        return False  # proposals come from refreshes only

    @admin.action(description="Accept: create the selected models", permissions=["change"])
    def accept(self, request, queryset):
        if not request.user.has_perm(ACCEPT_PERMISSION):  # listed for whoever may decide; says why it refuses
            self.message_user(request, f"Nothing accepted. {ACCEPT_REFUSED}", messages.ERROR)
            return
        self._decide(request, queryset, accept=True)

    @admin.action(description="Reject: never propose these upstream ids again", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, accept=False)

    def _decide(self, request, queryset, *, accept: bool) -> None:
        done, refused = model_proposals_decide(proposals=queryset, accept=accept, user=request.user)
        verb = "Accepted" if accept else "Rejected"
        if done:
            self.message_user(request, f"{verb} {done} proposal(s).", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not {verb.lower()}: {reason}", messages.WARNING)
