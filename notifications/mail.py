"""One mail, built once: subject, plain-text and HTML bodies from the kind's templates, and the
one-click unsubscribe of its kind (a signed link: RFC 8058's List-Unsubscribe and
List-Unsubscribe-Post headers, the same link in both bodies)."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.choices import MailKind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
TEMPLATES = "notifications/mail"


@dataclass(frozen=True)
class Unsubscribe:
    """What one unsubscribe link stops: a user's mails of one kind (at one site)."""

    user_pk: int
    kind: str
    site_pk: int | None

    def token(self) -> str:
        return signing.dumps([self.user_pk, self.kind, self.site_pk], salt=UNSUBSCRIBE_SALT)

    @classmethod
    def from_token(cls, token: str) -> "Unsubscribe":
        """Raises signing.BadSignature for a forged or mangled token."""
        user_pk, kind, site_pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        if kind not in MailKind.values:
            raise signing.BadSignature("unknown kind")
        return cls(user_pk, kind, site_pk)

    def url(self) -> str:
        path = reverse("notifications-unsubscribe", kwargs={"token": self.token()})
        return settings.PUBLIC_BASE_URL.rstrip("/") + path


def subject_of(kind: str, context: dict) -> str:
    """The kind's one-line subject (also a digest's line for the item)."""
    text = render_to_string(f"{TEMPLATES}/{kind}.subject.txt", context)
    return " ".join(text.split())


def mail_build(*, recipient, kind: str, site_pk: int | None, template: str, context: dict):
    """An EmailMultiAlternatives to `recipient` from `<template>.txt` / `.html` (+ subject)."""
    unsubscribe = Unsubscribe(recipient.pk, kind, site_pk).url()
    context = {
        **context,
        "recipient": recipient.get_full_name() or recipient.get_username(),
        "unsubscribe_url": unsubscribe,
        "kind_label": MailKind(kind).label,
    }
    subject = context.get("subject") or subject_of(kind, context)
    context["subject"] = subject
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{TEMPLATES}/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"{TEMPLATES}/{template}.html", context), "text/html"
    )
    return message
