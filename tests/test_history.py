"""The history page: every change, who made it, when, old → new, newest first."""

from django.urls import reverse

from appraisals.models import Change


def _url(personas) -> str:
    return reverse("appraisals:history", args=[personas.appraisal.reference])


def test_changes_made_through_the_workspace_appear_newest_first(client, personas):
    client.force_login(personas.officer)
    weights = reverse("appraisals:weights", args=[personas.appraisal.reference])
    client.post(
        weights, {"weight_criterion-1": "4", "weight_criterion-2": "2", "weight_criterion-3": "3"}
    )
    client.post(
        reverse("appraisals:option-edit", args=[personas.appraisal.reference, "option-1"]),
        {"name": "In-house review", "status": "shortlisted"},
    )
    response = client.get(_url(personas))
    rows = [row.record for row in response.context["table"].paginated_rows]
    assert rows[0].field == "name" and rows[0].new == "In-house review"
    # criteria 2 and 3 kept their weights: only criterion 1's change is recorded
    assert [(r.subject, r.old, r.new) for r in rows if r.kind == "weight"] == [
        ("Criterion 1", "1", "4")
    ]
    assert "alice" in response.text
    assert "Option 1" in response.text and "In-house review" in response.text


def test_history_is_paginated(client, personas):
    Change.objects.bulk_create(
        Change(appraisal=personas.appraisal, kind="score", subject=f"cell {i}", old="1", new="2")
        for i in range(60)
    )
    client.force_login(personas.member)
    response = client.get(_url(personas))
    assert len(response.context["table"].paginated_rows) == 50
    assert "Page 1 of 2" in response.text


def test_history_escapes_recorded_values(client, personas):
    Change.objects.create(
        appraisal=personas.appraisal, kind="score", subject="x", old="<b>1</b>", new="2"
    )
    client.force_login(personas.officer)
    page = client.get(_url(personas)).text
    assert "<b>1</b>" not in page and "&lt;b&gt;1&lt;/b&gt;" in page


def test_history_names_people_by_name(client, personas):
    personas.officer.first_name, personas.officer.last_name = "Alice", "Officer"
    personas.officer.save()
    Change.objects.create(appraisal=personas.appraisal, user=personas.officer, kind="score")
    Change.objects.create(appraisal=personas.appraisal, user=personas.member, kind="score")
    client.force_login(personas.officer)
    page = client.get(_url(personas)).text
    assert "Alice Officer" in page
    assert ">bob<" in page  # no name given: the username


def test_history_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)

    def count() -> None:
        # session, user, appraisal, count for the paginator, the user's memberships (the
        # header's acting council and what they may change), a page of changes with their
        # users, the header's council
        with django_assert_num_queries(7):
            client.get(_url(personas))

    Change.objects.create(appraisal=personas.appraisal, user=personas.officer, kind="x")
    count()
    Change.objects.bulk_create(
        Change(appraisal=personas.appraisal, user=personas.admin, kind="score", subject=str(i))
        for i in range(30)
    )
    count()
