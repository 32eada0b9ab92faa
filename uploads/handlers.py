"""The upload handler that caps a request's file bytes at settings.UPLOAD_MAX_BYTES.

It sits first in FILE_UPLOAD_HANDLERS, in front of Django's memory and temporary-file
handlers, sees every chunk before they do and stops the parse as soon as the limit is
passed: nothing more is read, the partial temporary file is closed (and so deleted) by the
parser, and the request ends as 413.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadTooLarge(RequestDataTooBig):
    """Rendered 413 by connect_api.exceptions, naming the `file` field."""

    field = "file"


class UploadSizeLimitHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        """Count the bytes of every file in the request; pass the chunk on while under."""
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            # connection_reset: do not read (and discard) the rest of the body either.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        """The next handler (memory or temporary file) builds the file object."""
        return None

    def upload_complete(self) -> None:
        """Called after a StopUpload too: the parse ends with 413 instead of without the file."""
        if self.exceeded:
            raise UploadTooLarge(
                f"Uploaded files are limited to {self.limit} bytes; this one is larger."
            )
