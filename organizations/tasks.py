"""The organization's mails, sent by the job worker: invitations and password resets.

Each job makes its one-time token itself, so no token ever sits in the job queue."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from huey.contrib.djhuey import db_task

from organizations import services
from organizations.models import Invitation

TEMPLATES = "organizations/mail"


def _link(path: str) -> str:
    """The public address of an API path, with the trailing slash the docs write."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path.rstrip("/") + "/"


def _send(*, to: str, template: str, context: dict) -> None:
    subject = " ".join(render_to_string(f"{TEMPLATES}/{template}.subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{TEMPLATES}/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(
        render_to_string(f"{TEMPLATES}/{template}.html", context), "text/html"
    )
    message.send()


@db_task(retries=3, retry_delay=60)
def invitation_mail_send(invitation_pk: int) -> bool:
    """Issue the invitation's token and mail its link (nothing for a revoked invitation)."""
    token = services.invitation_issue(invitation_pk=invitation_pk)
    if token is None:
        return False
    invitation = Invitation.objects.select_related("organization", "invited_by").get(
        pk=invitation_pk
    )
    inviter = invitation.invited_by
    _send(
        to=invitation.email,
        template="invitation",
        context={
            "organization": invitation.organization.name,
            "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else None,
            "link": _link(reverse("accept-invite-timp", kwargs={"token": token})),
            "token": token,
            "hours": int(services.INVITATION_LIFETIME.total_seconds() // 3600),
        },
    )
    return True


@db_task(retries=3, retry_delay=60)
def password_reset_mail_send(user_pk: int) -> bool:
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None or not user.email:
        return False
    token = services.reset_token_make(user)
    _send(
        to=user.email,
        template="password_reset",
        context={
            "name": user.get_full_name() or user.get_username(),
            "link": _link(reverse("complete-password-timp")) + f"?token={token}",
            "token": token,
            "hours": int(services.RESET_TOKEN_LIFETIME.total_seconds() // 3600),
        },
    )
    return True
