"""proctui run on a script that prints 100,000 lines: continued from its first line, it
runs to its end, the log shows its last lines with a count of those it left out (in the
app's language), holds no more than its bound, shows a last line that had no newline,
and the app still answers keys."""

from __future__ import annotations

import pytest

from helpers.app_screen import logged, script_viewer
from helpers.paths import SCRIPTS
from helpers.waiting import pilot_wait_until
from proctui.core.events import ReapCall, Reaped
from proctui.core.script.runner import ScriptToRun

NOT_SHOWN = {"en": "lines of {label} (PID {pid}) not shown", "zh": "{label}（PID {pid}）的"}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_hundred_thousand_lines_run_to_the_end_and_the_log_stays_bounded(lab, lang):
    from proctui.ui.app import ProcTUI

    app = ProcTUI(lab, refresh_seconds=0.5, lang=lang, script=ScriptToRun(str(SCRIPTS / "many_lines.py"), ()))
    async with app.run_test(size=(100, 30)) as pilot:
        log = app.main_screen.event_log
        viewer = await script_viewer(pilot, app)
        await pilot.press("c")
        await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=viewer.pid, call=ReapCall.SCRIPT),
                               timeout=120, what="the script's end")
        await pilot_wait_until(pilot, lambda: any(line.endswith("all done, no newline") for line in log.lines_text),
                               timeout=30, what="the last line, which had no newline")
        lines = list(log.lines_text)
        assert any(line.endswith("line 99999 of the script's output") for line in lines)
        # The first lines may come slowly enough to be shown (a busy machine): a flood
        # follows, whose older lines are counted.
        counts = [line for line in lines if NOT_SHOWN[lang].format(label=viewer.label, pid=viewer.pid) in line]
        assert counts, lines[-20:]
        if lang == "zh":
            assert all("行输出没有显示" in line for line in counts)
        assert len(lines) <= 2000 and len(log.lines) <= 2000
        # Still answering keys: the help opens.
        await pilot.press("question_mark")
        await pilot_wait_until(pilot, lambda: app.screen is not app.main_screen, what="the help")
