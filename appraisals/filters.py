"""django-filter filter sets for the lists, their choices limited to what the user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from .access import visible_appraisals
from .models import Appraisal, Authority, DeliveryModel, Option, Service


def _lead_authorities(request) -> QuerySet[Authority]:
    led = visible_appraisals(request.user).values("lead_authority")
    return Authority.objects.filter(pk__in=led).order_by("name")


def _services(request) -> QuerySet[Service]:
    used = Appraisal.services.through.objects.filter(
        appraisal__in=visible_appraisals(request.user)
    ).values("service")
    return Service.objects.filter(pk__in=used).order_by("name")


def _delivery_models(request) -> QuerySet[DeliveryModel]:
    used = Option.objects.filter(appraisal__in=visible_appraisals(request.user)).values(
        "delivery_model"
    )
    return DeliveryModel.objects.filter(pk__in=used)


class AppraisalFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(
        lookup_expr="icontains", label="Title contains", widget=forms.TextInput()
    )
    status = django_filters.ChoiceFilter(choices=Appraisal.Status.choices, empty_label="Any status")
    lead_authority = django_filters.ModelChoiceFilter(
        queryset=_lead_authorities, label="Lead council", empty_label="Any council"
    )
    service = django_filters.ModelChoiceFilter(
        queryset=_services, field_name="services", label="Service", empty_label="Any service"
    )
    delivery_model = django_filters.ModelChoiceFilter(
        queryset=_delivery_models,
        label="Delivery model",
        method="filter_delivery_model",
        to_field_name="key",
        empty_label="Any delivery model",
    )

    archived = django_filters.BooleanFilter(
        label="Include archived appraisals",
        method="filter_archived",
        widget=forms.CheckboxInput(),
    )

    class Meta:
        model = Appraisal
        fields = ["title", "status", "lead_authority", "service", "delivery_model", "archived"]

    @property
    def qs(self):
        # Archived appraisals are left out unless asked for, even before the form is sent.
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data["archived"]):
            queryset = queryset.filter(archived=False)
        return queryset

    def filter_archived(self, queryset, name, value):
        return queryset  # `qs` leaves archived ones out unless this is ticked

    def filter_delivery_model(self, queryset, name, value):
        # A subquery rather than a join, so an appraisal with two such options appears once.
        with_model = Option.objects.filter(delivery_model=value).values("appraisal")
        return queryset.filter(pk__in=with_model)


class DashboardFilter(django_filters.FilterSet):
    """The dashboard's filters, over the council's appraisals (`dashboard.council_appraisals`)."""

    title = django_filters.CharFilter(
        lookup_expr="icontains", label="Title contains", widget=forms.TextInput()
    )
    status = django_filters.ChoiceFilter(choices=Appraisal.Status.choices, empty_label="Any status")
    role = django_filters.ChoiceFilter(
        choices=[("lead", "Led by your council"), ("partner", "Your council is a partner")],
        empty_label="Led or partnered",
        label="Your council’s role",
        method="filter_role",
    )
    archived = django_filters.BooleanFilter(
        label="Include archived appraisals", method="filter_archived", widget=forms.CheckboxInput()
    )

    class Meta:
        model = Appraisal
        fields = ["title", "status", "role", "archived"]

    def __init__(self, *args, authority, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority

    @property
    def qs(self):
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data["archived"]):
            queryset = queryset.filter(archived=False)
        return queryset

    def filter_role(self, queryset, name, value):
        if value == "lead":
            return queryset.filter(lead_authority=self.authority)
        return queryset.exclude(lead_authority=self.authority)

    def filter_archived(self, queryset, name, value):
        return queryset  # `qs` leaves archived ones out unless this is ticked
