"""gunicorn's workers load the URLconf and freeze what is loaded before their first request."""

import gc
import runpy

import connect_api.warmup


def test_warm_and_freeze_moves_the_loaded_objects_out_of_the_collectors_sight():
    try:
        connect_api.warmup.warm_and_freeze()

        assert gc.get_freeze_count() > 10_000  # Django, DRF, every view and serializer
    finally:
        gc.unfreeze()


def test_gunicorn_calls_it_once_the_worker_has_loaded_the_app(monkeypatch):
    called = []
    monkeypatch.setattr(connect_api.warmup, "warm_and_freeze", lambda: called.append(True))
    config = runpy.run_path("gunicorn.conf.py")

    config["post_worker_init"](worker=None)

    assert called == [True]
