import django_tables2 as tables

from appraisals.tables import CappedTable

from .models import CouncilChange


class CouncilChangeTable(CappedTable):
    at = tables.DateTimeColumn(format="j M Y, H:i", verbose_name="When")
    user = tables.Column(verbose_name="Who", default="The site’s operator")
    kind = tables.Column(verbose_name="What")
    subject = tables.Column(verbose_name="Whom")
    old = tables.Column(verbose_name="Before", default="–")
    new = tables.Column(verbose_name="After", default="–")

    class Meta:
        model = CouncilChange
        fields = ("at", "user", "kind", "subject", "old", "new")
        orderable = False
        empty_text = "Nothing has been changed yet."

    def render_user(self, value) -> str:
        return value.get_full_name() or value.get_username()
