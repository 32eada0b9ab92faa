"""Jobs of this app: a sample file's spec check runs here, never in a web worker."""

from huey.contrib.djhuey import db_task

from uploads import services


@db_task(retries=2, retry_delay=30)
def upload_check_run(check_pk: int) -> None:
    services.upload_check_run(check_pk=check_pk)
