"""GOV.UK error messages and the money field, shared by every form."""

import pytest
from django import forms

from appraisals.forms import MoneyField, govuk_errors, quantity


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("£225,000", 225_000),
        ("225000", 225_000),
        ("£ 225 000", 225_000),
        ("1,500.50", 1500.5),
        ("-£3,000", -3000),
        ("£-3,000", -3000),
        ("\u22123000", -3000),  # a typographic minus, as pasted from a report
        ("225\u00a0000", 225_000),  # a no-break space
        (".5", 0.5),
    ],
)
def test_money_field_accepts_pounds_typed_the_usual_way(typed, value):
    assert MoneyField().clean(typed) == value


@pytest.mark.parametrize("typed", ["1.2m", "£12k", "1e6", "1_000", "inf", "nan", "-", "1.2.3"])
def test_money_field_refuses_anything_else(typed):
    field = govuk_errors(MoneyField(), "the one-off cost", unit="£")
    with pytest.raises(forms.ValidationError) as error:
        field.clean(typed)
    assert error.value.messages == ["Enter the one-off cost as a number"]


def test_money_field_shows_stored_amounts_with_commas():
    assert MoneyField().prepare_value(1_200_000.0) == "1,200,000"
    assert MoneyField().prepare_value(1250.5) == "1,250.5"
    assert MoneyField().prepare_value("£1,2") == "£1,2"  # what was typed is shown again


def test_limits_are_written_with_their_unit():
    field = govuk_errors(MoneyField(min_value=0, max_value=1e12), "the costs", unit="£")
    with pytest.raises(forms.ValidationError) as error:
        field.clean("£2,000,000,000,000")
    assert error.value.messages == ["The costs must be £1,000,000,000,000 or less"]
    share = govuk_errors(forms.FloatField(max_value=100), "the share for Stockton", unit="%")
    with pytest.raises(forms.ValidationError) as error:
        share.clean("101")
    assert error.value.messages == ["The share for Stockton must be 100% or less"]


def test_choices_are_selected_and_text_is_entered():
    choice = govuk_errors(forms.ChoiceField(choices=[("1", "1")]), "the likelihood")
    text = govuk_errors(forms.CharField(max_length=5), "the owner")
    with pytest.raises(forms.ValidationError, match="Select the likelihood"):
        choice.clean("")
    with pytest.raises(forms.ValidationError, match="Select the likelihood"):
        choice.clean("7")
    with pytest.raises(forms.ValidationError, match="Enter the owner"):
        text.clean("")
    with pytest.raises(forms.ValidationError, match="The owner must be 5 characters or fewer"):
        text.clean("Chief Executive")


def test_quantity_keeps_fractions_exact():
    assert quantity(333_333.25) == "333,333.25"
    assert quantity(0) == "0"
