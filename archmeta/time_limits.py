"""Time limits on a block of work (``--timeout``): one record's conversion or validation.

Used by every path that converts or validates records one at a time: the command line, the
local batch workers (each in its main thread) and Dask workers (which run tasks in threads).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import ArchmetaError, Issue

__all__ = ["TimeLimitExceeded", "time_limit"]


class TimeLimitExceeded(ArchmetaError):
    """A record took longer than the time limit (``--timeout``)."""

    @property
    def issues(self) -> list[Issue]:
        return [Issue(str(self), rule="timeout")]


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds`` (0: no limit).

    In the main thread of a process (each local batch worker's, or the command line's) the
    real-time interval timer interrupts the block, even in a system call. In another thread (a
    Dask worker runs its tasks in threads) a timer raises the exception in the block's thread
    (``PyThreadState_SetAsyncExc``), where it takes effect at the next Python instruction: a
    record stuck inside one long call into C code is stopped when that call returns.
    """
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        with _thread_time_limit(seconds, f"{what} took more than {seconds:g} s (--timeout)"):
            yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"{what} took more than {seconds:g} s (--timeout)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _thread_time_limit(seconds: float, message: str) -> Iterator[None]:
    """:func:`time_limit` outside the main thread: a timer thread raises the exception in this
    one, only while the block runs (a lock keeps the timer from firing after it ended)."""
    import ctypes

    class Expired(TimeLimitExceeded):
        # Raised asynchronously, the exception is given as a class: it carries its message.
        def __init__(self) -> None:
            super().__init__(message)

    thread = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"running": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["running"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, ctypes.py_object(Expired))
                state["fired"] = True

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["running"] = False
            if state["fired"]:  # fired just as the block ended: the exception must not escape
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, None)
