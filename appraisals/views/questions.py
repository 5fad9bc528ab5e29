"""Members' questions on an appraisal, and officers' answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions
from ..access import can_answer, get_appraisal_for
from ..forms import AnswerForm, QuestionForm
from ..history import history_mark
from ..models import Question
from .allow import allow
from .edit import edit, stamp


def questions(request: HttpRequest, reference: str) -> HttpResponse:
    """Everyone who can see the appraisal may read the questions and ask one."""
    appraisal = get_appraisal_for(request.user, reference)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.ask_question(appraisal=appraisal, user=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Your question has been sent to the officers.")
        return redirect(reverse("appraisals:questions", args=[reference]))
    answering = can_answer(request.user, appraisal)
    questions = list(appraisal.questions.select_related("asked_by", "answered_by"))
    if answering:  # each answer form carries what it showed (views/edit.py)
        mark = history_mark(appraisal)
        for question in questions:
            question.stamp = stamp(appraisal, _answer_form(question), mark=mark)
    return render(
        request,
        "appraisals/questions.html",
        {
            "appraisal": appraisal,
            "questions": questions,
            "form": form,
            "answer_form": AnswerForm(),
            "can_answer": answering,
            "section": "questions",
        },
    )


def _answer_form(question: Question, data=None) -> AnswerForm:
    return AnswerForm(data, initial={"answer": question.answer})


@allow("POST")
def question_answer(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    if not can_answer(request.user, appraisal):
        raise PermissionDenied("Only officers answer questions.")
    question = _question(appraisal, pk)

    def save(form: AnswerForm) -> None:
        actions.answer_question(
            appraisal=appraisal,
            user=request.user,
            question=_question(appraisal, pk),
            answer=form.cleaned_data["answer"],
        )

    form = edit(
        request,
        appraisal,
        build=lambda data: _answer_form(_question(appraisal, pk), data),
        save=save,
        kinds=["question"],
        subjects=[str(question)],
    )
    if form.saved:
        messages.success(request, "Answer published.")
        return redirect(reverse("appraisals:questions", args=[reference]) + f"#question-{pk}")
    return render(
        request,
        "appraisals/question_answer.html",
        {"appraisal": appraisal, "question": question, "form": form, "section": "questions"},
    )


def _question(appraisal, pk: int) -> Question:
    try:
        return appraisal.questions.get(pk=pk)
    except Question.DoesNotExist:
        raise Http404("No such question") from None
