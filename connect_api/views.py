from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.views import LoginView, LogoutView
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from connect_api.api.outputs import schema_serializer
from connect_api.authentication import TokenAuthentication, authenticate_with_lockout
from connect_api.exceptions import error_body
from connect_api.jobs import JobOutput, job_data, job_get
from connect_api.maintenance import tokens_cap


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request, exception=None):
    return JsonResponse(error_body("Not found.", "not_found"), status=404)


def bad_request(request, exception=None):
    return JsonResponse(error_body("Bad request.", "bad_request"), status=400)


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenObtainView(LoginView):
    """POST username/password (JSON or form) -> {"token", "expiry"} (knox: stored hashed)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return "Token"

    @extend_schema(
        summary="Log in: a token to send as `Authorization: Token <key>`",
        request=TokenLoginSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
        ),
        auth=[],
    )
    def post(self, request, format=None):
        login = TokenLoginSerializer(data=request.data)
        login.is_valid(raise_exception=True)
        user = authenticate_with_lockout(request, **login.validated_data)
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed("Unable to log in with the given credentials.")
        request.user = user
        with transaction.atomic():
            return super().post(request, format=format)

    def create_token(self):
        """A new token, and the user's oldest ones deleted past TOKENS_PER_USER."""
        created = super().create_token()
        tokens_cap(user=self.request.user, keep=settings.TOKENS_PER_USER)
        return created


class TokenLogoutView(LogoutView):
    """Revoke the token the request was made with."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


class JobStatusView(APIView):
    """A background job the caller started (staff: any): its status and, once done, result."""

    @extend_schema(responses=schema_serializer(JobOutput), operation_id="job_retrieve")
    def get(self, request, job_uuid):
        job = job_get(user=request.user, uuid=job_uuid)
        if job is None:
            raise exceptions.NotFound()
        return Response(job_data(job))
