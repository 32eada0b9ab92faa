"""Static files storage that never turns a missing collectstatic into a 500."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ForgivingManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names from collectstatic's manifest; the plain name when there is none.

    Django's manifest storage raises ValueError for a name it cannot find in the manifest, so
    every page linking a static file (the admin, /api/docs/) answered 500 until collectstatic
    had run. Now such a page renders with unhashed links, and readiness (/readyz) answers 503
    naming "staticfiles" until the manifest exists.
    """

    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            return name

    def manifest_exists(self) -> bool:
        return self.manifest_storage.exists(self.manifest_name)
