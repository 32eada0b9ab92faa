"""A worker's start: load what the first request would, then hide it from the cyclic GC.

Python's full (generation 2) collection walks every tracked object, and a loaded Django, DRF and
drf-spectacular hold about 150,000 of them: each full collection cost 2-3 ms on this machine,
and allocation-heavy requests (the request list) trigger one every few dozen calls, about
2.5 ms per list call on average (benchmarks/speed.py). Those objects live as long as the
worker, so `gc.freeze()` moves them to the permanent generation the collector skips (what the
Python docs advise for a forking server): full collections then cost a tenth. gunicorn.conf.py
calls `warm_and_freeze` in each worker once the app is loaded (post_worker_init).
"""

import gc


def warm_and_freeze() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view, serializer and filter
    gc.collect()
    gc.freeze()
