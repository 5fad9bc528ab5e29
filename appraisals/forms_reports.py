"""Forms of the committee report: the header block and the narrative. They validate and
normalise only; `actions.update_report_text` applies what they clean."""

from __future__ import annotations

from django import forms

from .limits import MAX_NARRATIVE, MAX_OFFICERS_CONSULTED
from .models import Appraisal
from .reports import NARRATIVE_SECTIONS

NARRATIVE_MAX = MAX_NARRATIVE  # characters a section: several pages of a council paper
SCHEDULE_12A_PARAGRAPHS = [(str(n), f"Paragraph {n}") for n in range(1, 8)]


class ReportForm(forms.Form):
    """The header block (committee, status, people) and every narrative section. The date of
    the meeting is edited in one place, the scope (with its day, month and year boxes): the
    report page shows it and links there."""

    committee_name = forms.CharField(label="Committee", max_length=200, required=False)
    agenda_item = forms.CharField(label="Agenda item", max_length=20, required=False)
    report_purpose = forms.ChoiceField(
        label="Decision or information",
        choices=Appraisal.ReportPurpose.choices,
        widget=forms.RadioSelect,
    )
    report_status = forms.ChoiceField(
        label="Status",
        choices=Appraisal.ReportStatus.choices,
        widget=forms.RadioSelect,
        help_text="Exempt reports are not published (Local Government Act 1972, Schedule 12A).",
    )
    exempt_paragraph = forms.ChoiceField(
        label="Exempt under Schedule 12A",
        choices=[("", "Not exempt"), *SCHEDULE_12A_PARAGRAPHS],
        required=False,
    )
    report_author = forms.CharField(label="Report author", max_length=200, required=False)
    report_of = forms.CharField(
        label="Report of",
        max_length=200,
        required=False,
        help_text="The director or portfolio holder the report comes from, for example "
        "Director of Corporate Services",
    )
    portfolio_holder = forms.CharField(
        label="Portfolio holder",
        max_length=200,
        required=False,
        help_text="The member of the executive responsible, for example Councillor Jo Ellis, "
        "Portfolio Holder for Resources",
    )
    no_portfolio_holders = forms.BooleanField(
        label="The council has no portfolio holders (it is run by committees)", required=False
    )
    contact_name = forms.CharField(label="Contact officer", max_length=200, required=False)
    contact_job_title = forms.CharField(label="Job title", max_length=200, required=False)
    contact_telephone = forms.CharField(
        label="Telephone", max_length=50, required=False, help_text="For example, 01858 828282"
    )
    contact_email = forms.EmailField(label="Email address", max_length=254, required=False)
    officers_consulted = forms.CharField(
        label="Officers consulted",
        required=False,
        max_length=MAX_OFFICERS_CONSULTED,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    wards_affected = forms.CharField(label="Wards affected", max_length=300, required=False)
    ward_members_consulted = forms.CharField(
        label="Ward members consulted",
        max_length=300,
        required=False,
        help_text="Who was consulted, or why no one was (for example, “Not applicable: all "
        "wards are affected”)",
    )
    papers_inspection = forms.CharField(
        label="Where the background papers can be inspected",
        max_length=300,
        required=False,
        help_text="Leave blank to say they can be inspected by arrangement with the contact "
        "officer",
    )
    key_decision = forms.BooleanField(label="This is a key decision", required=False)
    forward_plan_reference = forms.CharField(
        label="Forward plan reference",
        max_length=50,
        required=False,
        help_text="The key decision’s reference in the forward plan, for example FP/2026/014",
    )
    # Sent by the "Save and render the draft" button (name="render"): render after saving.
    render = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for section in NARRATIVE_SECTIONS:
            self.fields[f"narrative_{section.key}"] = forms.CharField(
                label=section.title,
                help_text=section.hint,
                required=False,
                max_length=NARRATIVE_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                # Django's "Ensure this value has at most …" becomes GOV.UK's wording.
                field.error_messages["max_length"] = (
                    f"{field.label} must be {field.max_length:,} characters or fewer"
                )

    @classmethod
    def initial_for(cls, appraisal: Appraisal) -> dict:
        initial = {
            "committee_name": appraisal.committee_name,
            "agenda_item": appraisal.agenda_item,
            "report_purpose": appraisal.report_purpose,
            "report_status": appraisal.report_status,
            "exempt_paragraph": appraisal.exempt_paragraph,
            "report_author": appraisal.report_author,
            "report_of": appraisal.report_of,
            "portfolio_holder": appraisal.portfolio_holder,
            "no_portfolio_holders": not appraisal.uses_portfolio_holders,
            "contact_name": appraisal.contact_name,
            "contact_job_title": appraisal.contact_job_title,
            "contact_telephone": appraisal.contact_telephone,
            "contact_email": appraisal.contact_email,
            "officers_consulted": appraisal.officers_consulted,
            "wards_affected": appraisal.wards_affected,
            "ward_members_consulted": appraisal.ward_members_consulted,
            "papers_inspection": appraisal.papers_inspection,
            "key_decision": appraisal.key_decision,
            "forward_plan_reference": appraisal.forward_plan_reference,
        }
        narrative = appraisal.narrative or {}
        for section in NARRATIVE_SECTIONS:
            initial[f"narrative_{section.key}"] = narrative.get(section.key, "")
        return initial

    def clean(self) -> dict:
        data = super().clean()
        if data.get("report_status") == Appraisal.ReportStatus.EXEMPT and not data.get(
            "exempt_paragraph"
        ):
            self.add_error(
                "exempt_paragraph",
                "Select the paragraph of Schedule 12A that makes the report exempt",
            )
        return data

    def header(self) -> dict:
        names = (
            "committee_name",
            "agenda_item",
            "report_purpose",
            "report_status",
            "exempt_paragraph",
            "report_author",
            "report_of",
            "portfolio_holder",
            "contact_name",
            "contact_job_title",
            "contact_telephone",
            "contact_email",
            "officers_consulted",
            "wards_affected",
            "ward_members_consulted",
            "papers_inspection",
            "key_decision",
            "forward_plan_reference",
        )
        header = {name: self.cleaned_data[name] for name in names}
        if not header["key_decision"]:  # asked only of a key decision
            header["forward_plan_reference"] = ""
        header["uses_portfolio_holders"] = not self.cleaned_data["no_portfolio_holders"]
        return header

    def narrative(self) -> dict[str, str]:
        return {s.key: self.cleaned_data[f"narrative_{s.key}"] for s in NARRATIVE_SECTIONS}

    def narrative_fields(self) -> list[forms.BoundField]:
        return [self[f"narrative_{s.key}"] for s in NARRATIVE_SECTIONS]


class ReopenForm(forms.Form):
    """Why an issued appraisal is reopened: recorded in its history."""

    reason = forms.CharField(
        label="Why are you reopening it?",
        help_text="For example, the committee deferred the decision and asked for a fourth option.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are reopening the appraisal",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )
