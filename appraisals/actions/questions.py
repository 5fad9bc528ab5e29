"""Questions asked about an appraisal, and their answers. Kind recorded: question."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .. import notifications
from ..history import record_change
from ..models import Appraisal, Question


@transaction.atomic
def ask_question(*, appraisal: Appraisal, user, text: str) -> Question:
    question = appraisal.questions.create(asked_by=user, text=text)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="question",
        subject=str(question),
        field="asked",
        new=text,
    )
    notifications.question_asked(question=question)
    return question


@transaction.atomic
def answer_question(*, appraisal: Appraisal, user, question: Question, answer: str) -> None:
    first = not question.answer
    record_change(
        appraisal=appraisal,
        user=user,
        kind="question",
        subject=str(question),
        field="answer",
        old=question.answer,
        new=answer,
    )
    question.answer = answer
    question.answered_by = user
    question.answered_at = timezone.now()
    question.save()
    if first and answer:  # a corrected answer is not news to be e-mailed again
        notifications.question_answered(question=question)
