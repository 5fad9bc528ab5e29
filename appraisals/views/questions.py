"""Members' questions on an appraisal, and officers' answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions
from ..access import can_answer, get_appraisal_for
from ..forms import AnswerForm, QuestionForm
from ..models import Question
from .allow import allow


def questions(request: HttpRequest, reference: str) -> HttpResponse:
    """Everyone who can see the appraisal may read the questions and ask one."""
    appraisal = get_appraisal_for(request.user, reference)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.ask_question(appraisal=appraisal, user=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Your question has been sent to the officers.")
        return redirect(reverse("appraisals:questions", args=[reference]))
    return render(
        request,
        "appraisals/questions.html",
        {
            "appraisal": appraisal,
            "questions": appraisal.questions.select_related("asked_by", "answered_by"),
            "form": form,
            "answer_form": AnswerForm(),
            "can_answer": can_answer(request.user, appraisal),
            "section": "questions",
        },
    )


@allow("POST")
def question_answer(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    if not can_answer(request.user, appraisal):
        raise PermissionDenied("Only officers answer questions.")
    try:
        question = appraisal.questions.get(pk=pk)
    except Question.DoesNotExist:
        raise Http404("No such question") from None
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "appraisals/question_answer.html",
            {"appraisal": appraisal, "question": question, "form": form, "section": "questions"},
        )
    actions.answer_question(
        appraisal=appraisal,
        user=request.user,
        question=question,
        answer=form.cleaned_data["answer"],
    )
    messages.success(request, "Answer published.")
    return redirect(reverse("appraisals:questions", args=[reference]) + f"#question-{pk}")
