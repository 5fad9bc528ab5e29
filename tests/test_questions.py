"""Members (and partners' officers) ask questions; officers answer them."""

from django.urls import reverse

from appraisals.models import Change, Membership, Question
from tests.factories import make_user


def _url(personas, name: str = "questions", *args) -> str:
    return reverse(f"appraisals:{name}", args=[personas.appraisal.reference, *args])


def test_member_asks_and_officer_answers(client, personas):
    client.force_login(personas.member)
    response = client.post(_url(personas), {"text": "Why is outsourcing rejected?"})
    assert response.status_code == 302
    question = personas.appraisal.questions.get()
    assert question.asked_by == personas.member
    client.force_login(personas.officer)
    response = client.post(
        _url(personas, "question-answer", question.pk), {"answer": "Procurement takes 3 years."}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == (
        "Procurement takes 3 years.",
        personas.officer,
    )
    assert Change.objects.filter(kind="question", field="answer").exists()
    page = client.get(_url(personas)).text
    assert "Why is outsourcing rejected?" in page and "Procurement takes 3 years." in page


def test_partner_officers_ask_and_answer_too(client, personas):
    client.force_login(personas.partner_officer)
    client.post(_url(personas), {"text": "What is our share?"})
    question = personas.appraisal.questions.get()
    response = client.post(_url(personas, "question-answer", question.pk), {"answer": "Half"})
    assert response.status_code == 302


def test_members_cannot_answer(client, personas):
    question = Question.objects.create(
        appraisal=personas.appraisal, asked_by=personas.member, text="?"
    )
    client.force_login(personas.member)
    response = client.post(_url(personas, "question-answer", question.pk), {"answer": "Me!"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.answer == ""


def test_a_partner_councils_member_cannot_answer(client, personas):
    partner_member = make_user("pam", personas.partner, Membership.Role.MEMBER)
    question = Question.objects.create(
        appraisal=personas.appraisal, asked_by=personas.member, text="?"
    )
    client.force_login(partner_member)
    assert client.get(_url(personas)).status_code == 200
    assert (
        client.post(_url(personas, "question-answer", question.pk), {"answer": "x"}).status_code
        == 403
    )


def test_empty_question_and_answer_are_refused(client, personas):
    client.force_login(personas.member)
    response = client.post(_url(personas), {"text": "  "})
    assert 'href="#id_text"' in response.text
    assert not Question.objects.exists()
    question = Question.objects.create(
        appraisal=personas.appraisal, asked_by=personas.member, text="?"
    )
    client.force_login(personas.officer)
    response = client.post(_url(personas, "question-answer", question.pk), {"answer": ""})
    assert "Enter the answer" in response.text


def test_questions_are_escaped(client, personas):
    client.force_login(personas.member)
    client.post(_url(personas), {"text": "<img src=x onerror=alert(1)>"})
    page = client.get(_url(personas)).text
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_a_question_of_another_appraisal_is_404(client, personas):
    from tests.factories import make_appraisal

    other = make_appraisal(personas.lead, reference="other")
    question = Question.objects.create(appraisal=other, asked_by=personas.member, text="?")
    client.force_login(personas.officer)
    url = _url(personas, "question-answer", question.pk)
    assert client.post(url, {"answer": "x"}).status_code == 404


def test_questions_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)

    def count() -> None:
        # session, user, appraisal, memberships (can_answer), questions with who asked and
        # answered, the newest history row (the answer forms' stamps), the header's council
        with django_assert_num_queries(7):
            client.get(_url(personas))

    count()
    for i in range(5):
        Question.objects.create(
            appraisal=personas.appraisal, asked_by=personas.member, text=f"Q{i}",
            answer="A", answered_by=personas.officer,
        )  # fmt: skip
    count()


def test_questions_name_who_asked_and_answered(client, personas):
    member, officer = personas.member, personas.officer
    member.first_name, member.last_name = "Beatrice", "Oduya"
    member.save()
    Question.objects.create(
        appraisal=personas.appraisal, asked_by=member, text="Why?", answer="Because",
        answered_by=officer,
    )  # fmt: skip
    client.force_login(member)
    page = client.get(_url(personas)).text
    assert "Beatrice Oduya asked on" in page
    assert "bob asked" not in page
    # someone without a name on record is shown by their username
    assert "alice answered on" in page
