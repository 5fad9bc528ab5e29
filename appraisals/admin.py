from django.contrib import admin

from . import models


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0


@admin.register(models.Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "population", "character")
    list_filter = ("kind", "character")
    search_fields = ("name", "region")
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "authority", "role")
    list_filter = ("role", "authority")
    search_fields = ("user__username", "authority__name")


@admin.register(models.Service)
class ServiceAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(models.DeliveryModel)
class DeliveryModelAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "legal_entity", "order")
    prepopulated_fields = {"key": ("name",)}


class LibraryCriterionInline(admin.TabularInline):
    model = models.LibraryCriterion
    extra = 0


@admin.register(models.CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("name", "source")
    inlines = [LibraryCriterionInline]


class OptionInline(admin.TabularInline):
    model = models.Option
    extra = 0
    fields = ("key", "name", "delivery_model", "baseline", "status", "rejection_reason", "order")


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0
    fields = ("key", "name", "weight", "group", "order")


class PanelInline(admin.TabularInline):
    model = models.Panel
    extra = 0
    fields = ("key", "name", "order")


@admin.register(models.Appraisal)
class AppraisalAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "lead_authority", "status", "meeting_date", "archived")
    list_filter = ("status", "archived", "lead_authority")
    search_fields = ("reference", "title")
    filter_horizontal = ("partners", "services")
    inlines = [OptionInline, CriterionInline, PanelInline]


@admin.register(models.Option)
class OptionAdmin(admin.ModelAdmin):
    list_display = ("name", "appraisal", "delivery_model", "status", "baseline")
    list_filter = ("status", "delivery_model")
    list_select_related = ("appraisal", "delivery_model")


@admin.register(models.Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "appraisal", "weight", "group")
    list_select_related = ("appraisal",)


@admin.register(models.Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ("name", "appraisal")
    filter_horizontal = ("members",)


@admin.register(models.Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ("panel", "option", "criterion", "score", "updated_by", "updated_at")
    list_select_related = ("panel", "option", "criterion", "updated_by")
    raw_id_fields = ("panel", "option", "criterion")


@admin.register(models.Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ("risk", "appraisal", "option", "likelihood", "impact")
    list_select_related = ("appraisal", "option")


class PartnerShareInline(admin.TabularInline):
    model = models.PartnerShare
    extra = 0


@admin.register(models.FinancialCase)
class FinancialCaseAdmin(admin.ModelAdmin):
    list_display = ("option",)
    inlines = [PartnerShareInline]


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "appraisal", "asked_by", "asked_at", "answered_at")


@admin.register(models.Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "appraisal", "user", "kind", "subject", "field", "old", "new")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the audit trail is read-only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    list_display = ("appraisal", "number", "issued_at", "issued_by", "sha256")
    exclude = ("pdf",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # an issued report is a public record

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
