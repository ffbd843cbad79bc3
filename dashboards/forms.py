"""The plain GET forms of the pages: each view is a shareable URL. Values are checked by the analytics
parameter serializers (one place for the rules); these forms only render the controls."""

from django import forms

from benchmarks.models import CAPABILITY_INDEX_SLUG
from dashboards.selectors import benchmark_list
from models_registry.api.filters import StrictBooleanField


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


# The models page renders the API's own FilterSet form (one set of rules), with words for people instead of the
# API's parameter documentation: name -> (label, help text).
MODEL_FILTER_TEXT = {
    "q": ("Search", "Name, slug, lab or upstream id."),
    "lab": ("Lab", "Lab slug, e.g. deepseek."),
    "country": ("Country", "Two-letter code, e.g. US or CN."),
    "open_weights": ("Open weights", None),
    "reasoning": ("Reasoning model", None),
    "released": ("Release date known", None),
    "released_after": ("Released on or after", None),
    "released_before": ("Released on or before", None),
}
MODEL_FILTER_ORDER = list(MODEL_FILTER_TEXT)
YES_NO_ANY = [("", "any"), ("true", "yes"), ("false", "no")]


def model_filter_form(form: forms.Form) -> forms.Form:
    """The AIModelFilter's form made readable: labels, yes/no selects for booleans, date pickers for dates."""
    for name, field in form.fields.items():
        label, help_text = MODEL_FILTER_TEXT.get(name, (name.replace("_", " ").capitalize(), None))
        field.label = label
        field.help_text = help_text or ""
        if isinstance(field, StrictBooleanField):
            field.widget = forms.Select(choices=YES_NO_ANY)
        elif isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        elif name == "q":
            field.widget = forms.TextInput(attrs={"type": "search"})
    form.order_fields(MODEL_FILTER_ORDER)
    return form
