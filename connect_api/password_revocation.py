"""A changed or reset password signs the user out of every knox token.

Django calls `password_changed()` on each validator in AUTH_PASSWORD_VALIDATORS whenever a
user is saved after `set_password()`: the admin's password forms, `manage.py changepassword`,
password reset, and plain `user.set_password(...); user.save()`. A hasher upgrade on login
is not a change (Django clears the pending password before that save), so it revokes nothing.
Remembered Basic credentials need nothing here: they hold a fingerprint of the password hash
(connect_api.authentication) and stop matching by themselves; sessions are checked against
the password hash by Django.
"""

from knox.models import AuthToken


class RevokeTokensOnPasswordChange:
    """Not a rule about passwords: the one hook Django calls on every password change."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            AuthToken.objects.filter(user=user).delete()

    def get_help_text(self):
        return "Changing the password signs this account out of every API token."
