"""The plain GET forms of the pages: each view is a shareable URL. Values are checked by the analytics
parameter serializers (one place for the rules); these forms only render the controls."""

from django import forms

from benchmarks.models import CAPABILITY_INDEX_SLUG
from dashboards.selectors import benchmark_list


class AnalyticsForm(forms.Form):
    a = forms.CharField(label="Country A", initial="US", max_length=2, required=False)
    b = forms.CharField(label="Country B", initial="CN", max_length=2, required=False)
    as_of = forms.CharField(label="As of", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    evaluated_by = forms.CharField(label="Evaluated by", required=False, help_text="publisher slug, e.g. deepseek")
    providers = forms.ChoiceField(
        label="Prices from",
        choices=[("first_party", "first-party APIs"), ("all", "any host")],
        required=False,
    )
    include_off_peak = forms.BooleanField(label="Off-peak discounts", required=False)
    independent = forms.BooleanField(
        label="Independent scores only", required=False, help_text="drop scores a model's own lab published"
    )


class BenchmarkForm(AnalyticsForm):
    benchmark = forms.ChoiceField(label="Benchmark", required=False)
    metric = forms.CharField(label="Metric", required=False, help_text="default: the most used")
    threshold = forms.CharField(label="Threshold", required=False, help_text="default: the level both can buy")

    field_order = ["benchmark", "metric", "a", "b", "threshold", "as_of", "evaluated_by", "providers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        index = (CAPABILITY_INDEX_SLUG, "Capability index (all benchmarks)")
        self.fields["benchmark"].choices = [index, *((b.slug, b.name) for b in benchmark_list())]
