"""The committee report screens: writing, drafts rendered in the background, check your answers,
issuing, and issued versions downloaded byte for byte."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from appraisals import reports
from appraisals.models import Appraisal, Change, DraftReport, ReportVersion
from appraisals.results import evaluate
from tests.test_reports_data import make_report_appraisal, meeting_ahead

REF = "report-test"


def url(name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[REF, *args])


@pytest.fixture
def appraisal(personas) -> Appraisal:
    # Small, so that each render is quick; led by the personas' council; its meeting ahead.
    return meeting_ahead(make_report_appraisal(options=2, criteria=3, panels=2, risks=2))


@pytest.fixture
def officer(client, personas, appraisal):
    client.force_login(personas.officer)
    return client


def form_data(appraisal: Appraisal, **changes) -> dict:
    """The report form as the page shows it now, with its stamp (views/edit.py)."""
    from appraisals.forms_reports import ReportForm
    from appraisals.views.edit import stamp

    appraisal.refresh_from_db()  # the form is built from the report as it stands
    data = ReportForm.initial_for(appraisal)
    data["loaded"] = stamp(appraisal, ReportForm(initial=data))
    data["meeting_date"] = appraisal.meeting_date.strftime("%d/%m/%Y")
    data["key_decision"] = "on" if appraisal.key_decision else ""
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def issue(client, appraisal: Appraisal):
    check = client.get(url("report-check"))
    return client.post(url("report-issue"), {"content_hash": check.context["content_hash"]})


# Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["report", "report-status", "report-draft", "report-preview", "report-check", "versions"],
)
def test_officer_of_another_council_gets_404(client, personas, appraisal, name):
    client.force_login(personas.outsider)
    assert client.get(url(name)).status_code == 404


def test_officer_of_another_council_cannot_download_an_issued_version(client, personas, appraisal):
    client.force_login(personas.officer)
    issue(client, appraisal)
    client.force_login(personas.outsider)
    assert client.get(url("version-download", 1)).status_code == 404


@pytest.mark.parametrize(
    "name", ["report", "report-status", "report-draft", "report-preview", "report-check"]
)
def test_member_cannot_open_the_report_editing_pages(client, personas, appraisal, name):
    client.force_login(personas.member)
    assert client.get(url(name)).status_code == 403


@pytest.mark.parametrize("name", ["report", "report-render", "report-issue"])
def test_member_cannot_change_render_or_issue_the_report(client, personas, appraisal, name):
    client.force_login(personas.member)
    assert client.post(url(name), {}).status_code == 403
    assert not ReportVersion.objects.exists()
    assert not DraftReport.objects.exists()


def test_member_and_partner_officer_see_versions_and_download_issued_reports(
    client, personas, appraisal
):
    client.force_login(personas.officer)
    issue(client, appraisal)
    stored = ReportVersion.objects.get()
    for persona in (personas.member, personas.partner_officer):
        client.force_login(persona)
        page = client.get(url("versions"))
        assert page.status_code == 200
        assert stored.sha256 in page.content.decode().replace("<wbr>", "")
        download = client.get(url("version-download", 1))
        assert download.status_code == 200
        assert download.content == bytes(stored.pdf)


# Writing the report ------------------------------------------------------------------------


def test_officer_saves_header_and_narrative_and_each_change_is_recorded(officer, appraisal):
    response = officer.post(
        url("report"),
        form_data(
            appraisal,
            committee_name="Cabinet",
            narrative_legal="The Local Government Act 1972, section 101.",
        ),
    )
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.committee_name == "Cabinet"
    assert appraisal.narrative["legal"] == "The Local Government Act 1972, section 101."
    kinds = set(Change.objects.filter(kind="report").values_list("subject", "field"))
    assert ("Legal implications and powers", "narrative") in kinds
    assert ("Future options for corporate services", "committee_name") in kinds


def test_an_exempt_report_needs_its_schedule_12a_paragraph(officer, appraisal):
    response = officer.post(url("report"), form_data(appraisal, report_status="exempt"))
    assert response.status_code == 200
    assert "Select the paragraph of Schedule 12A" in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.report_status == "open"


def test_saving_over_someone_elses_newer_text_is_refused(officer, appraisal):
    stale = form_data(appraisal, narrative_legal="Mine")
    officer.post(url("report"), form_data(appraisal, narrative_legal="Theirs"))
    history = Change.objects.count()
    response = officer.post(url("report"), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "after you opened the page. Your changes have not been saved" in html
    assert "Legal implications and powers: changed to “Theirs”" in html
    assert "\nMine</textarea>" in html  # the typed text is kept, to save again
    appraisal.refresh_from_db()
    assert appraisal.narrative["legal"] == "Theirs"
    assert Change.objects.count() == history


def test_narrative_markup_is_shown_escaped_in_the_form(officer, appraisal):
    officer.post(url("report"), form_data(appraisal, narrative_legal="<script>alert(1)</script>"))
    page = officer.get(url("report")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Save and render: typed text is never left out of a draft, nor lost -------------------------


def test_save_and_render_saves_the_typed_text_then_renders_it(officer, appraisal):
    typed = "Typed just now and never saved on its own."
    response = officer.post(url("report"), form_data(appraisal, narrative_legal=typed, render="1"))
    assert response.status_code == 302
    assert response["Location"] == url("report") + "#report-status"
    appraisal.refresh_from_db()
    assert appraisal.narrative["legal"] == typed
    assert Change.objects.filter(kind="report", field="narrative", new=typed).count() == 1
    draft = DraftReport.objects.get()
    assert draft.state == DraftReport.State.READY, draft.error
    assert draft.content_hash == reports.content_hash(appraisal)  # the draft has the text
    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(officer.get(url("report-draft")).content)).pages
    )
    assert typed in " ".join(text.split())


def test_save_and_render_with_nothing_changed_announces_no_success(officer, appraisal):
    response = officer.post(url("report"), form_data(appraisal, render="1"), follow=True)
    page = response.content.decode()
    assert "Nothing had changed" not in page and "Report saved." not in page
    assert ">Success</h2>" not in page  # no message banner (the draft's status has its own)
    assert DraftReport.objects.get().state == DraftReport.State.READY
    response = officer.post(url("report"), form_data(appraisal), follow=True)
    page = response.content.decode()
    said = page.index("There were no changes to save.")
    assert page.rindex(">Important</h2>", 0, said) > page.rfind(">Success</h2>", 0, said)


def test_the_report_page_renders_only_through_the_form_that_holds_the_text(officer, appraisal):
    officer.post(url("report-render"))  # a draft exists: the page offers to render it again
    html = officer.get(url("report")).content.decode()
    assert url("report-render") not in html  # no form that renders without the text
    form = html[html.index('<form method="post" novalidate') :]
    form = form[: form.index("</form>")]
    assert 'name="narrative_legal"' in form
    assert '<button type="submit" name="render" value="1" id="save-and-render"' in form
    assert 'href="#save-and-render"' in html


def test_save_and_render_over_someone_elses_newer_text_saves_and_renders_nothing(
    officer, appraisal
):
    stale = form_data(appraisal, narrative_legal="Mine", render="1")
    officer.post(url("report"), form_data(appraisal, narrative_legal="Theirs"))
    response = officer.post(url("report"), stale)
    assert "Your changes have not been saved" in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.narrative["legal"] == "Theirs"
    assert not DraftReport.objects.exists()


def test_save_and_render_with_an_error_shows_it_and_renders_nothing(officer, appraisal):
    data = form_data(appraisal, report_status="exempt", narrative_legal="Kept.", render="1")
    response = officer.post(url("report"), data)
    assert response.status_code == 200
    assert "Select the paragraph of Schedule 12A" in response.content.decode()
    assert "\nKept.</textarea>" in response.content.decode()  # the typed text is kept
    assert not DraftReport.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("outsider", 404)])
def test_save_and_render_is_for_the_councils_officers_only(
    client, personas, appraisal, persona, status
):
    client.force_login(getattr(personas, persona))
    data = form_data(appraisal, narrative_legal="Not theirs.", render="1")
    assert client.post(url("report"), data).status_code == status
    appraisal.refresh_from_db()
    assert appraisal.narrative["legal"] != "Not theirs."
    assert not DraftReport.objects.exists()


# Drafts ------------------------------------------------------------------------------------


def test_render_then_download_the_draft(officer, appraisal):
    response = officer.post(url("report-render"))
    assert response.status_code == 302
    draft = DraftReport.objects.get()
    assert draft.state == DraftReport.State.READY, draft.error
    assert draft.content_hash == reports.content_hash(appraisal)
    assert draft.task_id
    download = officer.get(url("report-draft"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert download.content == bytes(draft.pdf)


def test_htmx_render_returns_the_status_fragment_with_the_download_link(officer, appraisal):
    response = officer.post(url("report-render"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="report-status"' in body
    assert url("report-draft") in body
    assert "every 2s" not in body  # ready: polling stops


def test_an_unchanged_draft_is_served_from_cache_without_rendering(officer, appraisal, monkeypatch):
    officer.post(url("report-render"))
    first = DraftReport.objects.get()
    calls = []
    monkeypatch.setattr(
        reports, "render_committee_report", lambda *a, **k: calls.append(1) or b"%PDF-new"
    )
    response = officer.post(url("report-render"), follow=True)
    assert calls == []
    assert "Nothing has changed since the last draft" in response.content.decode()
    assert DraftReport.objects.get().pdf == first.pdf


def test_a_changed_appraisal_renders_a_new_draft(officer, appraisal):
    officer.post(url("report-render"))
    officer.post(url("report"), form_data(appraisal, narrative_legal="Changed."))
    officer.post(url("report-render"))
    assert DraftReport.objects.count() == 2
    assert set(DraftReport.objects.values_list("state", flat=True)) == {"ready"}


def test_draft_download_answers_304_to_its_etag(officer, appraisal):
    officer.post(url("report-render"))
    first = officer.get(url("report-draft"))
    again = officer.get(url("report-draft"), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_status_fragment_polls_every_two_seconds_while_rendering(officer, appraisal):
    DraftReport.objects.create(appraisal=appraisal, content_hash="x" * 64)
    body = officer.get(url("report-status")).content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "Rendering your report…" in body
    assert url("report-draft") not in body


def test_status_fragment_says_when_the_draft_is_out_of_date(officer, appraisal):
    DraftReport.objects.create(
        appraisal=appraisal, content_hash="x" * 64, state="ready", pdf=b"%PDF-1.7"
    )
    body = officer.get(url("report-status")).content.decode()
    assert "has changed since this draft was rendered" in body


def test_a_draft_whose_appraisal_changed_while_queued_fails_with_a_message(appraisal):
    from appraisals.tasks import CHANGED, render_draft_report

    DraftReport.objects.create(appraisal=appraisal, content_hash="0" * 64)
    render_draft_report.call(appraisal.pk, "0" * 64, None)
    draft = DraftReport.objects.get()
    assert draft.state == "failed"
    assert draft.error == CHANGED
    assert not draft.pdf


def test_no_draft_yet_gives_404_on_download(officer, appraisal):
    assert officer.get(url("report-draft")).status_code == 404


# Check your answers and issue ----------------------------------------------------------------


def test_check_your_answers_lists_what_stops_issuing(officer, appraisal):
    officer.post(
        url("report"), form_data(appraisal, report_author="", narrative_recommendations="")
    )
    page = officer.get(url("report-check")).content.decode()
    assert "The report cannot be issued yet" in page
    assert "Enter the report&#x27;s author" in page
    assert "Write the recommendations members are asked to agree" in page
    assert "Issue report" not in page
    response = officer.post(url("report-issue"), {}, follow=True)
    assert not ReportVersion.objects.exists()
    assert "Enter the report&#x27;s author" in response.content.decode()


def test_check_your_answers_lists_each_unwritten_section_and_offers_no_issue(officer, appraisal):
    officer.post(
        url("report"), form_data(appraisal, narrative_equalities="", narrative_environmental="")
    )
    page = officer.get(url("report-check")).content.decode()
    assert "The report cannot be issued yet" in page
    for key, title in (("equalities", "Equalities"), ("environmental", "Environmental")):
        assert f'<a href="{url("report")}#id_narrative_{key}">Write the section “{title}”</a>' in (
            page
        )
    assert "Write the section “Legal" not in page  # written sections are not listed
    assert "Issue report" not in page
    assert url("report-issue") not in page


def test_issuing_with_an_unwritten_section_is_refused_and_issues_nothing(officer, appraisal):
    officer.post(url("report"), form_data(appraisal, narrative_equalities=""))
    check = officer.get(url("report-check"))
    response = officer.post(
        url("report-issue"), {"content_hash": check.context["content_hash"]}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("report-check")
    page = response.content.decode()
    assert "The report has not been issued: 1 thing needs putting right first" in page
    assert f'href="{url("report")}#id_narrative_equalities">Write the section “Equalities”' in page
    assert not ReportVersion.objects.exists()
    appraisal.refresh_from_db()
    assert appraisal.status != Appraisal.Status.ISSUED
    assert not Change.objects.filter(kind="report", field="issued").exists()


def test_sections_the_report_fills_itself_need_no_text_to_issue(officer, appraisal):
    # Background (the appraisal's summary, objectives and savings target) and consultation
    # (the panels who scored) print something without the officer's text; equalities does not.
    officer.post(
        url("report"),
        form_data(
            appraisal,
            narrative_background="",
            narrative_consultation="",
            narrative_equalities="",
        ),
    )
    page = officer.get(url("report-check")).content.decode()
    assert "Write the section “Equalities”" in page
    assert "Write the section “Background”" not in page
    assert "Write the section “Consultation”" not in page


def test_check_your_answers_warns_of_provisional_options_and_missing_scores(officer, appraisal):
    page = officer.get(url("report-check")).content.decode()
    assert "provisional" not in page and "Scoring is incomplete" not in page
    option = appraisal.options.filter(status="shortlisted", baseline=False).first()
    panel = appraisal.panels.order_by("order", "pk").first()
    criteria = appraisal.criteria.count()
    # Every panel's scores of one criterion for this option: it has no score there at all.
    criterion = appraisal.criteria.order_by("order", "pk").first()
    removed = option.scores.filter(criterion=criterion).delete()[0]
    option.scores.filter(panel=panel).exclude(criterion=criterion).first().delete()
    page = officer.get(url("report-check")).content.decode()
    assert (
        f"{option.name} is provisional: not yet scored on every criterion, so the report "
        "gives it no value and no rank."
    ) in page
    options = appraisal.options.exclude(status="rejected").count()
    missing = removed + 1
    assert f"Scoring is incomplete: {missing} scores not given ({panel.name}: 2 of " in page
    assert f"of {options * criteria}" in page
    assert "Issue report" in page  # warnings, not problems: the officer may still issue


def test_check_your_answers_names_an_option_recommended_against_the_ranking(officer, appraisal):
    result = evaluate(appraisal, samples=0).result
    other = next(o for o in result.options if o.candidate and o.key != result.leader)
    appraisal.options.filter(key=other.key).update(recommended=True)
    page = officer.get(url("report-check")).content.decode()
    name = appraisal.options.get(key=other.key).name
    assert f"Officers recommend {name}, which ranks" in page
    assert f'<dd class="govuk-summary-list__value">{name}</dd>' in page


def test_check_your_answers_warns_that_issuing_is_irreversible(officer, appraisal):
    page = officer.get(url("report-check")).content.decode()
    assert "Issuing is irreversible" in page
    assert "That the Council approves the shared service as the preferred option." in page


def test_issuing_freezes_snapshot_and_pdf_and_marks_the_appraisal_issued(officer, appraisal):
    from appraisals.results import results_document

    expected_snapshot = results_document(appraisal)
    response = issue(officer, appraisal)
    assert response.status_code == 302
    assert response["Location"] == url("versions")
    version = ReportVersion.objects.get()
    assert version.number == 1
    assert version.issued_by.username == "alice"
    assert version.snapshot == expected_snapshot
    assert version.sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.ISSUED
    assert Change.objects.filter(kind="report", field="issued").exists()


def test_issuing_again_without_a_change_is_refused(officer, appraisal):
    issue(officer, appraisal)
    # Issued means frozen (tests/test_issued_frozen.py): reopened, but nothing changed.
    officer.post(url("report-reopen"), {"reason": "To check nothing changed."})
    response = issue(officer, appraisal)
    assert ReportVersion.objects.count() == 1
    assert response["Location"] == url("versions")
    page = officer.get(url("versions")).content.decode()
    assert "Version 1 of the report already holds exactly this content" in page


def test_issuing_what_changed_since_the_check_is_refused(officer, appraisal):
    check = officer.get(url("report-check"))
    officer.post(url("report"), form_data(appraisal, narrative_legal="Changed after checking."))
    response = officer.post(
        url("report-issue"), {"content_hash": check.context["content_hash"]}, follow=True
    )
    assert not ReportVersion.objects.exists()
    assert "changed after you checked your answers" in response.content.decode()


def test_issued_bytes_never_change_and_a_later_change_makes_version_2(officer, appraisal):
    issue(officer, appraisal)
    first = ReportVersion.objects.get(number=1)
    first_bytes, first_sha = bytes(first.pdf), first.sha256

    officer.post(url("report-reopen"), {"reason": "A later change."})
    officer.post(url("report"), form_data(appraisal, narrative_legal="A later change."))
    appraisal.criteria.update(weight=1)
    issue(officer, appraisal)

    assert ReportVersion.objects.count() == 2
    download = officer.get(url("version-download", 1))
    assert download.content == first_bytes
    assert hashlib.sha256(download.content).hexdigest() == first_sha
    assert download["ETag"] == f'"{first_sha}"'
    assert "immutable" in download["Cache-Control"]
    second = officer.get(url("version-download", 2))
    assert second.content != first_bytes
    assert ReportVersion.objects.get(number=1).snapshot["report"]["narrative"]["legal"] != (
        "A later change."
    )


def test_unknown_version_is_404(officer, appraisal):
    assert officer.get(url("version-download", 7)).status_code == 404


# Query counts --------------------------------------------------------------------------------


def test_report_page_query_count_is_pinned_and_does_not_grow(
    client, personas, django_assert_num_queries
):
    small = make_report_appraisal(reference="small", options=1, criteria=2, panels=1, risks=1)
    large = make_report_appraisal(reference="large", options=6, criteria=8, panels=3, risks=9)
    client.force_login(personas.officer)
    for appraisal in (small, large):
        # session, user; the appraisal (with its lead council); the officer's memberships;
        # the export for the content hash (ten: appraisal, partners, services, options,
        # options' partners, partner shares, criteria, panels, risks, scores), the latest
        # version's number (the draft follows it: "Changes since version N") and the
        # sign-offs (the council with its statutory officers; the agreements); the latest
        # draft; the number of issued versions; the council named in the page header; the
        # newest history row (the form's stamp: views/edit.py); the declarations of
        # interest (one, for the content hash).
        with django_assert_num_queries(22):
            response = client.get(reverse("appraisals:report", args=[appraisal.reference]))
        assert response.status_code == 200


def test_versions_page_query_count_is_pinned_and_does_not_grow(
    officer, appraisal, django_assert_num_queries
):
    for expected_versions in (1, 2):
        if expected_versions == 2:
            officer.post(url("report-reopen"), {"reason": "A second version."})
            officer.post(url("report"), form_data(appraisal, narrative_legal="Second."))
        issue(officer, appraisal)
        # session, user; the appraisal; the officer's memberships (can_edit); the versions
        # with who issued them (one query, PDFs and snapshots deferred); the council named in
        # the page header.
        with django_assert_num_queries(6):
            page = officer.get(url("versions"))
        assert len(page.context["versions"]) == expected_versions


def test_version_download_query_count(officer, appraisal, django_assert_num_queries):
    issue(officer, appraisal)
    # session, user; the appraisal; the version's bytes and hash.
    with django_assert_num_queries(4):
        assert officer.get(url("version-download", 1)).status_code == 200


def test_a_draft_stuck_rendering_is_rendered_again_when_its_status_is_read(officer, appraisal):
    """Its task row is gone too (pruned, or never written): tasks.recover_stalled_renders
    starts it again as a first attempt; here the immediate backend renders it inline."""
    from datetime import timedelta

    from django.utils import timezone

    content = reports.content_hash(appraisal)
    DraftReport.objects.create(
        appraisal=appraisal,
        content_hash=content,
        requested_at=timezone.now() - timedelta(hours=1),
    )
    body = officer.get(url("report-status")).content.decode()
    assert "taking longer than it should" not in body
    assert DraftReport.objects.get().state == DraftReport.State.READY
    assert "Download the draft report" in body


def test_only_the_latest_three_finished_drafts_are_kept(officer, appraisal):
    for n in range(5):
        officer.post(url("report"), form_data(appraisal, narrative_legal=f"Change {n}."))
        officer.post(url("report-render"))
    assert DraftReport.objects.count() == 3
    assert DraftReport.objects.latest("requested_at").content_hash == reports.content_hash(
        appraisal
    )


# The draft as a web page ---------------------------------------------------------------------


def test_the_draft_reads_as_a_web_page_with_every_section_and_the_text_escaped(officer, appraisal):
    officer.post(
        url("report"), form_data(appraisal, narrative_legal='<script>alert(1)</script> & "so"')
    )
    page = officer.get(url("report"))
    assert url("report-preview") in page.content.decode()
    response = officer.get(url("report-preview"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "private, no-cache"
    html = response.content.decode()
    for title in reports.iter_section_titles(reports.build_report(evaluate(appraisal))):
        number, _, words = title.partition(" ")
        assert words in html, title
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;so&quot;" in html
    assert "<script" not in html
    assert "DRAFT" in html or "Draft" in html


def test_the_web_page_changes_as_soon_as_the_report_does(officer, appraisal):
    officer.post(url("report"), form_data(appraisal, narrative_legal="First wording."))
    assert "First wording." in officer.get(url("report-preview")).content.decode()
    officer.post(url("report"), form_data(appraisal, narrative_legal="Second wording."))
    html = officer.get(url("report-preview")).content.decode()
    assert "Second wording." in html and "First wording." not in html


def test_web_page_query_count_is_pinned_and_does_not_grow(
    client, personas, django_assert_num_queries
):
    small = make_report_appraisal(reference="small", options=1, criteria=2, panels=1, risks=1)
    large = make_report_appraisal(reference="large", options=6, criteria=8, panels=3, risks=9)
    client.force_login(personas.officer)
    for appraisal in (small, large):
        # session, user; the appraisal; the officer's memberships; the export the engine
        # reads (ten, as on the report page); the latest issued version (for "Changes since
        # version N"); the sign-offs (two); the delivery models' traits for Appendix E; the
        # declarations of interest (one).
        with django_assert_num_queries(19):
            response = client.get(reverse("appraisals:report-preview", args=[appraisal.reference]))
        assert response.status_code == 200


# Each section as it will print, while it is typed --------------------------------------------


def preview(client, key: str, text: str):
    return client.post(url("report-section-preview", key), {f"narrative_{key}": text})


def test_a_section_shows_as_it_will_print_without_saving_anything(officer, appraisal):
    changes, narrative = Change.objects.count(), dict(appraisal.narrative or {})
    response = preview(
        officer,
        "legal",
        "Section 101 of the Local Government Act 1972.\n\n- first <b>point</b>\n- second\n\n"
        "(a) lettered",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "How section 11 reads in the report" in html
    assert "11. Legal implications and powers" in html
    assert ">11.1</span> Section 101 of the Local Government Act 1972." in html
    assert "<li>first &lt;b&gt;point&lt;/b&gt;</li>" in html and "<li>second</li>" in html
    assert "app-list--alpha" in html and "<li>lettered</li>" in html
    appraisal.refresh_from_db()
    assert (appraisal.narrative or {}) == narrative
    assert Change.objects.count() == changes


def test_a_section_with_parts_from_the_appraisal_lists_them_around_the_text(officer, appraisal):
    html = preview(officer, "risk", "Our own words on risk.").content.decode()
    assert "12. Risk analysis" in html
    # The body's risk table holds only risks still high after controls (none here), so the
    # part added from the appraisal is the paragraph that says so and points to the register.
    assert "No risk is rated high or very high once its controls are in place" in html
    assert "Appendix D gives the full register" in html
    assert "Our own words on risk." in html


def test_an_empty_section_previews_as_not_yet_written(officer, appraisal):
    assert reports.NOT_WRITTEN in preview(officer, "equalities", "").content.decode()


def test_a_section_over_the_limit_says_so_instead(officer, appraisal):
    from appraisals.forms_reports import NARRATIVE_MAX

    html = preview(officer, "legal", "x" * (NARRATIVE_MAX + 1)).content.decode()
    assert f"longer than {NARRATIVE_MAX} characters" in html
    assert "How section" not in html


def test_there_is_no_preview_of_a_section_that_does_not_exist(officer, appraisal):
    assert preview(officer, "no-such-section", "x").status_code == 404


def test_members_and_other_councils_get_no_preview(client, personas, appraisal):
    client.force_login(personas.member)
    assert preview(client, "legal", "x").status_code == 403
    client.force_login(personas.outsider)
    assert preview(client, "legal", "x").status_code == 404


def test_the_report_page_wires_each_text_box_to_its_preview(officer, appraisal):
    html = officer.get(url("report")).content.decode()
    for section in reports.NARRATIVE_SECTIONS:
        assert f'id="preview-{section.key}"' in html
        assert url("report-section-preview", section.key) in html
    assert "X-CSRFToken" in html


def test_section_preview_query_count_is_pinned_and_does_not_grow(
    client, personas, django_assert_num_queries
):
    small = make_report_appraisal(reference="small", options=1, criteria=2, panels=1, risks=1)
    large = make_report_appraisal(reference="large", options=6, criteria=8, panels=3, risks=9)
    client.force_login(personas.officer)
    for appraisal in (small, large):
        address = reverse(
            "appraisals:report-section-preview", args=[appraisal.reference, "options"]
        )
        # session, user; whether a council of theirs requires MFA (signin/mfa_required.py:
        # every POST asks); the appraisal; the officer's memberships; the export the engine
        # reads (ten); the options' delivery models; the declarations of interest (one).
        with django_assert_num_queries(17):
            response = client.post(address, {"narrative_options": "Commentary."})
        assert response.status_code == 200


# Issued versions as web pages ----------------------------------------------------------------


def test_an_issued_version_is_also_kept_as_a_web_page_that_never_changes(
    officer, client, personas, appraisal
):
    issue(officer, appraisal)
    version = ReportVersion.objects.get()
    assert "Version 1, issued" in version.html and "DRAFT" not in version.html
    page = officer.get(url("versions")).content.decode()
    assert url("version-html", 1) in page and "Version 1 as a web page" in page
    first = officer.get(url("version-html", 1))
    assert first.status_code == 200 and first.content.decode() == version.html
    assert "immutable" in first["Cache-Control"]

    officer.post(url("report-reopen"), {"reason": "A change after issue."})
    officer.post(url("report"), form_data(appraisal, narrative_legal="Changed after issue."))
    client.force_login(personas.member)  # members read issued reports too
    again = client.get(url("version-html", 1))
    assert again.content == first.content
    assert "Changed after issue." not in again.content.decode()


def test_a_version_issued_before_web_pages_were_kept_has_only_its_pdf(officer, appraisal):
    issue(officer, appraisal)
    # The database refuses any update of an issued version: store one as it was then.
    old = ReportVersion.objects.get()
    old.delete()
    old.pk, old.html = None, ""
    old.save()
    assert officer.get(url("version-html", 1)).status_code == 404
    assert url("version-html", 1) not in officer.get(url("versions")).content.decode()
    assert officer.get(url("version-html", 2)).status_code == 404


def test_another_council_cannot_read_an_issued_web_page(client, officer, personas, appraisal):
    issue(officer, appraisal)
    client.force_login(personas.outsider)
    assert client.get(url("version-html", 1)).status_code == 404


def test_version_web_page_query_count(officer, appraisal, django_assert_num_queries):
    issue(officer, appraisal)
    # session, user; the appraisal; the version's web page.
    with django_assert_num_queries(4):
        assert officer.get(url("version-html", 1)).status_code == 200
