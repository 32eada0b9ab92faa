"""`speed.py --server` reads the workers' CPU time from the scheduler's nanosecond count of
each thread, or, when a thread started or ended between two readings, from the processes'
clock ticks: either way it must agree with the CPU time the process itself sees."""

import os
import threading
import time

from benchmarks.speed_server import CPUReading


def _busy(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def _ran(work) -> tuple[float, float]:
    """(the CPU time read around `work`, what the process sees)."""
    before, seen_before = CPUReading.of([os.getpid()]), time.process_time()
    work()
    ran = CPUReading.of([os.getpid()]).seconds_since(before)
    return ran, time.process_time() - seen_before


def test_the_same_threads_cpu_is_counted_to_the_nanosecond():
    ran, seen = _ran(lambda: _busy(0.2))
    assert abs(ran - seen) < 0.001, (ran, seen)


def test_an_ended_threads_cpu_is_counted_too():
    def work():
        helper = threading.Thread(target=_busy, args=(0.15,))
        helper.start()
        _busy(0.15)
        helper.join()

    ran, seen = _ran(work)
    assert abs(ran - seen) < 0.025, (ran, seen)  # in 10 ms ticks
