"""django-tables2 tables: sortable and paginated without JavaScript, page size capped."""

import django_tables2 as tables
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .models import Appraisal, Change
from .templatetags.councilopts import percent, pounds


class CappedTable(tables.Table):
    """A table whose page size, whatever ?per_page asks for, stays within MAX_PAGE_SIZE."""

    def paginate(self, *args, per_page: int | None = None, **kwargs):
        per_page = max(1, min(per_page or 25, settings.MAX_PAGE_SIZE))
        return super().paginate(*args, per_page=per_page, **kwargs)


class AppraisalTable(CappedTable):
    title = tables.Column(linkify=True)
    lead_authority = tables.Column(verbose_name="Lead council", order_by="lead_authority__name")
    services = tables.Column(verbose_name="Services", orderable=False, empty_values=())
    status = tables.Column()
    meeting_date = tables.DateColumn(format="j M Y", verbose_name="Meeting")

    class Meta:
        model = Appraisal
        fields = ("title", "lead_authority", "services", "status", "meeting_date")
        order_by = ("-meeting_date",)
        empty_text = "There are no appraisals you can see yet."

    def __init__(self, *args, filtered: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if filtered:  # the person may well see appraisals, just none of these
            self.empty_text = format_html(
                'No appraisals match your filters. <a class="govuk-link" href="{}">Clear the '
                "filters</a> to see all the appraisals you can see.",
                reverse("appraisals:home"),
            )

    def render_services(self, record: Appraisal) -> str:
        # services are prefetched by the view: one query for the page, not one a row
        return ", ".join(s.name for s in record.services.all()) or "–"

    def render_status(self, record: Appraisal) -> str:
        label = record.get_status_display()
        if record.archived:
            label += " (archived)"
        return format_html('<strong class="govuk-tag {}">{}</strong>', _TAGS[record.status], label)


_TAGS = {
    Appraisal.Status.DRAFT: "govuk-tag--grey",
    Appraisal.Status.SCORING: "govuk-tag--blue",
    Appraisal.Status.REVIEW: "govuk-tag--yellow",
    Appraisal.Status.ISSUED: "govuk-tag--green",
    Appraisal.Status.DECIDED: "govuk-tag--turquoise",
    Appraisal.Status.IMPLEMENTING: "govuk-tag--purple",
    Appraisal.Status.CLOSED: "govuk-tag--grey",
}


class ChangeTable(CappedTable):
    at = tables.DateTimeColumn(format="j M Y, H:i", verbose_name="When")
    user = tables.Column(verbose_name="Who", default="–")
    kind = tables.Column(verbose_name="What")
    subject = tables.Column(verbose_name="Which")
    field = tables.Column(verbose_name="Field", default="")
    old = tables.Column(verbose_name="Before", default="–")
    new = tables.Column(verbose_name="After", default="–")

    class Meta:
        model = Change
        fields = ("at", "user", "kind", "subject", "field", "old", "new")
        orderable = False
        empty_text = "Nothing has been changed yet."

    def render_user(self, value) -> str:
        return value.get_full_name() or value.get_username()


class DeletionTable(CappedTable):
    """Deleted appraisals, from the last row of their audit trail."""

    subject = tables.Column(verbose_name="Appraisal")
    reference = tables.Column(verbose_name="Reference")
    authority = tables.Column(verbose_name="Lead council", default="–")
    old = tables.Column(verbose_name="What it held")
    user = tables.Column(verbose_name="Deleted by", default="–")
    at = tables.DateTimeColumn(format="j M Y, H:i", verbose_name="When")

    class Meta:
        model = Change
        fields = ("subject", "reference", "authority", "old", "user", "at")
        orderable = False
        empty_text = "No appraisal of your council has been deleted."

    def render_user(self, value) -> str:
        return value.get_full_name() or value.get_username()


class DashboardTable(CappedTable):
    """A council's appraisals (`appraisals.dashboard.Line`s): sortable, numbers right-aligned."""

    title = tables.Column(
        verbose_name="Appraisal", linkify=lambda record: record.appraisal.get_absolute_url()
    )
    role = tables.Column(verbose_name="Role")
    status = tables.Column(verbose_name="Status", order_by=("appraisal__status",))
    meeting_date = tables.DateColumn(format="j M Y", verbose_name="Meeting", default="–")
    option = tables.Column(verbose_name="Recommended or leading option", default="–")
    npv_central = tables.Column(
        verbose_name="Central net present value",
        attrs={"th": {"class": "app-numeric"}, "td": {"class": "app-numeric"}},
        default="–",
    )
    target_share = tables.Column(
        verbose_name="Share of the savings target",
        attrs={"th": {"class": "app-numeric"}, "td": {"class": "app-numeric"}},
        default="–",
    )
    waiting_on = tables.Column(verbose_name="Waiting on", orderable=False)

    class Meta:
        order_by = ("meeting_date",)
        empty_text = "Your council has no appraisals yet."

    def __init__(self, *args, filtered: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if filtered:
            self.empty_text = format_html(
                'No appraisals match your filters. <a class="govuk-link" href="{}">Clear the '
                "filters</a> to see all your council’s appraisals.",
                reverse("appraisals:dashboard"),
            )

    def render_status(self, record) -> str:
        a = record.appraisal
        label = a.get_status_display() + (" (archived)" if a.archived else "")
        return format_html('<strong class="govuk-tag {}">{}</strong>', _TAGS[a.status], label)

    def render_meeting_date(self, value) -> str:
        # The column is the next meeting: a date gone by is marked, not passed off as next.
        if value is None:
            return "–"
        if value < timezone.localdate():
            return format_html(
                '{}<br><span class="govuk-hint govuk-!-margin-0">Past: set the next one in '
                "the scope</span>",
                f"{value:%-d %b %Y}",
            )
        return f"{value:%-d %b %Y}"

    def render_option(self, record) -> str:
        return format_html("{}<br><span class=\"govuk-hint govuk-!-margin-0\">{}</span>",
                           record.option, record.option_is)  # fmt: skip

    def render_npv_central(self, value: float) -> str:
        return pounds(value)

    def render_target_share(self, value: float) -> str:
        return percent(value, 0)
