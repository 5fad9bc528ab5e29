"""The forms of the exempt information page (appraisals.exempt, actions.exempt)."""

from __future__ import annotations

from django import forms

from .exempt import NOT_EXEMPTABLE, PARAGRAPHS, REASON_LIMIT
from .models import Appraisal, ExemptPart


def part_choices(appraisal: Appraisal) -> list[tuple[str, str]]:
    """The parts that can still be marked exempt: options with a financial case, risks (by
    their ID and words), and the narrative sections, less those marked already."""
    marked = set(appraisal.exempt_parts.values_list("kind", "option_id", "risk_id", "section"))
    taken_options = {o for k, o, _, _ in marked if k == ExemptPart.Kind.FINANCE}
    taken_risks = {r for k, _, r, _ in marked if k == ExemptPart.Kind.RISK}
    taken_sections = {s for k, _, _, s in marked if k == ExemptPart.Kind.SECTION}
    from .reports.narrative import NARRATIVE_SECTIONS

    choices = [
        (f"finance:{o.key}", f"Financial case: {o.name}")
        for o in appraisal.options.filter(financial_case__isnull=False).order_by("order", "pk")
        if o.pk not in taken_options
    ]
    for n, risk in enumerate(appraisal.risks.order_by("order", "pk"), start=1):
        if risk.pk not in taken_risks:
            words = risk.risk if len(risk.risk) <= 80 else risk.risk[:79] + "…"
            choices.append((f"risk:{risk.pk}", f"Risk R{n}: {words}"))
    choices += [
        (f"section:{s.key}", f"Report section: {s.title}")
        for s in NARRATIVE_SECTIONS
        if s.key not in NOT_EXEMPTABLE and s.key not in taken_sections
    ]
    return choices


class ExemptPartForm(forms.Form):
    part = forms.ChoiceField(
        label="What is exempt?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what is exempt"},
    )
    paragraph = forms.TypedChoiceField(
        label="Which paragraph of Schedule 12A applies?",
        coerce=int,
        choices=[(n, f"Paragraph {n}: {words}") for n, words in PARAGRAPHS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the paragraph of Schedule 12A that applies"},
    )
    reason = forms.CharField(
        label="Why does the public interest favour keeping it exempt?",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The report prints this beside the paragraph, for example “Publishing the "
        "bidders’ prices before the contract is let would harm the council’s negotiating "
        "position”.",
        error_messages={
            "required": "Enter why the public interest favours keeping it exempt",
            "max_length": f"The reason must be {REASON_LIMIT:,} characters or fewer",
        },
    )

    def __init__(self, *args, appraisal: Appraisal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = part_choices(appraisal)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why the public interest favours keeping it exempt")
        return reason


class ExemptToPartnersForm(forms.Form):
    exempt_to_partners = forms.BooleanField(
        label="Partners’ officers and members may read the exempt information",
        required=False,
        help_text="The lead council’s officers and members always may. Anyone else sees the "
        "open report only.",
    )
