"""The appraisal page as members (and partners' officers) see it: where the appraisal stands
and where to read more, no editing tasks, and no link to a page that would refuse them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from appraisals.models import Membership, ReportVersion
from appraisals.results import evaluate
from tests.factories import make_appraisal, make_user


def _url(appraisal, name: str = "appraisal", *args) -> str:
    return reverse(f"appraisals:{name}", args=[appraisal.reference, *args])


def _main_links(page: str) -> list[str]:
    """The site's own links in the page's main content (not the header or footer)."""
    main = page[page.index('id="main-content"') : page.index("</main>")]
    return sorted({h for h in re.findall(r'href="([^"#]+)', main) if h.startswith("/")})


def _panel_member(personas):
    panel = personas.appraisal.panels.get(key="panel-2")
    panel.members.add(personas.member)
    return panel


@pytest.mark.parametrize("persona", ["member", "partner_officer"])
def test_readers_are_offered_no_link_they_cannot_follow(client, personas, persona):
    _panel_member(personas)
    client.force_login(getattr(personas, persona))
    page = client.get(_url(personas.appraisal)).text
    links = _main_links(page)
    assert _url(personas.appraisal, "results") in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_members_see_the_leading_option_and_where_to_read_more(client, personas):
    appraisal = personas.appraisal
    leader = evaluate(appraisal, samples=0).result.leader
    client.force_login(personas.member)
    response = client.get(_url(appraisal))
    page = response.text
    assert "tasks" not in response.context
    assert (
        f"The leading option is <strong>{appraisal.options.get(key=leader).name}</strong>" in page
    )
    assert "compared with the baseline, Do nothing" in page
    for view in ("results", "risks", "finances", "export-scores-csv", "versions"):
        assert f'href="{_url(appraisal, view)}' in page, view
    assert f'href="{_url(appraisal, "questions")}#id_text"' in page
    assert "Ask a question" in page
    # none of the editing tasks
    for view in ("scope-edit", "report", "weights", "appraisal-replace"):
        assert f'href="{_url(appraisal, view)}' not in page, view
    assert "A committee report is being prepared." in page


def test_members_see_the_recommended_option_and_whether_it_leads(client, personas):
    appraisal = personas.appraisal
    result = evaluate(appraisal, samples=0).result
    leader, second = result.ranking[0], result.ranking[1]
    client.force_login(personas.member)
    appraisal.options.filter(key=leader.key).update(recommended=True)
    page = client.get(_url(appraisal)).text
    assert "Officers recommend this option." in page
    appraisal.options.update(recommended=False)
    appraisal.options.filter(key=second.key).update(recommended=True)
    page = client.get(_url(appraisal)).text
    names = dict(appraisal.options.values_list("key", "name"))
    assert (
        f"Officers recommend {names[second.key]}, which ranks second with "
        f"{second.value:.1f} out of 100; {names[leader.key]} leads with {leader.value:.1f} "
        "out of 100."
    ) in page


def test_members_score_only_in_their_own_panel(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.member)
    page = client.get(_url(appraisal)).text
    assert "Your scoring" not in page
    assert "/scoring/" not in page
    _panel_member(personas)
    page = client.get(_url(appraisal)).text
    assert f'href="{_url(appraisal, "scoring", "panel-2")}"' in page
    assert _url(appraisal, "scoring", "panel-1") not in page


def test_members_are_pointed_to_the_latest_issued_report(client, personas):
    appraisal = personas.appraisal
    for number in (1, 2):
        ReportVersion.objects.create(
            appraisal=appraisal, number=number, snapshot={}, pdf=b"%PDF", sha256="0" * 64,
            html="<title>Report</title>",
        )  # fmt: skip
    client.force_login(personas.member)
    page = client.get(_url(appraisal)).text
    assert f'href="{_url(appraisal, "version-html", 2)}"' in page
    assert "A committee report is being prepared." not in page


def test_an_unscored_appraisal_says_no_option_can_be_ranked(client, personas):
    bare = make_appraisal(personas.lead, reference="bare", scored=False)
    client.force_login(personas.member)
    response = client.get(_url(bare))
    assert response.status_code == 200
    assert "No option can be ranked yet" in response.text
    empty = make_appraisal(personas.lead, reference="empty", options=0, criteria=0, panels=0)
    empty.options.all().delete()
    assert "No option can be ranked yet" in client.get(_url(empty)).text


def test_partner_officers_may_answer_and_members_may_not(client, personas):
    client.force_login(personas.partner_officer)
    assert "Ask or answer a question" in client.get(_url(personas.appraisal)).text
    client.force_login(personas.member)
    assert "Ask or answer a question" not in client.get(_url(personas.appraisal)).text


def test_members_view_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.member)

    def count(appraisal) -> None:
        # session, user, appraisal (with lead council), partners (prefetched), memberships,
        # the results (evaluate: ten queries, and one for the declarations of interest), the
        # member's panels, the latest issued report, services, the header's council
        with django_assert_num_queries(20):
            assert client.get(_url(appraisal)).status_code == 200

    count(personas.appraisal)
    big = make_appraisal(personas.lead, reference="big", options=8, criteria=12, panels=4)
    for panel in big.panels.all():
        panel.members.add(personas.member)
    make_user("pam", personas.partner, Membership.Role.MEMBER)
    count(big)


def test_download_as_json_is_offered_to_officers_not_councillors(client, personas):
    json_url = _url(personas.appraisal, "export-json")
    client.force_login(personas.member)
    page = client.get(_url(personas.appraisal)).text
    assert f'href="{json_url}"' not in page
    assert f'href="{_url(personas.appraisal, "export-xlsx")}"' in page
    for officer in (personas.officer, personas.partner_officer):
        client.force_login(officer)
        assert f'href="{json_url}"' in client.get(_url(personas.appraisal)).text
