"""Model proposals: matching an upstream organisation to a lab, accepting (creates the model, in one transaction,
with who did it in the history) and rejecting, through the services, the API and the admin's bulk actions."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from models_registry.models import AIModel, Lab, ModelProposal, SourceRun
from models_registry.services import (
    LabMatcher,
    ProposalCandidate,
    country_code,
    model_proposal_accept,
    model_proposals_record,
    proposal_slug,
)
from pricing.services import price_refresh_from_source
from tests.factories import AIModelFactory, LabFactory, ModelProposalFactory
from tests.registry import build_price_registry
from tests.security.conftest import make_user, model_permissions, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def labs():
    return {
        "zhipu": LabFactory(slug="zhipu", name="Zhipu AI (Z.ai)", country="CN", aliases=["z-ai"]),
        "moonshot": LabFactory(slug="moonshot", name="Moonshot AI (Kimi)", country="CN", aliases=["Moonshot"]),
        "google": LabFactory(slug="google-deepmind", name="Google DeepMind", country="US"),
        "google-research": LabFactory(slug="google-research", name="Google Research", country="US"),
    }


def test_an_organisation_matches_a_lab_by_slug_name_part_or_alias(labs):
    matcher = LabMatcher()
    assert matcher.match("Z.ai (Zhipu AI)") == labs["zhipu"].pk  # a part of the name: "zhipu ai"
    assert matcher.match("z-ai") == labs["zhipu"].pk  # an alias (OpenRouter's author prefix)
    assert matcher.match("moonshot") == labs["moonshot"].pk  # an alias, any case
    assert matcher.match("GOOGLE DEEPMIND") == labs["google"].pk
    assert matcher.match("google-research") == labs["google-research"].pk  # the slug
    assert matcher.match("Google") is None  # no lab is called that
    assert matcher.match("") is None and matcher.match("Unknown Labs") is None


def test_countries_are_read_from_names_or_codes():
    assert (country_code("China"), country_code("United States of America"), country_code("fr")) == ("CN", "US", "FR")
    assert country_code("Atlantis") == "" and country_code("") == ""


def test_slugs_from_names_keep_dots_and_drop_the_rest():
    assert proposal_slug("GPT-6 Sol") == "gpt-6-sol"
    assert proposal_slug("Claude Opus 4.7 (64K thinking)") == "claude-opus-4.7-64k-thinking"
    assert proposal_slug("  ?? ") == "model"


def test_recording_proposes_only_new_ids_with_a_known_lab(labs):
    run = SourceRun.objects.create(source="epoch", started_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
    AIModelFactory(slug="kimi-k3", lab=labs["moonshot"], aliases=["kimi-k3_high"])
    ModelProposalFactory(source="epoch", upstream_id="glm-6-old", lab=labs["zhipu"], status="rejected")
    candidates = [
        ProposalCandidate("glm-6", "GLM-6", "Z.ai (Zhipu AI)", "China", datetime.date(2026, 11, 2)),
        ProposalCandidate("glm-6", "GLM-6", "Z.ai (Zhipu AI)", "China"),  # listed twice: proposed once
        ProposalCandidate("glm-6-old", "GLM-6 (old)", "Z.ai (Zhipu AI)", "China"),  # rejected before
        ProposalCandidate("kimi-k3_high", "Kimi K3", "Moonshot", "China"),  # already a model's alias
        ProposalCandidate("mystery-1", "Mystery", "Nobody Inc.", "Atlantis"),  # no lab
    ]
    lines = model_proposals_record(candidates=candidates, run=run)
    assert lines == ["? propose glm-6 as a model of zhipu (GLM-6, released 2026-11-02)"]
    proposal = ModelProposal.objects.get(upstream_id="glm-6")
    assert (proposal.lab, proposal.country.code, proposal.source_run, proposal.status) == (
        labs["zhipu"],
        "CN",
        run,
        "pending",
    )
    assert proposal.history.latest().history_change_reason == "proposed by the epoch refresh"


def test_a_candidate_is_not_proposed_when_another_of_its_ids_was_proposed_or_is_an_alias(labs):
    """A candidate stands for all its ids (Epoch: every version of one release group)."""
    run = SourceRun.objects.create(source="epoch", started_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
    ModelProposalFactory(source="epoch", upstream_id="glm-7_high", lab=labs["zhipu"], status="rejected")
    AIModelFactory(slug="kimi-k5", lab=labs["moonshot"], aliases=["kimi-k5_high"])
    candidates = [
        ProposalCandidate("fireworks/glm-7", "GLM-7", "Z.ai (Zhipu AI)", other_ids=("glm-7_high",)),  # rejected
        ProposalCandidate("fireworks/kimi-k5", "Kimi K5", "Moonshot", other_ids=("kimi-k5_high",)),  # a model's
        ProposalCandidate("glm-8", "GLM-8", "Z.ai (Zhipu AI)", other_ids=("glm-8_low",)),
    ]
    lines = model_proposals_record(candidates=candidates, run=run)
    assert lines == ["? propose glm-8 as a model of zhipu (GLM-8, with glm-8_low)"]
    assert set(ModelProposal.objects.values_list("upstream_id", flat=True)) == {"glm-7_high", "glm-8"}


def test_accepting_creates_the_model_with_the_alias_and_records_who_in_the_history(labs):
    proposal = ModelProposalFactory(upstream_id="glm-6", name="GLM-6", lab=labs["zhipu"])
    AIModelFactory(slug="glm-6")  # another lab's model has the slug: the new model gets the next free one
    admin = make_user("approver", staff=True)
    model = model_proposal_accept(proposal_id=proposal.pk, user=admin)
    assert (model.slug, model.name, model.lab, model.aliases) == ("glm-6-2", "GLM-6", labs["zhipu"], ["glm-6"])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.model) == ("accepted", model)
    assert proposal.history.latest().history_user == admin
    assert model.history.latest().history_user == admin


def test_a_proposal_named_like_a_model_of_its_own_lab_is_refused_with_the_alias_to_add(labs):
    proposal = ModelProposalFactory(upstream_id="glm-6-2026-11-20", name="GLM-6", lab=labs["zhipu"])
    AIModelFactory(slug="glm-6", name="GLM-6", lab=labs["zhipu"])
    with pytest.raises(ValidationError, match="add 'glm-6-2026-11-20' to its aliases"):
        model_proposal_accept(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == "pending" and AIModel.objects.filter(name="GLM-6").count() == 1


def test_a_decided_or_labless_proposal_is_refused_and_nothing_is_written(labs):
    decided = ModelProposalFactory(lab=labs["zhipu"], status="rejected")
    no_lab = ModelProposalFactory(lab=None)
    taken = ModelProposalFactory(lab=labs["zhipu"], upstream_id="glm-5")
    AIModelFactory(slug="glm-5-model", lab=labs["zhipu"], aliases=["glm-5"])
    count = AIModel.objects.count()
    for proposal, reason in [(decided, "already rejected"), (no_lab, "no lab"), (taken, "already an alias of")]:
        with pytest.raises(ValidationError, match=reason):
            model_proposal_accept(proposal_id=proposal.pk)
    assert AIModel.objects.count() == count
    assert set(ModelProposal.objects.values_list("status", flat=True)) == {"rejected", "pending"}


# --- API ---------------------------------------------------------------------------------------------------------


def test_anyone_lists_proposals_filtered_by_source_status_lab_and_country(api_client, labs):
    ModelProposalFactory(source="epoch", upstream_id="glm-6", lab=labs["zhipu"], country="CN")
    ModelProposalFactory(source="openrouter", upstream_id="z-ai/glm-6", lab=labs["zhipu"], country="")
    ModelProposalFactory(source="epoch", upstream_id="kimi-k4", lab=labs["moonshot"], country="CN", status="rejected")
    url = reverse("modelproposal-list")
    body = api_client.get(url).json()
    assert body["count"] == 3
    assert set(body["results"][0]) >= {"upstream_id", "name", "lab", "organization", "country", "status", "model"}

    def ids(**query) -> set[str]:
        return {row["upstream_id"] for row in api_client.get(url, query).json()["results"]}

    assert ids(source="openrouter") == {"z-ai/glm-6"}
    assert ids(status="pending") == {"glm-6", "z-ai/glm-6"}
    assert ids(lab="moonshot") == {"kimi-k4"}
    assert ids(country="cn") == {"glm-6", "kimi-k4"}
    assert api_client.get(url, {"status": "maybe"}).status_code == 400


def test_the_proposal_list_runs_a_fixed_number_of_queries(api_client, labs, django_assert_num_queries):
    ModelProposalFactory.create_batch(2, lab=labs["zhipu"])
    url = reverse("modelproposal-list")
    api_client.get(url)
    with django_assert_num_queries(4):  # SAVEPOINT, COUNT, one SELECT with its joins, RELEASE
        api_client.get(url)
    ModelProposalFactory.create_batch(5, lab=labs["moonshot"], model=AIModelFactory(lab=labs["moonshot"]))
    with django_assert_num_queries(4):
        response = api_client.get(url)
    assert response.json()["count"] == 7


def test_accepting_through_the_api_needs_the_change_and_add_model_permissions_and_records_the_user(labs):
    proposal = ModelProposalFactory(upstream_id="kimi-k4_high", name="Kimi K4", lab=labs["moonshot"])
    url = reverse("modelproposal-accept", args=[proposal.pk])
    assert token_client(None).post(url).status_code == 401
    assert token_client(make_user("plain")).post(url).status_code == 403
    adder = make_user("adder", perms=model_permissions(ModelProposal, "add", "view"))
    assert token_client(adder).post(url).status_code == 403
    # Deciding on proposals is not enough: accepting creates an AIModel.
    decider = make_user("decider", perms=model_permissions(ModelProposal, "change"))
    refused = token_client(decider).post(url)
    assert refused.status_code == 403
    assert "models_registry.add_aimodel" in refused.json()["detail"]
    model_maker = make_user("model-maker", perms=model_permissions(AIModel, "add"))
    assert token_client(model_maker).post(url).status_code == 403
    assert not AIModel.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == "pending"

    editor = make_user(
        "editor", perms=[*model_permissions(ModelProposal, "change"), *model_permissions(AIModel, "add")]
    )
    response = token_client(editor).post(url)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["model"]) == ("accepted", "kimi-k4")
    model = AIModel.objects.get(slug="kimi-k4")
    assert model.aliases == ["kimi-k4_high"] and model.history.latest().history_user == editor

    again = token_client(editor).post(url)
    assert again.status_code == 400 and "already accepted" in again.json()["status"][0]
    assert AIModel.objects.count() == 1


def test_rejecting_through_the_api_keeps_the_id_from_being_proposed_again(labs):
    proposal = ModelProposalFactory(upstream_id="glm-6", lab=labs["zhipu"])
    editor = make_user("editor", perms=model_permissions(ModelProposal, "change"))
    response = token_client(editor).post(reverse("modelproposal-reject", args=[proposal.pk]))
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    run = SourceRun.objects.create(source="epoch", started_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
    candidate = ProposalCandidate("glm-6", "GLM-6", "Zhipu AI (Z.ai)")
    assert model_proposals_record(candidates=[candidate], run=run) == []


def test_lab_aliases_are_part_of_the_lab_api_and_validated(labs):
    editor = make_user("editor", perms=model_permissions(Lab, "change"))
    url = reverse("lab-detail", args=["zhipu"])
    assert token_client(None).get(url).json()["aliases"] == ["z-ai"]
    response = token_client(editor).patch(url, {"aliases": ["z-ai", "Z-AI"]}, format="json")
    assert response.status_code == 400 and "listed twice" in response.json()["aliases"][0]
    response = token_client(editor).patch(url, {"aliases": ["z-ai", "Z.ai (Zhipu AI)"]}, format="json")
    assert response.status_code == 200
    assert Lab.objects.get(slug="zhipu").aliases == ["z-ai", "Z.ai (Zhipu AI)"]


# --- admin ---------------------------------------------------------------------------------------------------------


def test_the_admin_bulk_actions_accept_and_reject_and_say_what_they_refused(client, labs):
    accept = ModelProposalFactory.create_batch(2, lab=labs["zhipu"])
    no_lab = ModelProposalFactory(lab=None, name="Orphan")
    reject = ModelProposalFactory(lab=labs["moonshot"])
    admin_user = User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    client.force_login(admin_user)
    url = reverse("admin:models_registry_modelproposal_changelist")
    response = client.post(
        url, {"action": "accept", "_selected_action": [p.pk for p in [*accept, no_lab]]}, follow=True
    )
    text = response.content.decode()
    assert "Accepted 2 proposal(s)." in text and "no lab; set the proposal" in text
    assert AIModel.objects.filter(proposals__in=accept).count() == 2
    assert {p.history.latest().history_user for p in ModelProposal.objects.filter(pk__in=[a.pk for a in accept])} == {
        admin_user
    }
    client.post(url, {"action": "reject", "_selected_action": [reject.pk]})
    reject.refresh_from_db()
    assert reject.status == "rejected"
    listing = client.get(url, {"status__exact": "pending", "lab__id__exact": labs["zhipu"].pk})
    assert listing.status_code == 200 and list(listing.context["cl"].result_list) == []
    assert client.get(url, {"country": "US", "source": "epoch"}).status_code == 200


def test_the_admin_accept_action_needs_the_add_model_permission_too(client, labs):
    proposal = ModelProposalFactory(lab=labs["zhipu"], name="GLM-9")
    url = reverse("admin:models_registry_modelproposal_changelist")
    decider = make_user("decider", staff=True, perms=model_permissions(ModelProposal, "view", "change"))
    client.force_login(decider)
    response = client.post(url, {"action": "accept", "_selected_action": [proposal.pk]}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Nothing accepted. Accepting a proposal creates a model")
    assert "(models_registry.add_aimodel)" in message
    proposal.refresh_from_db()
    assert proposal.status == "pending" and not AIModel.objects.exists()
    client.post(url, {"action": "reject", "_selected_action": [proposal.pk]})  # rejecting creates nothing: allowed
    proposal.refresh_from_db()
    assert proposal.status == "rejected"

    other = ModelProposalFactory(lab=labs["zhipu"], name="GLM-10")
    decider.user_permissions.add(*model_permissions(AIModel, "add"))
    response = client.post(url, {"action": "accept", "_selected_action": [other.pk]}, follow=True)
    assert "Accepted 1 proposal(s)." in response.content.decode()
    assert AIModel.objects.get().name == "GLM-10"


def test_the_admin_country_filter_lists_only_the_countries_proposals_use(client, labs):
    ModelProposalFactory(lab=labs["zhipu"], country="CN")
    ModelProposalFactory(lab=labs["google"], country="US")
    ModelProposalFactory(lab=labs["moonshot"], country="")
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only"))
    url = reverse("admin:models_registry_modelproposal_changelist")
    response = client.get(url)
    changelist = response.context["cl"]
    country_filter = next(f for f in changelist.filter_specs if f.title == "country")
    listed = [str(choice["display"]) for choice in country_filter.choices(changelist)]
    assert listed == ["All", "China (CN)", "United States of America (US)"]  # not all ~250 countries
    filtered = client.get(url, {"country": "CN"})
    assert [str(p.country) for p in filtered.context["cl"].result_list] == ["CN"]


# --- openrouter ------------------------------------------------------------------------------------------------------


def test_openrouter_proposes_unmatched_ids_whose_author_names_a_lab(upstream, settings, fast_retries):
    settings.OPENROUTER_MODELS_URL = upstream.serve_fixture("/or", "openrouter_models.json")
    build_price_registry()
    run = price_refresh_from_source(source="openrouter")
    proposals = dict(ModelProposal.objects.values_list("upstream_id", "name"))
    # deepseek/deepseek-r1:free is a way to buy R1, not a model; meta-llama, qwen ... name no lab of this registry.
    assert proposals == {"deepseek/deepseek-r1-0528": "DeepSeek R1 0528", "openai/gpt-4o-mini": "GPT-4o-mini"}
    assert run.proposed_count == 2 and "deepseek/deepseek-r1-0528" in run.unmatched
    assert ModelProposal.objects.get(upstream_id="openai/gpt-4o-mini").lab.slug == "openai"
    again = price_refresh_from_source(source="openrouter")
    assert again.proposed_count == 0 and ModelProposal.objects.count() == 2
