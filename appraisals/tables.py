import django_tables2 as tables
from django.conf import settings

from .models import Appraisal


class CappedTable(tables.Table):
    """A table whose page size, whatever ?per_page asks for, stays within MAX_PAGE_SIZE."""

    def paginate(self, *args, per_page: int | None = None, **kwargs):
        per_page = max(1, min(per_page or 25, settings.MAX_PAGE_SIZE))
        return super().paginate(*args, per_page=per_page, **kwargs)


class AppraisalTable(CappedTable):
    title = tables.Column(linkify=True)
    lead_authority = tables.Column(verbose_name="Lead council")
    status = tables.Column()
    meeting_date = tables.DateColumn(format="j M Y", verbose_name="Meeting")

    class Meta:
        model = Appraisal
        fields = ("title", "lead_authority", "status", "meeting_date")
        order_by = ("-meeting_date",)
        empty_text = "There are no appraisals you can see yet."
