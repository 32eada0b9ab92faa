"""Outreach sites: memberships with their rights, the directory, teams, connections.

Every id the mobile API shows (IndvId, FamId, TeamId, ConnectionTypeId, RespID, ConnectionId)
is a per-site `number` (unique with the site, issued by `services.site_number_next`);
integer primary keys stay inside the server.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from outreach.choices import (
    AddressType,
    ChangeRequestKind,
    ChangeRequestStatus,
    ConnectionCategory,
    EmailType,
    PhoneType,
    Right,
    SecurityRole,
)


def _site_number_constraint(model_name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["site", "number"], name=f"outreach_{model_name}_unique_site_number"
    )


def _right_field(verbose_name: str) -> models.CharField:
    return models.CharField(verbose_name, max_length=1, choices=Right.choices, default=Right.NONE)


class SiteQuerySet(models.QuerySet):
    """Rows owned by a site. `restrict` is the one site restriction: the API restricts to the
    caller's membership's site, the review console to the sites the user administers, the
    webhooks and notifications apps their site-owned rows to the event's site; nothing else
    filters on a site (tests/outreach/test_site_restriction.py holds the code to that)."""

    site_path = "site"
    """How a row reaches its site (e.g. "connection__site" for a connection's history)."""

    def restrict(self, sites) -> "SiteQuerySet":
        """These rows of `sites`: a Site, a site's pk, or a queryset / list of either."""
        if isinstance(sites, (models.QuerySet, list, tuple, set, frozenset)):
            return self.filter(**{f"{self.site_path}__in": sites})
        return self.filter(**{self.site_path: sites})


def site_rows(model: type[models.Model], site) -> SiteQuerySet:
    """The site's rows of `model`, restricted through its SiteQuerySet manager: `objects` for
    outreach's models, `site_objects` for another app's model that a site may own beside
    another owner (a webhook endpoint, whose `objects` restricts by organization)."""
    for manager in model._meta.managers:
        rows = manager.all()
        if isinstance(rows, SiteQuerySet):
            return rows.restrict(site)
    raise TypeError(f"{model.__name__} has no SiteQuerySet manager.")


class ConnectionPartQuerySet(SiteQuerySet):
    site_path = "connection__site"


class Site(models.Model):
    number = models.PositiveIntegerField(unique=True, help_text="The URL's site_number.")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"


class Family(models.Model):
    """A household of a site's directory; `number` is the FamId the mobile API shows."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="families")
    number = models.PositiveIntegerField("FamId")
    name = models.CharField(max_length=200, blank=True, help_text='e.g. "The Adams Family".')
    picture = models.FileField(
        upload_to="outreach/families/",
        blank=True,
        help_text="Served to members only (FamilyPictureUrl), never as public media.",
    )

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "number"]
        constraints = [_site_number_constraint("family")]
        verbose_name_plural = "families"

    def __str__(self):
        return f"{self.number} {self.name}".strip()


SEARCHED_NAMES = ("first_name", "last_name", "goes_by_name")
"""The names the individual search looks in (with the person's own emails and phones)."""


def search_text_of(parts) -> str:
    """What the individual search matches a word against: the parts, upper case, one space
    apart (a search word has no whitespace, so it never matches across two parts)."""
    return " ".join(part for part in parts if part).upper()


class IndividualQuerySet(SiteQuerySet):
    REFRESH_CHUNK = 2000

    def search(self, query: str) -> "IndividualQuerySet":
        """These people whose search text holds every word of `query`, in any case ("John
        Adams" finds John Adams): per word a `contains` of the word in upper case on
        `search_text`, served on PostgreSQL by its one pg_trgm index (migration 0006) for
        words of 3 characters or more. The API's search and the admin's both filter here."""
        people = self
        for word in query.split():
            people = people.filter(search_text__contains=search_text_of([word]))
        return people

    def search_text_refresh(self) -> int:
        """Rewrite `search_text` of these people from their names, emails and phones: the
        people's rows locked first (so two writers of one person's emails cannot both write a
        stale text), then three queries and an UPDATE per 2,000 people. Returns how many texts
        changed."""
        changed = 0
        with transaction.atomic(using=self.db):
            people = list(
                self.select_for_update().order_by("pk").only("pk", "search_text", *SEARCHED_NAMES)
            )
            for start in range(0, len(people), self.REFRESH_CHUNK):
                changed += self._search_texts_write(people[start : start + self.REFRESH_CHUNK])
        return changed

    def _search_texts_write(self, people: list["Individual"]) -> int:
        contacts: dict[int, list[str]] = {person.pk: [] for person in people}
        for model, field in ((IndividualEmail, "email"), (Phone, "phone_number")):
            for individual_id, value in (
                model.objects.using(self.db)
                .filter(individual_id__in=list(contacts))
                .order_by("pk")
                .values_list("individual_id", field)
            ):
                contacts[individual_id].append(value)
        changed = []
        for person in people:
            text = person.search_text_build(contacts[person.pk])
            if text != person.search_text:
                person.search_text = text
                changed.append(person)
        self.model.objects.using(self.db).bulk_update(changed, ["search_text"])
        return len(changed)


class Individual(models.Model):
    """A person in a site's directory.

    `search_text` (names, goes-by name, own emails and phones, upper case) is what the
    individual search filters on, one pg_trgm index on PostgreSQL. It is kept by the saves
    and deletes of the person, their emails and phones (the admin's inlines included); a
    bulk write of those rows (`bulk_create`, `QuerySet.update`) must end with
    `Individual.objects.filter(...).search_text_refresh()`."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="individuals")
    number = models.PositiveIntegerField("IndvId")
    family = models.ForeignKey(
        Family, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    title = models.CharField(max_length=30, blank=True, help_text="Mr., Mrs., Dr. ...")
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    goes_by_name = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=30, blank=True, help_text="Jr., Sr., III ...")
    family_position = models.CharField(max_length=50, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    member_status = models.CharField(max_length=50, blank=True)
    picture = models.FileField(
        upload_to="outreach/individuals/",
        blank=True,
        help_text="Served to members only (PictureUrl), never as public media.",
    )
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Names, goes-by name, own emails and phones in upper case: what the "
        "individual search matches (kept by the saves; pg_trgm-indexed on PostgreSQL).",
    )

    objects = IndividualQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "number"]
        constraints = [_site_number_constraint("individual")]
        indexes = [
            models.Index(fields=["site", "last_name", "first_name", "number"]),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.number})".strip()

    def save(self, *args, **kwargs):
        """Saved with its `search_text`: the names as given, the emails and phones as stored
        (read with the person's row locked, as `search_text_refresh` does)."""
        with transaction.atomic(using=kwargs.get("using")):
            contacts = []
            if self.pk is not None:
                type(self).objects.select_for_update().filter(pk=self.pk).exists()
                contacts = [
                    *self.emails.order_by("pk").values_list("email", flat=True),
                    *self.phones.order_by("pk").values_list("phone_number", flat=True),
                ]
            self.search_text = self.search_text_build(contacts)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
            super().save(*args, **kwargs)

    def search_text_build(self, contacts: list[str]) -> str:
        return search_text_of([*(getattr(self, name) for name in SEARCHED_NAMES), *contacts])


def _individual_or_family_constraint(model_name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            models.Q(individual__isnull=False, family__isnull=True)
            | models.Q(individual__isnull=True, family__isnull=False)
        ),
        name=f"outreach_{model_name}_individual_or_family",
    )


class Address(models.Model):
    """A postal address of one individual, or of a whole family (FamilyAddress)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="addresses")
    number = models.PositiveIntegerField("AddrId")
    individual = models.ForeignKey(
        Individual, on_delete=models.CASCADE, null=True, blank=True, related_name="addresses"
    )
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, null=True, blank=True, related_name="addresses"
    )
    address_type = models.PositiveSmallIntegerField(
        choices=AddressType.choices, default=AddressType.HOME
    )
    active = models.BooleanField(default=True)
    mailing = models.BooleanField(default=False, help_text="Mail goes to this address.")
    statement = models.BooleanField(default=False, help_text="Statements go to this address.")
    company = models.CharField(max_length=200, blank=True)
    street = models.CharField("Address", max_length=200, blank=True)
    street2 = models.CharField("Address2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zipcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "number"]
        constraints = [
            _site_number_constraint("address"),
            _individual_or_family_constraint("address"),
        ]
        verbose_name_plural = "addresses"

    def __str__(self):
        return f"{self.street}, {self.city}".strip(", ")


class SearchTextSource:
    """A row whose text is part of its individual's `search_text` (e-mails, phones): saving or
    deleting it rewrites the search text of its person (and of the one it moved from)."""

    def save(self, *args, **kwargs):
        """Saved, then the search text of its person (and of the one it moved from) rewritten."""
        with transaction.atomic(using=kwargs.get("using")):
            before = None
            if self.pk is not None:
                before = (
                    type(self)
                    .objects.filter(pk=self.pk)
                    .values_list("individual_id", flat=True)
                    .first()
                )
            super().save(*args, **kwargs)
            _search_texts_refresh(self.individual_id, before)

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            individual_id = self.individual_id
            deleted = super().delete(*args, **kwargs)
            _search_texts_refresh(individual_id)
            return deleted


class IndividualEmail(SearchTextSource, models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="emails")
    number = models.PositiveIntegerField("EmailId")
    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="emails")
    email_type = models.CharField(max_length=20, choices=EmailType.choices, default=EmailType.HOME)
    email = models.CharField(max_length=254)
    preferred = models.BooleanField(default=False)
    listed = models.BooleanField(default=True, help_text="Shown in the member directory.")

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-preferred", "number"]
        constraints = [
            _site_number_constraint("individualemail"),
            models.UniqueConstraint(
                fields=["individual"],
                condition=models.Q(preferred=True),
                name="outreach_individualemail_one_preferred",
            ),
        ]

    def __str__(self):
        return self.email


class Phone(SearchTextSource, models.Model):
    """A phone number of one individual, or of a whole family (FamilyPhone); a phone may belong
    to one of the addresses (AddrPhone)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="phones")
    number = models.PositiveIntegerField("PhoneId")
    individual = models.ForeignKey(
        Individual, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    address = models.ForeignKey(
        Address, on_delete=models.SET_NULL, null=True, blank=True, related_name="phones"
    )
    phone_type = models.PositiveSmallIntegerField(choices=PhoneType.choices, default=PhoneType.HOME)
    phone_number = models.CharField(max_length=30)
    extension = models.CharField(max_length=10, blank=True)
    preferred = models.BooleanField(default=False)
    listed = models.BooleanField(default=True, help_text="Shown in the member directory.")

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-preferred", "number"]
        constraints = [
            _site_number_constraint("phone"),
            _individual_or_family_constraint("phone"),
            models.UniqueConstraint(
                fields=["individual"],
                condition=models.Q(preferred=True),
                name="outreach_phone_one_preferred",
            ),
        ]

    def __str__(self):
        return self.phone_number


def _search_texts_refresh(*individual_ids: int | None) -> None:
    ids = {pk for pk in individual_ids if pk is not None}
    if ids:
        Individual.objects.filter(pk__in=ids).search_text_refresh()


class SiteMembership(models.Model):
    """A user working at a site: the SecurityRole and the A/V/N rights of the vendor's app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_memberships"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    individual = models.ForeignKey(
        Individual,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="This user in the site's directory (whose assignments are 'mine').",
    )
    security_role = models.CharField(
        max_length=20, choices=SecurityRole.choices, default=SecurityRole.MEMBER
    )
    create_change_request = _right_field("CreateChangeRequest")
    locate_person = _right_field("LocatePerson")
    member_search = _right_field("MemberSearch")
    view_add_comments = _right_field("ViewAddComments")
    reassign_connection = _right_field("ReassignConnection")
    assigned_contacts_only = _right_field("AssignedContactsOnly")
    assign_contacts = _right_field("AssignContacts")
    view_outreach_history = _right_field("ViewOutreachHistory")
    locate_organizations = _right_field("LocateOrganizations")
    view_organization_record = _right_field("ViewOrganizationRecord")
    view_staff_roster = _right_field("ViewStaffRoster")

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site__number", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="outreach_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} at {self.site.number} ({self.get_security_role_display()})"


class ConnectionType(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="connection_types")
    number = models.PositiveIntegerField("ConnectionTypeId")
    description = models.CharField(max_length=200)
    category = models.CharField(
        max_length=1, choices=ConnectionCategory.choices, default=ConnectionCategory.OUTWARD
    )
    active = models.BooleanField(default=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "number"]
        constraints = [_site_number_constraint("connectiontype")]

    def __str__(self):
        return f"{self.number} {self.description}"


class ConnectionTypeRightQuerySet(SiteQuerySet):
    site_path = "membership__site"


class ConnectionTypeRight(models.Model):
    """A membership's right on one connection type; a type without a row means N."""

    membership = models.ForeignKey(
        SiteMembership, on_delete=models.CASCADE, related_name="type_rights"
    )
    connection_type = models.ForeignKey(
        ConnectionType, on_delete=models.CASCADE, related_name="membership_rights"
    )
    right = models.CharField(max_length=1, choices=Right.choices, default=Right.NONE)

    objects = ConnectionTypeRightQuerySet.as_manager()

    class Meta:
        ordering = ["connection_type__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "connection_type"], name="outreach_type_right_unique"
            )
        ]

    def __str__(self):
        return f"{self.connection_type}: {self.right}"


class Response(models.Model):
    """A response a caller can record on a connection of its type."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="responses")
    number = models.PositiveIntegerField("RespID")
    connection_type = models.ForeignKey(
        ConnectionType, on_delete=models.CASCADE, related_name="responses"
    )
    description = models.CharField(max_length=200)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["connection_type", "number"]
        constraints = [_site_number_constraint("response")]

    def __str__(self):
        return f"{self.number} {self.description}"


class Team(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveIntegerField("TeamId")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(Individual, blank=True, related_name="teams")

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "number"]
        constraints = [_site_number_constraint("team")]

    def __str__(self):
        return f"{self.number} {self.name}"


class Connection(models.Model):
    """An outreach task: someone (a caller or a team) is to contact an individual or family."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="connections")
    number = models.PositiveIntegerField("ConnectionId")
    connection_type = models.ForeignKey(
        ConnectionType, on_delete=models.PROTECT, related_name="connections"
    )
    contact = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="connections_as_contact"
    )
    family_connection = models.BooleanField(default=False)
    caller = models.ForeignKey(
        Individual,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="connections_as_caller",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="connections"
    )
    due_date = models.DateField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    completed_date = models.DateField(null=True, blank=True)
    responses = models.ManyToManyField(Response, blank=True, related_name="connections")
    created = models.DateTimeField(default=timezone.now)
    open_category = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(
        default=1, help_text="Incremented by every applied change."
    )

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "number"]
        constraints = [_site_number_constraint("connection")]
        indexes = [
            models.Index(fields=["site", "connection_type", "completed", "due_date"]),
        ]

    def __str__(self):
        return f"Connection {self.number} ({self.connection_type.description})"


class ConnectionDueNotice(models.Model):
    """That `outreach_connection.due` was published for this connection and due date: the
    daily job publishes each once (a re-run, or a second worker, finds the row)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="due_notices")
    due_date = models.DateField()
    published = models.DateTimeField(default=timezone.now)

    objects = ConnectionPartQuerySet.as_manager()

    class Meta:
        ordering = ["-published"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "due_date"], name="outreach_connection_due_notice_unique"
            )
        ]

    def __str__(self):
        return f"{self.connection} due {self.due_date}"


class ConnectionComment(models.Model):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    author_name = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    objects = ConnectionPartQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.author_name}: {self.text[:40]}"


class ConnectionHistory(models.Model):
    """One applied change of a connection: who, when, which fields from what to what."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="history")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=ChangeRequestKind.choices)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]}")
    change_request = models.ForeignKey(
        "outreach.ChangeRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="history",
        help_text="The change request whose apply made this change.",
    )

    objects = ConnectionPartQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name_plural = "connection history"

    def __str__(self):
        return f"{self.get_kind_display()} of connection {self.connection_id} at {self.changed_at}"


# --- change requests ---


class ReviewedRequest(models.Model):
    """What both change requests (a connection's, a comment's) hold as a change sent from the
    mobile app and waiting for a site Administrator (or Django staff) to apply or reject it:
    its status, who sent it and when, who decided and when, and the rejection's message."""

    status = models.CharField(
        max_length=20, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_message = models.TextField(blank=True)
    # submitted_by and reviewed_by are declared by each model (`_submitter`, `_reviewer`): their
    # reverse accessors on the user keep each model's own names, as its migrations have them.

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeRequestStatus.PENDING

    def decide(self, *, status: str, reviewer, message: str | None = None) -> list[str]:
        """Record the decision (`status` by `reviewer`, now; the message when given) on this
        instance; returns the fields to save."""
        self.status = status
        self.reviewed_by = reviewer
        self.reviewed_at = timezone.now()
        decided = ["status", "reviewed_by", "reviewed_at"]
        if message is not None:
            self.review_message = message
            decided.append("review_message")
        return decided


def _submitter(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name=related_name
    )


def _reviewer(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
    )


class ChangeRequest(ReviewedRequest):
    """A connection change sent from the mobile app (seed 004), waiting for a site
    Administrator to apply or reject it. `number` is the ConnectionCRId the POST returns."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="change_requests")
    number = models.PositiveIntegerField("ConnectionCRId")
    kind = models.CharField(max_length=20, choices=ChangeRequestKind.choices)
    payload = models.JSONField(
        help_text="The submitted fields the kind uses (snake_case, ISO dates, null for -1)."
    )
    connection = models.ForeignKey(
        Connection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text="The connection changed; for an add, the one created when applied.",
    )
    base_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The connection's version when submitted."
    )
    submitted_by = _submitter("outreach_change_requests")
    reviewed_by = _reviewer("outreach_change_requests_reviewed")
    failure_reason = models.TextField(
        blank=True, help_text="Why the last attempt to apply it failed (it stays PENDING)."
    )

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "-number"]
        constraints = [_site_number_constraint("changerequest")]
        indexes = [
            models.Index(fields=["site", "status", "kind"]),
            # The duplicate check of a POST: one user's recent change requests of one kind at
            # a site, however many the site has had (outreach.services._recent_same).
            models.Index(
                fields=["site", "submitted_by", "kind", "submitted_at"],
                name="outreach_cr_recent_same_idx",
            ),
        ]

    def __str__(self):
        return f"Change request {self.number} ({self.get_kind_display()}, {self.status})"


# --- comments on individuals ---


class CommentType(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="comment_types")
    number = models.PositiveIntegerField("CommentTypeID")
    description = models.CharField(max_length=200)
    color = models.CharField(
        max_length=7, blank=True, help_text="The app's CommentColor, e.g. #3366CC."
    )
    active = models.BooleanField(default=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "number"]
        constraints = [_site_number_constraint("commenttype")]

    def __str__(self):
        return f"{self.number} {self.description}"


class CommentChangeRequest(ReviewedRequest):
    """A comment on an individual sent from the mobile app, waiting for a site Administrator
    to apply it (the comment is then written) or reject it, as the app tells its user
    ("Comment has been submitted for approval")."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="comment_change_requests")
    number = models.PositiveIntegerField("CommentCRId")
    individual = models.ForeignKey(
        Individual, on_delete=models.CASCADE, related_name="comment_change_requests"
    )
    comment_type = models.ForeignKey(
        CommentType, on_delete=models.PROTECT, related_name="change_requests"
    )
    text = models.TextField()
    family_comment = models.BooleanField(
        default=False, help_text="Applied to every member of the individual's family."
    )
    submitted_by = _submitter("outreach_comment_change_requests")
    reviewed_by = _reviewer("outreach_comment_change_requests_reviewed")

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["site", "-number"]
        constraints = [_site_number_constraint("commentchangerequest")]
        indexes = [models.Index(fields=["site", "status"])]

    def __str__(self):
        return f"Comment change request {self.number} ({self.status})"


class IndividualComment(models.Model):
    """A comment on an individual's record; `number` is the app's CommentKey."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="individual_comments")
    number = models.PositiveIntegerField("CommentKey")
    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="comments")
    comment_type = models.ForeignKey(CommentType, on_delete=models.PROTECT, related_name="comments")
    created = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    change_request = models.ForeignKey(
        CommentChangeRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        help_text="The comment change request whose apply wrote it.",
    )

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-number"]
        constraints = [_site_number_constraint("individualcomment")]
        indexes = [models.Index(fields=["individual", "comment_type", "created"])]

    def __str__(self):
        return f"{self.comment_type.description}: {self.text[:40]}"


# --- giving ---


class GivingMerchant(models.Model):
    """The site's online-giving merchant account (the app's `account/merchant`); a site without
    one answers 204 there."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="giving_merchant")
    solution_id = models.UUIDField("SolutionId")
    merchant_account_id = models.UUIDField("MerchantAccountId")
    deposit_account_id = models.UUIDField("DepositAccountId")
    allow_credit_debit_cards = models.BooleanField("AllowCreditDebitCards", default=True)
    allow_ach = models.BooleanField("AllowACH", default=False)
    debit_cards_only = models.BooleanField("DebitCardsOnly", default=False)
    non_member_giving_enabled = models.BooleanField("NonMemberGivingEnabled", default=False)

    objects = SiteQuerySet.as_manager()

    def __str__(self):
        return f"Giving merchant of {self.site}"
