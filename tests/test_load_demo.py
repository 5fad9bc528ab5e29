"""`manage.py load_demo`: reference data, three demo appraisals and demo users; repeatable."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from appraisals.interchange import export_document, import_document, validate_document
from appraisals.models import (
    Appraisal,
    Authority,
    Change,
    CriteriaSet,
    Criterion,
    DeliveryModel,
    FinancialCase,
    LibraryCriterion,
    Membership,
    Option,
    Panel,
    PartnerShare,
    Risk,
    Score,
    Service,
)
from appraisals.results import evaluate
from tests.test_reports_data import meeting_ahead

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEMO = sorted((FIXTURES / "demo").glob("*.json"))
CATALOGUE = [
    "do-nothing", "in-house", "outsourcing", "shared-service", "shared-management",
    "lead-authority", "joint-service", "company", "joint-venture", "pooled-procurement", "mutual",
]  # fmt: skip
User = get_user_model()
WATCHED = (
    Authority, Service, DeliveryModel, CriteriaSet, LibraryCriterion, Appraisal, Option,
    Criterion, Panel, Score, Risk, FinancialCase, PartnerShare, Change, Membership, User,
    Panel.members.through, Option.partners.through, Appraisal.partners.through,
    Appraisal.services.through,
)  # fmt: skip


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table the command writes, every field (updated_at included)."""
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in WATCHED}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / "demo" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def loaded(db) -> str:
    return load_demo()


def test_first_run_loads_everything_and_says_what_it_created(loaded):
    assert list(DeliveryModel.objects.values_list("key", flat=True)) == CATALOGUE
    assert CriteriaSet.objects.count() == 5
    assert LibraryCriterion.objects.filter(criteria_set__key="harborough-2011").count() == 12
    assert set(Appraisal.objects.values_list("reference", flat=True)) == {
        "hdc-future-options-2011",
        "wellingborough-asd",
        "darlington-stockton-support-services",
    }
    lines = loaded.splitlines()
    assert "Created appraisal: hdc-future-options-2011" in lines
    assert "Created authority: Stockton-on-Tees Borough Council" in lines
    assert "Created user: officer (password councilopts-demo)" in lines
    assert lines[-1].startswith("Done: 11 delivery models created, 5 criteria sets created")


def test_second_run_changes_nothing(loaded):
    before = snapshot()
    assert load_demo() == "Nothing to do: the demo data is loaded already.\n"
    assert snapshot() == before


def test_demo_users_log_in_with_their_roles(loaded):
    roles = {
        "officer": ("Harborough District Council", "officer"),
        "member": ("Harborough District Council", "member"),
        "admin": ("Harborough District Council", "administrator"),  # and below
        "officer.wellingborough": ("Borough Council of Wellingborough", "officer"),
        "officer.stockton": ("Stockton-on-Tees Borough Council", "officer"),
    }
    for username, (authority, role) in roles.items():
        # As the sign-in page calls it: django-axes needs the request (who is asking).
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password="councilopts-demo")
        assert user is not None, username
        places = Membership.objects.filter(user=user).values_list("authority__name", "role")
        assert set(places) == {(authority, role)} | (
            {("Leicestershire County Council", "officer")} if username == "admin" else set()
        )
        assert user.email == f"{username}@councilopts.example"
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="officer").is_staff


def test_member_scores_in_the_harborough_councillors_panel(loaded):
    panel = Panel.objects.get(appraisal__reference="hdc-future-options-2011", key="councillors")
    assert list(panel.members.values_list("username", flat=True)) == ["member"]


def test_stockton_officer_scores_in_the_stockton_panel_of_the_partnership(loaded):
    panel = Panel.objects.get(
        appraisal__reference="darlington-stockton-support-services", key="stockton"
    )
    assert list(panel.members.values_list("username", flat=True)) == ["officer.stockton"]
    assert not Panel.objects.get(
        appraisal__reference="darlington-stockton-support-services", key="darlington"
    ).members.exists()


def test_stockton_officer_sees_the_partnership_appraisal_only(loaded):
    stockton = User.objects.get(username="officer.stockton")
    assert list(Appraisal.objects.visible_to(stockton).values_list("reference", flat=True)) == [
        "darlington-stockton-support-services"
    ]


def test_reference_data_that_drifted_is_put_back(loaded):
    DeliveryModel.objects.filter(key="outsourcing").update(summary="Edited")
    Authority.objects.filter(name="Harborough District Council").update(population=1)
    out = load_demo()
    assert "Updated delivery model: outsourcing" in out
    assert "Updated authority: Harborough District Council" in out
    assert DeliveryModel.objects.get(key="outsourcing").summary.startswith("A contractor")
    assert Authority.objects.get(name="Harborough District Council").population == 85000


def test_a_changed_demo_appraisal_is_left_alone(loaded):
    Appraisal.objects.filter(reference="wellingborough-asd").update(title="Our own title")
    out = load_demo()
    assert "Left alone: appraisal wellingborough-asd has changed since it was loaded" in out
    assert Appraisal.objects.get(reference="wellingborough-asd").title == "Our own title"


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.stem)
def test_demo_fixture_imports_and_exports_unchanged(loaded, path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert validate_document(doc) == []
    assert export_document(Appraisal.objects.get(reference=doc["reference"])) == doc


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.stem)
def test_demo_export_import_export_is_stable(loaded, path):
    exported = export_document(Appraisal.objects.get(reference=path.stem))
    exported["reference"] = f"{path.stem}-copy"
    copied = import_document(document=json.loads(json.dumps(exported))).appraisal
    assert export_document(copied) == exported


@pytest.mark.parametrize(
    ("reference", "preferred"),
    [
        ("hdc-future-options-2011", "in-house"),
        ("wellingborough-asd", "shared-management"),
        ("darlington-stockton-support-services", "partnership"),
    ],
)
def test_each_papers_preferred_option_leads(loaded, reference, preferred):
    assert evaluate(Appraisal.objects.get(reference=reference), samples=100).leader == preferred


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.stem)
def test_demo_scores_are_marked_illustrative(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["illustrative"] is True
    assert "illustrative" in doc["summary"]
    assert doc["finance"]["options"], "each demo has a financial case"
    assert doc["report"]["narrative"]["recommendations"]


def test_the_papers_figures_are_kept():
    wellingborough = fixture("wellingborough-asd")
    assert wellingborough["savings_target"] == {"amount": 3000000, "year": 4}
    darlington = fixture("darlington-stockton-support-services")
    partnership = darlington["finance"]["options"]["partnership"]
    assert max(partnership["savings"]["low"]) == 900000
    assert max(partnership["savings"]["high"]) == 1500000
    assert partnership["partner_shares"] == {
        "Darlington Borough Council": 0.5,
        "Stockton-on-Tees Borough Council": 0.5,
    }
    assert sum(darlington["finance"]["options"]["outsourcing"]["costs"]) == 1000000
    harborough = fixture("hdc-future-options-2011")
    assert [p["key"] for p in harborough["panels"]] == ["staff", "union", "councillors"]
    assert len(harborough["criteria"]) == 12
    assert len(harborough["scores"]) == 3 * 5 * 12
    assert len(harborough["risks"]) == 3


def test_catalogue_entries_carry_their_facts():
    models = json.loads((FIXTURES / "delivery_models.json").read_text(encoding="utf-8"))
    assert [m["key"] for m in models] == CATALOGUE
    for m in models:
        for field in ("name", "summary", "legal_entity", "governance", "typical_note"):
            assert m[field], (m["key"], field)
        assert len(m["advantages"].splitlines()) >= 2
        assert len(m["disadvantages"].splitlines()) >= 2


def test_harborough_criteria_carry_guidance_for_zero_three_and_five():
    sets = {s["key"]: s for s in json.loads((FIXTURES / "criteria_sets.json").read_text())}
    for criterion in sets["harborough-2011"]["criteria"]:
        levels = [line.split(" = ")[0] for line in criterion["guidance"].splitlines()]
        assert levels == ["0", "3", "5"], criterion["key"]
    assert len(sets["harborough-objectives"]["criteria"]) == 5
    assert len(sets["treasury-csf"]["criteria"]) == 5


def test_the_harborough_report_can_be_issued_as_it_stands(loaded):
    # The paper a clerk would publish: every section written (from the council's own paper),
    # so the check page offers "Issue report" and the PDF prints no "[Not yet written.]".
    from appraisals import reports

    appraisal = Appraisal.objects.get(reference="hdc-future-options-2011")
    # Once the meeting is ahead: the paper's, 31 October 2011, has taken place.
    assert [p.field for p in reports.issue_problems(appraisal)] == ["meeting_date"]
    assert reports.issue_problems(meeting_ahead(appraisal)) == []
    assert reports.NOT_WRITTEN not in reports.render_html(appraisal)


def test_demo_users_have_names(loaded):
    officer = get_user_model().objects.get(username="officer")
    assert officer.get_full_name() == "Priya Shah"


def test_every_fixture_text_fits_its_column():
    """SQLite ignores a column's length; PostgreSQL refuses the whole load_demo (so `make
    loadtest`, `make faults` and the PostgreSQL bench) over one string too long."""
    import json
    from pathlib import Path

    from django.db import models as m

    from appraisals.models import CriteriaSet, DeliveryModel, LibraryCriterion

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"

    def check(model, item, where):
        for name, value in item.items():
            try:
                field = model._meta.get_field(name)
            except Exception:
                continue
            if isinstance(field, m.CharField) and isinstance(value, str):
                assert len(value) <= field.max_length, f"{where}.{name}: {len(value)} characters"

    for item in json.loads((fixtures / "delivery_models.json").read_text(encoding="utf-8")):
        check(DeliveryModel, item, item["key"])
    for item in json.loads((fixtures / "criteria_sets.json").read_text(encoding="utf-8")):
        check(CriteriaSet, item, item["key"])
        for criterion in item.get("criteria", []):
            check(LibraryCriterion, criterion, f"{item['key']}.{criterion.get('key')}")
