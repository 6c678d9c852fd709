"""Step line by line through the real ``Process.join()`` of a real child.

The Stepper runs ``process.join(timeout)`` in a thread of its own under a tracer and
pauses that thread before each line of the stdlib functions that do the work:
``BaseProcess.join`` → ``Popen.wait`` → ``Popen.poll`` of the start method in use. The
few calls where the parent learns about its child from the kernel are steps of their
own, once before the call (with its arguments) and once after it (with its result):

* ``os.waitpid(pid, flag)``: the reaping itself; a zombie is gone after it returns;
* ``connection.wait([sentinel], timeout)``: sleeps in poll() until the sentinel pipe
  is readable: the child's end closes when it exits (fork, spawn), or the fork server
  writes the exit code into it (forkserver);
* ``forkserver.read_signed(sentinel)``: under forkserver the fork server, not we, is
  the child's parent; it reaps the child and writes the exit code into the sentinel
  pipe, so ``poll`` never calls ``waitpid``.

What the stepper shows is what the running interpreter really executes: the traced
code objects are those of this interpreter's stdlib and the source comes from
``inspect.getsourcelines``, so line numbers are right on every release.

Looking must not change what is looked at. ``repr(process)``, ``.exitcode`` and
``.is_alive()`` all call ``poll()``, which reaps: a locals view built with ``repr``
would make the zombie vanish before the user reaches ``waitpid``. So locals are
described by ``describe_value``, which reads processes and Popen objects only through
their instance ``__dict__``, and call arguments are evaluated only when they are plain
names, stored attributes, constants or lists of them.

Two tracers, one behaviour (tracers.py): ``sys.settrace`` on CPython 3.10/3.11,
``sys.monitoring`` local events on 3.12+. They reach the Stepper as a ``TracedJoin``.
Call sites and the arguments shown for them are read from the source (call_sites.py).

Neither tracer reports the value a C function returns, so the result of
``os.waitpid`` is read from the names the source assigns it to (``pid, sts = ...``)
when the calling line has finished; a Python function's result (``connection.wait``,
``read_signed``) comes with its return event.
"""

from __future__ import annotations

import inspect
import multiprocessing.connection
import os
import sys
import threading
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Literal, Protocol, cast

from proctui.core.procfs.stat import read_proc
from proctui.core.stepping.call_sites import (
    CallSite,
    NotEvaluable,
    call_sites,
    describe_expression,
    evaluate,
    namespaces_of,
)
from proctui.core.stepping.tracers import Tracer, tracer_for
from proctui.core.stepping.values import describe_value, popen_field
from proctui.core.stepping.watched_calls import watched_name

#: What a step is: before a line; before a watched call and after it (its result); where
#: join raised; join's end.
StepKind = Literal["line", "call", "return", "exception", "done"]


@dataclass(frozen=True)
class Frame:
    """One traced function as it stood at a step."""

    func: str  # qualified name: 'BaseProcess.join', 'Popen.wait', 'Popen.poll'
    filename: str
    lineno: int
    locals: dict[str, str]  # described by describe_value, never by repr


@dataclass(frozen=True)
class Step:
    """Where the joining thread is paused, or how the join ended."""

    kind: StepKind
    frame: Frame  # the innermost traced frame
    stack: tuple[Frame, ...]  # outermost first: join, wait, poll
    call: str | None = None  # 'call' and 'return': 'os.waitpid(4242, 0)'
    result: str | None = None  # 'return': the call's result; 'done': the exitcode; 'exception': the error
    status: int | None = None  # the raw wait status, for the return of os.waitpid


# -- a process's Popen, read without side effects (values, see values.py) ---------------


class _Popen(Protocol):
    """multiprocessing's Popen classes (popen_fork and the two that subclass it): the
    two methods that are traced. Their fields are read through ``popen_field``."""

    def wait(self, timeout: float | None = None) -> int | None: ...

    def poll(self, flag: int = ...) -> int | None: ...


def _plain_function(method: Callable[..., object]) -> types.FunctionType:
    """A method read off its class, as a plain function, with the code object the tracers
    match. typeshed types a method as a mere callable: only a def can be traced, and
    join, wait and poll are defs in multiprocessing's source."""
    return cast("types.FunctionType", method)


def _popen_of(process: BaseProcess) -> _Popen | None:
    """process._popen read from the instance: the Popen that wait() and poll() belong to."""
    # What BaseProcess.start() stored: a private attribute, which typeshed does not declare.
    return cast("_Popen | None", vars(process).get("_popen"))


def _describe_error(error: BaseException) -> str:
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


# -- the call the joining thread is in ------------------------------------------------

_UNKNOWN = object()  # a C call's result before it has been read back from its assignment


class _PendingCall:
    """A watched call from its 'call' step until its 'return' step has been made."""

    def __init__(self, callable_: object, text: str, site: CallSite | None,
                 frame: types.FrameType, stack: tuple[Frame, ...]) -> None:
        self.callable = callable_
        self.text = text
        self.site = site
        self.frame = frame  # the caller: a traced frame
        self.lineno = frame.f_lineno
        self.stack = stack  # as it stood at the call: outer frames do not move during it
        self.state = "before"  # 'before' -> 'running' -> 'returned' | 'raised'
        self.value: object = _UNKNOWN
        self.error: BaseException | None = None

    @property
    def is_python(self) -> bool:
        return isinstance(self.callable, types.FunctionType)


# -- the stepper -------------------------------------------------------------------


class Stepper:
    """Runs ``process.join(timeout)`` in a daemon thread that pauses before each step.

    ``start()`` returns once the thread is paused before the first line of join; that
    step is ``step``. ``advance()`` lets it go on without waiting; ``wait_step()``
    waits for the next pause. While the thread is inside a watched call that blocks
    (a ``waitpid(pid, 0)`` on a running child), ``wait_step`` times out and
    ``inside_call`` names the call. ``on_step(step)``, if given, is called from the
    joining thread at every pause and with the final step, just after the step is
    published: ``wait_step`` may return it first, and a callback that blocks until
    another thread has handled it (Textual's ``call_from_thread``) cannot deadlock
    against a ``wait_step`` in that thread.
    """

    def __init__(self, process: BaseProcess, on_step: Callable[[Step], None] | None = None) -> None:
        if not isinstance(process, BaseProcess):
            raise TypeError(f"expected a multiprocessing process, not {type(process).__name__}")
        self._process = process
        self._on_step = on_step
        self.timeout: float | None = None  # join's argument, once started
        self._functions: dict[str, types.FunctionType] | None = None
        self._traced: dict[types.CodeType, str] = {}
        self._join_code = BaseProcess.join.__code__
        self._thread: threading.Thread | None = None
        self._thread_ident: int | None = None
        self._tracer: Tracer | None = None
        self._pending: _PendingCall | None = None
        self._join_exit: Frame | None = None
        self._cond = threading.Condition()
        self._step: Step | None = None
        self._reached = 0  # steps paused at so far
        self._released = 0  # the thread may run past every step up to this one
        self._free_running = False
        self._inside_call: str | None = None
        self._finished = False
        self._tracer_error: BaseException | None = None
        self._result: int | None = None
        self._error: BaseException | None = None
        self._reaped_status: int | None = None
        # What the notes on a join that returns without reaping may claim, recorded when it
        # happened (also while running free, when no step is shown): the child's /proc
        # state the moment connection.wait gave up ("" once gone), and whether a waitpid
        # failed with ECHILD (someone else reaped the child).
        self.state_at_timeout: str | None = None
        self.saw_echild = False

    # -- what is traced ------------------------------------------------------------

    def _traced_functions(self) -> dict[str, types.FunctionType]:
        """join, and wait and poll of the Popen class in use, once the process is started."""
        if self._functions is not None:
            return self._functions
        functions: list[Callable[..., object]] = [BaseProcess.join]
        popen = _popen_of(self._process)
        if popen is not None:
            functions += [type(popen).wait, type(popen).poll]
        return {function.__qualname__: _plain_function(function) for function in functions}

    def sources(self) -> dict[str, tuple[list[str], int]]:
        """Each traced function's source lines and first line number, as this interpreter has them."""
        return {name: inspect.getsourcelines(function) for name, function in self._traced_functions().items()}

    @property
    def optimize_level(self) -> int:
        """``sys.flags.optimize``: from 1 (``python -O``) join's asserts are compiled out,
        so joining an unstarted process fails on ``None._popen.wait`` instead."""
        return sys.flags.optimize

    # -- control -------------------------------------------------------------------

    def start(self, timeout: float | None = None) -> None:
        """Start ``join(timeout)``; returns once it is paused before join's first line.

        Raises RuntimeError, and join is not called, if the tracer cannot be set up.
        """
        if self._thread is not None:
            raise RuntimeError("this stepper has already been started")
        self.timeout = timeout
        self._functions = self._traced_functions()
        self._traced = {function.__code__: name for name, function in self._functions.items()}
        self._tracer = tracer_for(self)
        pid = popen_field(_popen_of(self._process), "pid")
        self._thread = threading.Thread(
            target=self._join_traced, args=(timeout,), name=f"proctui-stepper-{pid}", daemon=True
        )
        self._thread.start()
        with self._cond:
            self._cond.wait_for(lambda: self._reached or self._finished)
        if self._tracer_error is not None:
            raise RuntimeError(f"cannot trace join(): {self._tracer_error}") from self._tracer_error

    def advance(self) -> None:
        """Let the thread run on from the step it is paused at; returns at once."""
        with self._cond:
            if self._reached > self._released:
                self._released = self._reached
                self._cond.notify_all()

    def wait_step(self, timeout: float | None = None) -> Step | None:
        """The step the thread is paused at (or the final step), or None on timeout:
        then it is running, or blocked in the kernel inside ``inside_call``."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._finished or self._reached > self._released, timeout):
                return None
            return self._step

    def next(self) -> Step:
        """Run to the next pause and return it; once done, the final step."""
        self._check_started()
        self.advance()
        step = self.wait_step()
        assert step is not None
        return step

    def run_to_end(self) -> Step:
        """Stop pausing and wait for join to finish; the final 'done' or 'exception' step."""
        self._check_started()
        self.cancel()
        assert self._thread is not None
        self._thread.join()
        assert self._step is not None
        return self._step

    def cancel(self) -> None:
        """Stop pausing and let the join finish on its own (it may still block)."""
        with self._cond:
            self._free_running = True
            self._released = self._reached
            self._cond.notify_all()

    def _check_started(self) -> None:
        if self._thread is None:
            raise RuntimeError("the stepper has not been started")

    # -- state -----------------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        """The step paused at now, the last one reached while running, or the final one."""
        with self._cond:
            return self._step

    @property
    def paused(self) -> bool:
        with self._cond:
            return not self._finished and self._reached > self._released

    @property
    def thread_id(self) -> int | None:
        """The kernel's ID of the joining thread (``/proc/self/task/TID``), once started."""
        return self._thread.native_id if self._thread is not None else None

    @property
    def inside_call(self) -> str | None:
        """The watched call the thread has entered and not yet come back from."""
        return self._inside_call

    @property
    def done(self) -> bool:
        with self._cond:
            return self._finished

    @property
    def result(self) -> int | None:
        """The exitcode join() left in the process: None while the child runs, or if
        its status was taken by someone else's waitpid."""
        return self._result

    @property
    def reaped_status(self) -> int | None:
        """The raw status of the child once this join's os.waitpid has reaped it, paused
        at or not (after cancel() steps are no longer reported, but still happen)."""
        return self._reaped_status

    @property
    def error(self) -> BaseException | None:
        """What join() raised, if it raised."""
        return self._error

    # -- what a tracer reads (the TracedJoin protocol) -----------------------------------

    @property
    def traced_codes(self) -> Mapping[types.CodeType, str]:
        """The code objects traced line by line, with their qualified names (once started)."""
        return self._traced

    @property
    def join_code(self) -> types.CodeType:
        return self._join_code

    @property
    def thread_ident(self) -> int | None:
        """threading.get_ident() of the joining thread, once it runs."""
        return self._thread_ident

    # -- the joining thread ------------------------------------------------------------

    def _join_traced(self, timeout: float | None) -> None:
        # Every tracer operation happens here: sys.settrace acts on the calling thread.
        self._thread_ident = threading.get_ident()
        assert self._tracer is not None
        try:
            self._tracer.install()
        except Exception as error:  # noqa: BLE001 - no free sys.monitoring tool id, say: start() raises it
            with self._cond:
                self._tracer_error = error
                self._finished = True
                self._cond.notify_all()
            return
        try:
            try:
                self._process.join(timeout)
            finally:
                self._tracer.release()
        except BaseException as error:  # noqa: BLE001 - whatever join raised is its last step, for the UI to show
            self._error = error
            self._settle_pending(error)
            final = self._exception_step(error)
        else:
            self._settle_pending()
            # Popen.returncode: None until the child is reaped, then its exitcode.
            self._result = cast("int | None", popen_field(_popen_of(self._process), "returncode"))
            frame = self._join_exit or self._entry_frame()
            final = Step("done", frame, (frame,), result=str(self._result))
        with self._cond:
            self._step = final
            self._finished = True
            self._cond.notify_all()
        if self._on_step is not None:
            self._on_step(final)

    def _pause(self, step: Step) -> None:
        with self._cond:
            self._step = step
            if self._free_running:
                return
            self._reached += 1
            number = self._reached
            self._cond.notify_all()
        if self._on_step is not None:
            self._on_step(step)
        with self._cond:
            self._cond.wait_for(lambda: self._released >= number or self._free_running)

    # -- frames --------------------------------------------------------------------------

    def _snapshot(self, frame: types.FrameType, lineno: int | None = None) -> Frame:
        code = frame.f_code
        described = {name: describe_value(value) for name, value in frame.f_locals.items()}
        return Frame(self._traced[code], code.co_filename, frame.f_lineno if lineno is None else lineno, described)

    def _stack(self, frame: types.FrameType | None) -> tuple[Frame, ...]:
        frames = []
        while frame is not None:
            if frame.f_code in self._traced:
                frames.append(self._snapshot(frame))
                if frame.f_code is self._join_code:
                    break
            frame = frame.f_back
        return tuple(reversed(frames))

    def _entry_frame(self) -> Frame:
        """join before its first line: for an end no traced frame saw (a subclass's
        join that never calls BaseProcess.join)."""
        code = self._join_code
        return Frame(self._traced[code], code.co_filename, code.co_firstlineno, {})

    def _exception_step(self, error: BaseException) -> Step:
        frames = []
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code in self._traced:
                frames.append(self._snapshot(tb.tb_frame, tb.tb_lineno))
            tb = tb.tb_next
        stack = tuple(frames) or (self._entry_frame(),)
        return Step("exception", stack[-1], stack, result=_describe_error(error))

    # -- events, from either tracer, in the joining thread (the TracedJoin protocol) ------

    def on_line(self, frame: types.FrameType) -> None:
        self._settle_pending()
        stack = self._stack(frame)
        self._pause(Step("line", stack[-1], stack))

    # The watched callables are compared by identity only: object is all they need be.

    def on_call(self, frame: types.FrameType, callable_: object) -> None:
        """Before a watched call made from a traced frame."""
        self._settle_pending()
        name = watched_name(callable_)
        text, site = f"{name}(...)", None
        namespaces = namespaces_of(frame)
        for candidate in call_sites(frame.f_code).get(frame.f_lineno, ()):
            try:
                if evaluate(candidate.func, namespaces) is not callable_:
                    continue
            except NotEvaluable:
                continue
            arguments = [describe_expression(arg, namespaces) for arg in candidate.args]
            arguments += [f"{kw.arg}={describe_expression(kw.value, namespaces)}" for kw in candidate.keywords]
            text, site = f"{name}({', '.join(arguments)})", candidate
            break
        stack = self._stack(frame)
        pending = _PendingCall(callable_, text, site, frame, stack)
        self._pending = pending
        self._pause(Step("call", stack[-1], stack, call=text))
        pending.state = "running"
        self._inside_call = text

    def on_c_call_returned(self, callable_: object) -> None:
        self.on_python_call_returned(callable_, _UNKNOWN)

    def on_python_call_returned(self, callable_: object, value: object) -> None:
        pending = self._pending
        if pending is not None and pending.state == "running" and pending.callable is callable_:
            pending.state = "returned"
            pending.value = value
            self._inside_call = None

    def on_call_raised(self, callable_: object) -> None:
        pending = self._pending
        if pending is not None and pending.state == "running" and pending.callable is callable_:
            pending.state = "raised"
            self._inside_call = None

    def on_exception(self, error: BaseException) -> None:
        """An exception in a traced frame (settrace only: monitoring has no local event)."""
        pending = self._pending
        if pending is None or pending.state == "before":
            return
        if pending.state == "returned" and not pending.is_python:
            return  # the C function came back: this exception is the line's, not the call's
        # A Python callee that raised also has a 'return' event, with None for a value.
        pending.state = "raised"
        pending.error = error
        self._settle_pending()

    def on_frame_return(self, frame: types.FrameType) -> None:
        self._settle_pending()
        if frame.f_code is self._join_code:
            self._join_exit = self._snapshot(frame)

    def _settle_pending(self, error: BaseException | None = None) -> None:
        """Make the 'return' step of the watched call the thread has come back from.

        Called at the caller's next event: by then a C call's result has been stored
        where the source puts it. A call still 'running' here raised without our
        seeing it (monitoring has no local exception event): the exception is the one
        being handled now, or the one join ends with.
        """
        pending = self._pending
        if pending is None or pending.state == "before":
            return
        self._pending = None
        self._inside_call = None
        status = None
        if pending.state == "returned":
            value = pending.value
            if value is _UNKNOWN and pending.site is not None and pending.site.target is not None:
                try:
                    value = evaluate(pending.site.target, namespaces_of(pending.frame))
                except NotEvaluable:
                    value = _UNKNOWN
            result = None if value is _UNKNOWN else describe_value(value)
            if pending.callable is os.waitpid and isinstance(value, tuple) and len(value) == 2:
                status = value[1]
                if value[0] != 0:  # (0, 0) is WNOHANG's "not yet": nothing was reaped
                    self._reaped_status = status
            if pending.callable is multiprocessing.connection.wait and value == []:
                pid = self._process.pid
                info = read_proc(pid) if pid is not None else None
                self.state_at_timeout = info.state if info is not None else ""
        else:
            raised = pending.error or error or sys.exc_info()[1]
            result = f"raised {_describe_error(raised)}" if raised is not None else "raised"
            if pending.callable is os.waitpid and isinstance(raised, ChildProcessError):
                self.saw_echild = True
        innermost = self._snapshot(pending.frame, pending.lineno)
        stack = pending.stack[:-1] + (innermost,)
        self._pause(Step("return", innermost, stack, call=pending.text, result=result, status=status))
