"""The Django admin, for the people who run an installation (superusers).

Appraisal data is shown read-only, to everyone: it changes only in the app, where each change
is checked, made in one transaction and written to the appraisal's history. A staff account
that is not a superuser sees only the appraisal data of its own councils (and of appraisals
they are partners in), read-only, and nothing of councils, accounts or the shared catalogue.
"""

from django.contrib import admin

from . import models
from .access import visible_appraisals


def _superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class SuperuserAdmin(admin.ModelAdmin):
    """Councils, accounts and the shared catalogue: superusers only."""

    def has_module_permission(self, request) -> bool:
        return _superuser(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _superuser(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class AppraisalDataAdmin(admin.ModelAdmin):
    """Read-only, and limited to the user's councils' appraisals unless a superuser.
    `appraisal_lookup` is the path from the model to its appraisal."""

    appraisal_lookup = "appraisal"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.appraisal_lookup}__in": visible_appraisals(request.user)})

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0


@admin.register(models.Authority)
class AuthorityAdmin(SuperuserAdmin):
    list_display = ("name", "kind", "region", "population", "character")
    list_filter = ("kind", "character")
    search_fields = ("name", "region")
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(SuperuserAdmin):
    list_display = ("user", "authority", "role")
    list_filter = ("role", "authority")
    search_fields = ("user__username", "authority__name")


@admin.register(models.Service)
class ServiceAdmin(SuperuserAdmin):
    search_fields = ("name",)


@admin.register(models.DeliveryModel)
class DeliveryModelAdmin(SuperuserAdmin):
    list_display = ("name", "key", "legal_entity", "order")
    prepopulated_fields = {"key": ("name",)}


class LibraryCriterionInline(admin.TabularInline):
    model = models.LibraryCriterion
    extra = 0


@admin.register(models.CriteriaSet)
class CriteriaSetAdmin(SuperuserAdmin):
    list_display = ("name", "source")
    inlines = [LibraryCriterionInline]


class OptionInline(ReadOnlyInline):
    model = models.Option
    fields = ("key", "name", "delivery_model", "baseline", "status", "rejection_reason", "order")


class CriterionInline(ReadOnlyInline):
    model = models.Criterion
    fields = ("key", "name", "weight", "group", "order")


class PanelInline(ReadOnlyInline):
    model = models.Panel
    fields = ("key", "name", "order")


@admin.register(models.Appraisal)
class AppraisalAdmin(AppraisalDataAdmin):
    appraisal_lookup = "pk"
    list_display = ("reference", "title", "lead_authority", "status", "meeting_date", "archived")
    list_filter = ("status", "archived", "lead_authority")
    search_fields = ("reference", "title")
    filter_horizontal = ("partners", "services")
    inlines = [OptionInline, CriterionInline, PanelInline]


@admin.register(models.Option)
class OptionAdmin(AppraisalDataAdmin):
    list_display = ("name", "appraisal", "delivery_model", "status", "baseline")
    list_filter = ("status", "delivery_model")
    list_select_related = ("appraisal", "delivery_model")


@admin.register(models.Criterion)
class CriterionAdmin(AppraisalDataAdmin):
    list_display = ("name", "appraisal", "weight", "group")
    list_select_related = ("appraisal",)


@admin.register(models.Panel)
class PanelAdmin(AppraisalDataAdmin):
    list_display = ("name", "appraisal")
    filter_horizontal = ("members",)


@admin.register(models.Score)
class ScoreAdmin(AppraisalDataAdmin):
    appraisal_lookup = "option__appraisal"
    list_display = ("panel", "option", "criterion", "score", "updated_by", "updated_at")
    list_select_related = ("panel", "option", "criterion", "updated_by")
    raw_id_fields = ("panel", "option", "criterion")


@admin.register(models.Risk)
class RiskAdmin(AppraisalDataAdmin):
    list_display = ("risk", "appraisal", "option", "likelihood", "impact")
    list_select_related = ("appraisal", "option")


class PartnerShareInline(ReadOnlyInline):
    model = models.PartnerShare


@admin.register(models.FinancialCase)
class FinancialCaseAdmin(AppraisalDataAdmin):
    appraisal_lookup = "option__appraisal"
    list_display = ("option",)
    inlines = [PartnerShareInline]


@admin.register(models.Question)
class QuestionAdmin(AppraisalDataAdmin):
    list_display = ("text", "appraisal", "asked_by", "asked_at", "answered_at")


@admin.register(models.Change)
class ChangeAdmin(AppraisalDataAdmin):
    list_display = (
        "at", "appraisal", "reference", "user", "kind", "subject", "field", "old", "new"
    )  # fmt: skip
    list_filter = ("kind",)

    def get_queryset(self, request):
        # The history of a deleted appraisal stays, for the people of its lead council.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        kept = models.Change.objects.filter(
            appraisal__isnull=True, authority__memberships__user=request.user
        )
        return queryset | kept


@admin.register(models.ReportVersion)
class ReportVersionAdmin(AppraisalDataAdmin):
    list_display = ("appraisal", "number", "issued_at", "issued_by", "sha256")
    exclude = ("pdf", "html")
