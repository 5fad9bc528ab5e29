"""A council's dashboard: its appraisals, led and partnered, with status, meeting, the
recommended or leading option, central NPV, share of the savings target and what each is
waiting on; filters, sorting, CSV and XLSX; and a query count that does not grow."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from appraisals import actions
from appraisals.dashboard import WAITING_ISSUED
from appraisals.models import Appraisal, FinancialCase
from appraisals.results import evaluate
from tests.factories import make_appraisal
from tests.test_issued_frozen import freeze

URL = reverse("appraisals:dashboard")


def lines(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return [row.record for row in response.context["table"].paginated_rows]


@pytest.fixture
def costed(personas):
    """The personas' appraisal with a savings target and option 1's financial case."""
    appraisal = personas.appraisal
    appraisal.savings_target = 400_000
    appraisal.savings_target_year = 1
    appraisal.save()
    for key in ("option-1", "option-2", "option-3"):
        FinancialCase.objects.create(
            option=appraisal.options.get(key=key),
            costs=[250_000, 0],
            savings_low=[0, 400_000],
            savings_central=[0, 500_000],
            savings_high=[0, 600_000],
        )
    return appraisal


@pytest.mark.parametrize(
    ("persona", "role"),
    [("officer", "Lead"), ("member", "Lead"), ("admin", "Lead"), ("partner_officer", "Partner")],
)
def test_each_council_sees_its_appraisals_with_its_role(client, personas, persona, role):
    client.force_login(getattr(personas, persona))
    (line,) = lines(client)
    assert line.appraisal == personas.appraisal and line.role == role


def test_another_council_sees_none_of_them(client, personas):
    own = make_appraisal(personas.unrelated, reference="faraway")
    client.force_login(personas.outsider)
    page = client.get(URL).content.decode()
    assert [line.appraisal for line in lines(client)] == [own]
    assert personas.appraisal.title not in page
    csv_text = client.get(URL + "?export=csv").content.decode()
    assert personas.appraisal.title not in csv_text and own.title in csv_text


def test_the_figures_are_the_evaluations(client, personas, costed):
    evaluation = evaluate(costed, samples=0)
    leader = evaluation.leader
    client.force_login(personas.officer)
    (line,) = lines(client)
    assert line.option == evaluation.option_name(leader) and line.option_is == "Leading"
    assert line.npv_central == pytest.approx(evaluation.finance[leader].npv_central)
    assert line.target_share == pytest.approx(evaluation.finance[leader].target_share)
    page = client.get(URL).content.decode()
    assert f"£{round(line.npv_central):,}" in page and "125%" in page


def test_the_recommended_option_comes_first_and_changes_the_figures(client, personas, costed):
    evaluation = evaluate(costed, samples=0)
    other = next(k for k in ("option-1", "option-2", "option-3") if k != evaluation.leader)
    client.force_login(personas.officer)
    lines(client)  # cached now: the recommendation must still show (a new history row)
    option = costed.options.get(key=other)
    actions.set_recommended(
        appraisal=costed, user=personas.officer, option=option, recommended=True
    )
    (line,) = lines(client)
    assert line.option == evaluation.option_name(other) and line.option_is == "Recommended"


def test_it_says_what_each_is_waiting_on(client, personas):
    client.force_login(personas.officer)
    (line,) = lines(client)
    assert line.waiting_on.startswith("Scope: Choose the services")
    freeze(personas.appraisal, personas.officer)
    (line,) = lines(client)
    assert line.waiting_on == WAITING_ISSUED and line.status == "Issued"


def test_filters_and_archived_ones(client, personas):
    led = make_appraisal(personas.partner, reference="partner-led")
    client.force_login(personas.partner_officer)
    assert {line.appraisal for line in lines(client)} == {personas.appraisal, led}
    assert [line.appraisal for line in lines(client, "?role=lead")] == [led]
    assert [line.appraisal for line in lines(client, "?role=partner")] == [personas.appraisal]
    assert [line.appraisal for line in lines(client, "?title=partner-led")] == [led]
    assert lines(client, "?status=issued") == []
    assert "No appraisals match your filters" in client.get(URL + "?status=issued").content.decode()
    Appraisal.objects.filter(pk=led.pk).update(archived=True)
    assert [line.appraisal for line in lines(client)] == [personas.appraisal]
    assert len(lines(client, "?archived=on")) == 2


def test_sorting_by_net_present_value(client, personas, costed):
    cheap = make_appraisal(personas.lead, reference="second")
    FinancialCase.objects.create(
        option=cheap.options.get(key="option-1"), costs=[10], savings_central=[0, 20]
    )
    client.force_login(personas.officer)
    up = [line.reference for line in lines(client, "?sort=npv_central")]
    down = [line.reference for line in lines(client, "?sort=-npv_central")]
    assert up == list(reversed(down)) and len(up) == 2


def test_csv_export_is_formula_escaped_and_follows_the_filters(client, personas, costed):
    Appraisal.objects.filter(pk=costed.pk).update(title='=HYPERLINK("http://x.example","y")')
    make_appraisal(personas.lead, reference="second")
    client.force_login(personas.officer)
    response = client.get(URL + "?title=HYPERLINK&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Title", "Reference", "Lead council"]
    assert len(rows) == 2  # the filter holds
    assert rows[1][0] == '\'=HYPERLINK("http://x.example","y")'
    evaluation = evaluate(Appraisal.objects.get(pk=costed.pk), samples=0)
    assert rows[1][8] == str(round(evaluation.finance[evaluation.leader].npv_central))


def test_xlsx_export_stores_text_as_text(client, personas, costed):
    Appraisal.objects.filter(pk=costed.pk).update(title="=1+1")
    client.force_login(personas.officer)
    response = client.get(URL + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Title"
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert isinstance(sheet["I2"].value, int)  # the net present value, a number


def _queries(client) -> int:
    client.get(URL)  # warm: each appraisal's line is in the cache now
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_warm_dashboard_is_a_fixed_number_of_queries(client, personas):
    client.force_login(personas.officer)
    few = _queries(client)
    for n in range(5):
        make_appraisal(personas.lead, reference=f"more-{n}")
    assert _queries(client) == few
    assert few <= 12


def test_a_cold_line_reads_the_evaluation_once(client, personas, django_assert_max_num_queries):
    client.force_login(personas.officer)
    client.get(URL)
    make_appraisal(personas.lead, reference="new-one")
    warm = _queries(client)
    make_appraisal(personas.lead, reference="newer-one")
    with django_assert_max_num_queries(warm + 25):
        client.get(URL)


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_header_leads_to_the_dashboard_and_the_search(client, personas):
    client.force_login(personas.member)
    page = client.get(URL).content.decode()
    nav = page[page.index('class="govuk-service-navigation"') : page.index("</section>")]
    assert f'href="{URL}" aria-current="true">Dashboard</a>' in nav
    assert f'href="{reverse("appraisals:search")}">Search</a>' in nav


def test_a_meeting_gone_by_is_marked_past(client, personas):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    Appraisal.objects.filter(pk=personas.appraisal.pk).update(
        meeting_date=today - datetime.timedelta(days=1)
    )
    client.force_login(personas.officer)
    assert "Past: set the next one" in client.get(URL).content.decode()
    Appraisal.objects.filter(pk=personas.appraisal.pk).update(
        meeting_date=today + datetime.timedelta(days=30)
    )
    page = client.get(URL).content.decode()
    assert "Past: set the next one" not in page
    assert f"{today + datetime.timedelta(days=30):%-d %b %Y}" in page
