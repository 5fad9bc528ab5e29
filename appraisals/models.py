"""The domain model: authorities, the delivery-model catalogue, criteria libraries and
appraisals with their options, criteria, panels, scores, risks and financial cases.

Numbers that come from the interchange document (weights, scores, finance years) are stored
as floats or JSON lists so that import → export gives back the same document exactly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Authority(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", "District council"
        BOROUGH = "borough", "Borough council"
        COUNTY = "county", "County council"
        UNITARY = "unitary", "Unitary authority"
        METROPOLITAN = "metropolitan", "Metropolitan borough council"
        LONDON_BOROUGH = "london-borough", "London borough council"
        NHS_TRUST = "nhs-trust", "NHS trust"
        INTEGRATED_CARE_BOARD = "icb", "Integrated care board"
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue authority"
        COMBINED = "combined", "Combined authority"
        OTHER = "other", "Other public body"

    class Character(models.TextChoices):
        RURAL = "rural", "Rural"
        URBAN = "urban", "Urban"
        MIXED = "mixed", "Mixed"
        UNKNOWN = "", "Not recorded"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)
    region = models.CharField(max_length=100, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    net_revenue_budget = models.DecimalField(
        max_digits=14, decimal_places=0, null=True, blank=True, help_text="In pounds a year."
    )
    character = models.CharField(max_length=10, choices=Character, blank=True)
    # Upper bounds of the low, medium and high risk bands (likelihood × impact);
    # above the last is "very high". Councils set their own matrices.
    risk_low_max = models.PositiveSmallIntegerField(default=4)
    risk_medium_max = models.PositiveSmallIntegerField(default=9)
    risk_high_max = models.PositiveSmallIntegerField(default=16)
    # The working days after a decision is published in which it may be called in
    # (the council's constitution; five is the usual).
    call_in_working_days = models.PositiveSmallIntegerField(
        default=5, help_text="Working days after publication in which a decision may be called in."
    )
    # The statutory officers, among the council's officers: they agree the financial and
    # the legal implications of its reports (reports/signoff.py).
    chief_finance_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The section 151 officer.",
    )
    monitoring_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sign_off_required = models.BooleanField(
        default=False,
        help_text="A report is issued only once both officers have agreed their sections.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_low_max__lt=models.F("risk_medium_max"))
                & Q(risk_medium_max__lt=models.F("risk_high_max"))
                & Q(risk_high_max__lt=25),
                name="authority_risk_bands_ascending",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def risk_cutoffs(self) -> tuple[int, int, int]:
        return (self.risk_low_max, self.risk_medium_max, self.risk_high_max)


class Membership(models.Model):
    """A user works for (or is an elected member of) an authority, in one role."""

    class Role(models.TextChoices):
        OFFICER = "officer", "Officer"
        MEMBER = "member", "Member (councillor)"
        ADMINISTRATOR = "administrator", "Administrator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "authority"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.authority}"


class Service(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryModel(models.Model):
    """One entry of the catalogue of ways to deliver a service."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    summary = models.TextField(blank=True)
    legal_entity = models.CharField(max_length=200, blank=True)
    employs_staff = models.CharField(max_length=200, blank=True)
    vat_position = models.CharField(max_length=200, blank=True)
    governance = models.CharField(max_length=300, blank=True)
    typical_note = models.TextField(blank=True)
    advantages = models.TextField(blank=True, help_text="One advantage a line.")
    disadvantages = models.TextField(blank=True, help_text="One disadvantage a line.")
    examples = models.TextField(blank=True, help_text="Example councils, one a line.")
    # The report's legal implications name these as "the powers expected to be relied on":
    # starting points the council's legal team confirms, not legal advice.
    legal_basis = models.TextField(
        blank=True, help_text="The powers a council usually relies on for this model, one a line."
    )
    moves_staff = models.BooleanField(
        default=False,
        help_text="Staff may move to another employer, so TUPE applies (the report says so).",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("appraisals:delivery-model", args=[self.key])

    def advantage_list(self) -> list[str]:
        return [line.strip() for line in self.advantages.splitlines() if line.strip()]

    def disadvantage_list(self) -> list[str]:
        return [line.strip() for line in self.disadvantages.splitlines() if line.strip()]

    def example_list(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]

    def legal_basis_list(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]


class CriteriaSet(models.Model):
    """A library of criteria officers can start from (Harborough's twelve, the Treasury's CSFs)."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LibraryCriterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    guidance = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "key"], name="librarycriterion_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AppraisalQuerySet(models.QuerySet["Appraisal"]):
    def visible_to(self, user) -> AppraisalQuerySet:
        """Appraisals led by, or shared with, an authority the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        authorities = Membership.objects.filter(user=user).values("authority")
        partnered = Appraisal.partners.through.objects.filter(authority__in=authorities).values(
            "appraisal"
        )
        return self.filter(Q(lead_authority__in=authorities) | Q(pk__in=partnered))

    def with_last_issue(self) -> AppraisalQuerySet:
        """Each appraisal with the number and time of its latest issued version (None if none),
        in the same query: every appraisal page's banner reads them."""
        latest = ReportVersion.objects.filter(appraisal=models.OuterRef("pk")).order_by("-number")
        return self.annotate(
            last_issued_number=models.Subquery(latest.values("number")[:1]),
            last_issued_at=models.Subquery(latest.values("issued_at")[:1]),
        )


class Appraisal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCORING = "scoring", "Scoring"
        REVIEW = "review", "Review"
        ISSUED = "issued", "Issued"
        # After the meeting (appraisals/decisions.py): the record of decision, then the
        # chosen option's implementation, then closed.
        DECIDED = "decided", "Decided"
        IMPLEMENTING = "implementing", "Implementing"
        CLOSED = "closed", "Closed"

    class Weighting(models.TextChoices):
        DIRECT = "direct", "Direct entry"
        SWING = "swing", "Swing weighting"
        PAIRWISE = "pairwise", "Pairwise comparison"

    class ReportStatus(models.TextChoices):
        OPEN = "open", "Open"
        EXEMPT = "exempt", "Exempt"

    class ReportPurpose(models.TextChoices):
        DECISION = "decision", "For decision"
        INFORMATION = "information", "For information"

    reference = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    lead_authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="led_appraisals"
    )
    partners = models.ManyToManyField(Authority, blank=True, related_name="partner_appraisals")
    services = models.ManyToManyField(Service, blank=True, related_name="appraisals")
    summary = models.TextField(blank=True, help_text="What is appraised and why.")
    objectives = models.TextField(blank=True, help_text="One objective a line.")
    illustrative = models.BooleanField(
        default=False, help_text="Scores or figures are illustrative, not the council's own."
    )
    savings_target = models.FloatField(null=True, blank=True, help_text="Pounds a year.")
    savings_target_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year index (0 = this year) by which the target is met."
    )
    # The same target as members were given it: a percentage of the lead council's net
    # revenue budget (Wellingborough's £3 million was 25%). With no amount in pounds, the pounds
    # are this percentage of the budget.
    savings_target_percent = models.FloatField(
        null=True, blank=True, help_text="Percentage of the lead council's net revenue budget."
    )
    committee_name = models.CharField(max_length=200, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    agenda_item = models.CharField(max_length=20, blank=True)
    scale_min = models.FloatField(default=0)
    scale_max = models.FloatField(default=5)
    weighting_method = models.CharField(max_length=10, choices=Weighting, default=Weighting.DIRECT)
    pairwise_matrix = models.JSONField(null=True, blank=True)
    discount_rate = models.FloatField(default=0.035)
    optimism_bias = models.FloatField(default=0.0)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    archived = models.BooleanField(default=False)

    # The committee report's header block and narrative (plain text, escaped on output).
    report_author = models.CharField(max_length=200, blank=True)
    # "Report of": the director or portfolio holder the report comes from.
    report_of = models.CharField(max_length=200, blank=True)
    portfolio_holder = models.CharField(max_length=200, blank=True)
    # A council run by committees has no portfolio holders: then none is asked for.
    uses_portfolio_holders = models.BooleanField(
        default=True, help_text="The council's executive has portfolio holders."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_job_title = models.CharField(max_length=200, blank=True)
    contact_telephone = models.CharField(max_length=50, blank=True)
    contact_email = models.EmailField(blank=True)
    officers_consulted = models.TextField(blank=True)
    wards_affected = models.CharField(max_length=300, blank=True, default="All")
    ward_members_consulted = models.CharField(max_length=300, blank=True)
    papers_inspection = models.CharField(
        max_length=300, blank=True, help_text="Where the background papers can be inspected."
    )
    key_decision = models.BooleanField(default=False)
    # A key decision's entry in the forward plan (notice of key decisions), e.g. FP/2026/014.
    forward_plan_reference = models.CharField(max_length=50, blank=True)
    report_status = models.CharField(max_length=10, choices=ReportStatus, default=ReportStatus.OPEN)
    exempt_paragraph = models.CharField(
        max_length=10, blank=True, help_text="Schedule 12A paragraph when exempt."
    )
    report_purpose = models.CharField(
        max_length=12, choices=ReportPurpose, default=ReportPurpose.DECISION
    )
    # Whether the partners' users may read the parts marked exempt (`ExemptPart`): the lead
    # council's officers and members always may; partners only where the lead council allows.
    exempt_to_partners = models.BooleanField(
        default=False, help_text="Partners' users may read the exempt information."
    )
    # A hint that spares a query: False means the appraisal has no exempt parts. Set when
    # one is marked; it may stay True after the last goes (the query then finds none).
    has_exempt_parts = models.BooleanField(default=False, editable=False)
    narrative = models.JSONField(default=dict, blank=True)
    # Until the officer marks the draft ready, members see only that a report is being
    # prepared; then they see the draft recommendations, before the report is issued.
    draft_ready_for_members = models.BooleanField(default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_min__lt=models.F("scale_max")), name="appraisal_scale_ordered"
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0) & Q(discount_rate__lt=1),
                name="appraisal_discount_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(optimism_bias__gte=0), name="appraisal_optimism_bias_positive"
            ),
            models.CheckConstraint(
                condition=~Q(report_status="exempt") | ~Q(exempt_paragraph=""),
                name="appraisal_exempt_has_paragraph",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("appraisals:appraisal", args=[self.reference])

    @property
    def is_frozen(self) -> bool:
        """Issued (or decided on since): nothing of the appraisal may change; an issued one
        until an officer reopens it for a new version."""
        return self.status in FROZEN_STATUSES

    @property
    def target_pounds(self) -> float | None:
        """The savings target in pounds a year: as entered, or else its percentage of the
        lead council's net revenue budget (None if neither is known)."""
        if self.savings_target is not None:
            return self.savings_target
        budget = self.lead_authority.net_revenue_budget
        if self.savings_target_percent is not None and budget:
            return float(budget) * self.savings_target_percent / 100
        return None

    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]


FROZEN_STATUSES = frozenset(
    {
        Appraisal.Status.ISSUED,
        Appraisal.Status.DECIDED,
        Appraisal.Status.IMPLEMENTING,
        Appraisal.Status.CLOSED,
    }
)


class Option(models.Model):
    class Status(models.TextChoices):
        LONGLISTED = "longlisted", "Long-listed"
        SHORTLISTED = "shortlisted", "Short-listed"
        REJECTED = "rejected", "Rejected"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    delivery_model = models.ForeignKey(
        DeliveryModel, on_delete=models.PROTECT, related_name="options"
    )
    partners = models.ManyToManyField(Authority, blank=True, related_name="options")
    description = models.TextField(blank=True)
    baseline = models.BooleanField(default=False)
    # The option the officers recommend to members: usually the top of the ranking, but
    # theirs to choose (the report and the overview say so where it is not).
    recommended = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status, default=Status.SHORTLISTED)
    rejection_reason = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appraisal", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "key"], name="option_key_unique"),
            models.UniqueConstraint(
                fields=["appraisal"], condition=Q(baseline=True), name="option_one_baseline"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="option_rejected_has_reason",
            ),
            models.UniqueConstraint(
                fields=["appraisal"], condition=Q(recommended=True), name="option_one_recommended"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | Q(recommended=False),
                name="option_rejected_not_recommended",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    weight = models.FloatField(default=1)
    group = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    guidance = models.TextField(blank=True, help_text="What a low, middle and high score mean.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appraisal", "order", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "key"], name="criterion_key_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Panel(models.Model):
    """A group of assessors who scored: staff, a union, councillors, a partner."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="panels")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="panels")
    # The report's consultation section says when each panel scored ("September 2011").
    scored_when = models.CharField(
        max_length=100, blank=True, help_text="When the panel scored, for example September 2011."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appraisal", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "key"], name="panel_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """One panel's score of one option on one criterion, with the reason behind it."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="scores")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.FloatField()
    reason = models.TextField(blank=True)
    # Bumped on every change: a write that names an older version is refused (no lost updates).
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["panel", "option", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "option", "criterion"], name="score_one_per_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.panel} · {self.option} · {self.criterion}: {self.score:g}"


class Interest(models.Model):
    """A panel member's declaration of interest for an appraisal: none, or one interest,
    general or tied to named options ("a director of a bidding company")."""

    class Kind(models.TextChoices):
        NONE = "none", "No interests to declare"
        DISCLOSABLE_PECUNIARY = "disclosable_pecuniary", "Disclosable pecuniary interest"
        OTHER_REGISTRABLE = "other_registrable", "Other registrable interest"
        NON_REGISTRABLE = "non_registrable", "Non-registrable interest"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interests"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    # Empty for a general interest (or none): then it concerns every option.
    options = models.ManyToManyField(Option, blank=True, related_name="interests")
    description = models.TextField(blank=True)
    declared_at = models.DateTimeField(default=timezone.now)
    # A declaration is never changed or removed: its holder withdraws it, or amends it (a new
    # declaration replaces it), giving the reason. Until then it stands (ended_at is NULL).
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    class Meta:
        ordering = ["appraisal", "declared_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(end_reason=""),
                name="interest_ended_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"


def _one_to_five(field: str) -> Q:
    return Q(**{f"{field}__gte": 1, f"{field}__lte": 5})


class Risk(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="risks")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="risks"
    )
    risk = models.TextField()
    consequences = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    controls = models.TextField(blank=True)
    residual_likelihood = models.PositiveSmallIntegerField()
    residual_impact = models.PositiveSmallIntegerField()
    owner = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appraisal", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=_one_to_five("likelihood"), name="risk_likelihood"),
            models.CheckConstraint(condition=_one_to_five("impact"), name="risk_impact"),
            models.CheckConstraint(
                condition=_one_to_five("residual_likelihood"), name="risk_residual_likelihood"
            ),
            models.CheckConstraint(
                condition=_one_to_five("residual_impact"), name="risk_residual_impact"
            ),
        ]

    def __str__(self) -> str:
        return self.risk[:80]


class FinancialCase(models.Model):
    """An option's yearly costs and savings (low/central/high); index 0 is this year."""

    option = models.OneToOneField(Option, on_delete=models.CASCADE, related_name="financial_case")
    costs = models.JSONField(default=list)
    savings_low = models.JSONField(default=list)
    savings_central = models.JSONField(default=list)
    savings_high = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Financial case: {self.option}"


class ExemptPart(models.Model):
    """A part of the appraisal marked exempt under Schedule 12A to the Local Government Act
    1972: an option's financial case, a risk, or a narrative section of the report. The open
    report, the pages and the downloads leave it out for anyone not entitled to it
    (`appraisals.exempt`); the exempt appendix carries it."""

    class Kind(models.TextChoices):
        FINANCE = "finance", "An option's financial case"
        RISK = "risk", "A risk"
        SECTION = "section", "A section of the report"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="exempt_parts")
    kind = models.CharField(max_length=10, choices=Kind)
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="exempt_parts"
    )
    risk = models.ForeignKey(
        "Risk", null=True, blank=True, on_delete=models.CASCADE, related_name="exempt_parts"
    )
    section = models.CharField(max_length=50, blank=True)
    paragraph = models.PositiveSmallIntegerField(help_text="Schedule 12A paragraph, 1 to 7.")
    reason = models.TextField(help_text="Why the public interest favours keeping it exempt.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appraisal", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paragraph__gte=1) & Q(paragraph__lte=7), name="exemptpart_paragraph"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="exemptpart_has_reason"),
            models.CheckConstraint(
                condition=(
                    Q(kind="finance", option__isnull=False, risk__isnull=True, section="")
                    | Q(kind="risk", option__isnull=True, risk__isnull=False, section="")
                    | (Q(kind="section", option__isnull=True, risk__isnull=True) & ~Q(section=""))
                ),
                name="exemptpart_one_target",
            ),
            models.UniqueConstraint(fields=["option"], name="exemptpart_option_once"),
            models.UniqueConstraint(fields=["risk"], name="exemptpart_risk_once"),
            models.UniqueConstraint(
                fields=["appraisal", "section"],
                condition=Q(kind="section"),
                name="exemptpart_section_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Exempt ({self.kind}), paragraph {self.paragraph}"


class PartnerShare(models.Model):
    """The fraction of an option's net savings that falls to one partner."""

    financial_case = models.ForeignKey(
        FinancialCase, on_delete=models.CASCADE, related_name="partner_shares"
    )
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    share = models.FloatField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["financial_case", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_case", "authority"], name="partnershare_unique"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="partnershare_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority}: {self.share:.0%}"


class Question(models.Model):
    """A member's question on an appraisal, answered by an officer."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appraisal", "asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Change(models.Model):
    """The audit trail: who changed what on an appraisal, old value → new value.

    Rows outlive their appraisal: deleting a never-issued draft leaves its history, with the
    deletion itself as the last row, holding the appraisal's reference and lead council
    (`appraisals.actions.deletion`).
    """

    appraisal = models.ForeignKey(
        Appraisal, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    # Set on the rows of a deleted appraisal: which one it was, and whose.
    reference = models.CharField(max_length=100, blank=True)
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, help_text="What changed: score, weight, option, …")
    subject = models.CharField(max_length=300, help_text="Which one, in words.")
    field = models.CharField(max_length=100, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        ordering = ["appraisal", "-at", "-pk"]
        indexes = [models.Index(fields=["appraisal", "-at"], name="change_appraisal_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject}"


class ReportVersion(models.Model):
    """An issued committee report: a frozen snapshot, the exact PDF bytes and the same report
    as a web page, never altered."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.PROTECT, related_name="report_versions"
    )
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    # The same report as a web page, rendered from the same state when it was issued (empty
    # for versions issued before web pages were kept).
    html = models.TextField(blank=True, default="")
    # And as Word (.docx), for councils that finish papers in their own template (empty for
    # versions issued before Word files were kept).
    docx = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["appraisal", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "number"], name="reportversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal.reference} v{self.number}"


class ExemptAppendix(models.Model):
    """The exempt appendix of an issued version, kept as it was issued (the report's own
    `ReportVersion` holds only what is published). Written once, with its version."""

    report_version = models.OneToOneField(
        ReportVersion, on_delete=models.PROTECT, related_name="exempt_appendix"
    )
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Exempt appendix to {self.report_version}"


class DraftReport(models.Model):
    """A rendered draft, cached by the hash of what went into it (re-rendered only on change)."""

    class State(models.TextChoices):
        PENDING = "pending", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="drafts")
    content_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    task_id = models.CharField(max_length=64, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    # The same draft as Word (.docx), written from the same evaluation as the PDF.
    docx = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appraisal", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "content_hash"], name="draftreport_unique_content"
            ),
        ]

    def __str__(self) -> str:
        return f"Draft of {self.appraisal_id} ({self.state})"


class EmailOptOut(models.Model):
    """A kind of e-mail (appraisals/emails.py, KINDS) a user chose not to get. Kinds that
    cannot be turned off (invitations, security) are sent whatever is stored here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=50)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} does not want {self.kind} e-mails"


# After the meeting: the record of decision, and the chosen option's implementation ---------


class Decision(models.Model):
    """The record of decision, entered after the meeting by an officer of the lead council:
    who decided what on which issued version, and whether it was called in."""

    class Maker(models.TextChoices):
        COMMITTEE = "committee", "Committee"
        CABINET = "cabinet", "Cabinet"
        OFFICER = "officer", "Officer (under delegated powers)"

    class CallIn(models.TextChoices):
        NONE = "none", "None"
        CALLED_IN = "called-in", "Called in"
        UPHELD = "upheld", "Upheld (the decision stands)"
        REFERRED_BACK = "referred-back", "Referred back to the decision-maker"

    appraisal = models.OneToOneField(Appraisal, on_delete=models.CASCADE, related_name="decision")
    report_version = models.ForeignKey(
        ReportVersion, on_delete=models.PROTECT, related_name="decisions"
    )
    maker = models.CharField(max_length=10, choices=Maker)
    maker_name = models.CharField(max_length=200, help_text="For example, Cabinet.")
    decided_on = models.DateField()
    minute_reference = models.CharField(max_length=50)
    reasons = models.TextField()
    alternatives_rejected = models.TextField(blank=True)
    # Interests declared at the meeting, as minuted. (Declarations recorded for the
    # appraisal itself, issue 13 point 4, are listed beside these when they exist.)
    interests_declared = models.TextField(blank=True)
    # The option to implement: its key in the issued version's snapshot.
    chosen_option = models.SlugField(max_length=50, blank=True)
    published_on = models.DateField(null=True, blank=True)
    # Counted when the publication date is entered, from the council's number of working
    # days and the bank holidays of England and Wales (decisions.call_in_deadline).
    call_in_deadline = models.DateField(null=True, blank=True)
    call_in_status = models.CharField(max_length=15, choices=CallIn, default=CallIn.NONE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Record of decision: {self.appraisal}"


class DecisionRecommendation(models.Model):
    """One of the issued report's recommendations, as the meeting decided it."""

    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed"
        AMENDED = "amended", "Agreed as amended"
        NOT_AGREED = "not-agreed", "Not agreed"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="As the issued report put it.")
    outcome = models.CharField(max_length=12, choices=Outcome)
    amended_text = models.TextField(blank=True)

    class Meta:
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "number"], name="decisionrecommendation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="amended") | ~Q(amended_text=""),
                name="decisionrecommendation_amended_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class PublishedDecision(models.Model):
    """A record of decision as it was published: what it said (`record`, the fields, each
    recommendation's outcome and the declarations of interest as they stood) and its PDF with
    the PDF's SHA-256. Never changed and never deleted: the database refuses both (migration
    0015). A correction after publication is published as the next number, with its reason."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was corrected: empty for the first.")
    record = models.JSONField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="publisheddecision_unique"),
        ]

    def __str__(self) -> str:
        return f"Record of decision, published version {self.number}"


class Milestone(models.Model):
    """A step in implementing the chosen option, with its due date and how it stands."""

    class Status(models.TextChoices):
        NOT_STARTED = "not-started", "Not started"
        ON_TRACK = "on-track", "On track"
        AT_RISK = "at-risk", "At risk"
        LATE = "late", "Late"
        DONE = "done", "Done"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=300)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appraisal", "due_on", "order", "pk"]

    def __str__(self) -> str:
        return self.name[:80]


class ActualYear(models.Model):
    """What one year of the chosen option actually cost and saved, in pounds (year index as in
    the financial case: 0 is the year the case starts)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField()
    costs = models.FloatField(default=0)
    savings = models.FloatField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["appraisal", "year"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "year"], name="actualyear_unique"),
            models.CheckConstraint(condition=Q(costs__gte=0), name="actualyear_costs_positive"),
        ]

    def __str__(self) -> str:
        return f"Year {self.year}"


class SignOff(models.Model):
    """A statutory officer's agreement of one section of an appraisal's report: who, when,
    and the SHA-256 of the text they agreed. Kept, never changed: a later agreement is a new
    row, and a change to the section after it voids it (reports/signoff.py)."""

    class Section(models.TextChoices):
        FINANCIAL = "financial", "Financial implications"
        LEGAL = "legal", "Legal implications"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="sign_offs")
    section = models.CharField(max_length=20, choices=Section)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # As printed, at the time: the report names the officer as they were when they agreed.
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100)
    signed_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64)
    text = models.TextField(help_text="The section as it printed when it was agreed.")

    class Meta:
        ordering = ["appraisal", "section", "-signed_at", "-pk"]
        indexes = [models.Index(fields=["appraisal", "section", "-signed_at"], name="signoff_at")]

    def __str__(self) -> str:
        return f"{self.get_section_display()} agreed by {self.name}"
