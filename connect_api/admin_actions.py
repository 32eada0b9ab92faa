"""What the apps' Django admin shares: run a service on each selected row (list actions), and
decision buttons on a change view that run a service on that one row."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse

from connect_api.errors import DomainError


def error_text(error: DomainError) -> str:
    """The error's message with its per-field details ("... (ConnectionId: changed)")."""
    details = "; ".join(
        f"{field}: {' '.join(texts)}" for field, texts in error.errors.items() if texts
    )
    return f"{error.message} ({details})" if details else error.message


def run_for_each(model_admin, request, rows: Iterable, service, *, done: str) -> int:
    """Call `service(row)` for each row; a DomainError is reported for its row (which row, what
    failed and why), the others go on.

    `done` is the success message with `{count}`; returns how many rows succeeded.
    """
    succeeded = failed = 0
    for row in rows:
        try:
            service(row)
        except DomainError as error:
            failed += 1
            model_admin.message_user(
                request, f"{row}: not done: {error_text(error)}", messages.ERROR
            )
        else:
            succeeded += 1
    if succeeded:
        model_admin.message_user(request, done.format(count=succeeded), messages.SUCCESS)
    if failed:
        model_admin.message_user(request, f"{failed} failed (see above).", messages.WARNING)
    return succeeded


@dataclass(frozen=True)
class Decision:
    """A button on the change view: POST `<pk>/<name>/` runs the admin's `method(request, obj,
    value)` (which calls a service and returns the success message); `field` names the text
    the button sends with it (a reason, a message), if any."""

    name: str
    label: str
    method: str
    field: str = ""
    field_label: str = ""
    field_required: bool = False


class DecisionButtonsMixin:
    """Decision buttons (Approve / Reject, Apply / Reject) on an undecided row's change view.

    The admin lists its `decisions` and says which rows are undecided (`is_undecided`); a
    button needs `has_decision_permission` (by default the change permission on the model); a
    DomainError from the service becomes an error message on the same page, never a 500. URLs
    are named in the admin site's own namespace, so the mixin serves any AdminSite.
    """

    decisions: tuple[Decision, ...] = ()
    change_form_template = "admin/decision_change_form.html"

    def is_undecided(self, obj) -> bool:
        raise NotImplementedError

    def has_decision_permission(self, request, decision: Decision) -> bool:
        return self.has_change_permission(request)

    def _decision_url_name(self, decision: Decision) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{decision.name}"

    def get_urls(self):
        return [
            path(
                f"<path:object_id>/{decision.name}/",
                self.admin_site.admin_view(partial(self._decision_view, decision=decision)),
                name=self._decision_url_name(decision),
            )
            for decision in self.decisions
        ] + super().get_urls()

    def _decision_view(self, request, object_id, *, decision: Decision):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_decision_permission(request, decision):
            raise PermissionDenied
        value = request.POST.get(decision.field, "").strip() if decision.field else None
        try:
            done = getattr(self, decision.method)(request, obj, value)
        except DomainError as error:
            self.message_user(request, f"{obj}: not done: {error_text(error)}", messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect(
            reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[obj.pk],
            )
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.is_undecided(obj):
            context["decisions"] = [
                {
                    "decision": decision,
                    "url": reverse(
                        f"{self.admin_site.name}:{self._decision_url_name(decision)}",
                        args=[obj.pk],
                    ),
                }
                for decision in self.decisions
                if self.has_decision_permission(request, decision)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)
