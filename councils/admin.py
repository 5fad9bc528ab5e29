"""The operator's side of council administration: a council's first administrator is
invited here (Invitations → Add) or with `manage.py create_council NAME --admin EMAIL`;
after that, the council's administrators manage their people in the app ("Your council")."""

from django import forms
from django.contrib import admin

from appraisals.admin import SuperuserAdmin
from appraisals.models import Authority, Membership

from . import actions
from .models import CouncilChange, Invitation


class InviteAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["authority", "email", "role"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Membership.Role.ADMINISTRATOR
        self.fields["authority"].queryset = Authority.objects.order_by("name")


@admin.register(Invitation)
class InvitationAdmin(SuperuserAdmin):
    list_display = ["email", "authority", "role", "state", "created_at", "expires_at"]
    list_filter = ["authority"]
    search_fields = ["email", "authority__name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InviteAdminForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in Invitation._meta.fields]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return  # an invitation is never edited; withdraw it and invite again
        try:
            sent = actions.invite(
                authority=obj.authority, email=obj.email, role=obj.role, user=request.user
            )
        except actions.AlreadyMember as error:
            raise forms.ValidationError(str(error)) from error
        obj.pk = sent.invitation.pk

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CouncilChange)
class CouncilChangeAdmin(SuperuserAdmin):
    list_display = ["at", "authority", "user", "kind", "subject", "old", "new"]
    list_filter = ["authority", "kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
