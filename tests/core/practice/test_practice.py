"""proctui practice, the core: exercises performed on real processes, each answer marked
against /proc and what the processes said, never against the model that proposed it."""

from __future__ import annotations

import pytest

from proctui.core.practice.exercise_file import ExerciseFileError, load_exercise
from proctui.core.practice.model import Ask, Kind, Mode, Model, exercise_facts, parse_tree_text
from proctui.core.practice.questions import generate
from proctui.core.practice.run import PracticeRun
from proctui.core.practice.transcript import transcript


def play(lab, exercise, answer):
    """Run exercise to its end; answer(index, question) picks each answer. The outcomes."""
    run = PracticeRun(lab, exercise)
    run.start()
    try:
        while not run.finished:
            question = run.prepare()
            run.perform(answer(run.index, question))
        return run
    finally:
        run.close()


def first_choice(index, question):
    return question.choices[0] if question.choices else None


@pytest.mark.parametrize("seed", [4, 11])
def test_the_same_seed_gives_the_same_exercise_and_every_answer_is_marked_by_the_kernel(lab, seed):
    """Run once to learn what the kernel says; the same seed again gives the same questions
    and choices, and answering with what the kernel said is right every time, answering
    with any other choice wrong every time."""
    exercise = generate(seed, count=8)
    assert exercise_facts(exercise) == exercise_facts(generate(seed, count=8))
    first = play(lab, exercise, first_choice)
    real = [outcome.real for outcome in first.outcomes]
    choices = [outcome.question.choices for outcome in first.outcomes]

    def right(index, question):
        assert question.choices == choices[index]  # the same question on a second run
        [pick] = [c for c in question.choices if _same(question.ask, c, real[index])]
        return pick

    def wrong(index, question):
        others = [c for c in question.choices if not _same(question.ask, c, real[index])]
        return others[0] if others else None

    all_right = play(lab, generate(seed, count=8), right)
    assert all_right.score == (8, 8), [(o.move.act, o.answer, o.real) for o in all_right.outcomes]
    all_wrong = play(lab, generate(seed, count=8), wrong)
    assert all_wrong.score == (0, 8)
    assert [o.real for o in all_wrong.outcomes] == real  # the kernel said the same each time


def _same(ask, choice, real):
    if ask is Ask.TREE:
        return parse_tree_text(choice) == parse_tree_text(real)
    return choice == real


def test_seed_4_is_the_same_on_every_machine():
    """The actions of --seed 4, as written down once: random.Random(4) is the same everywhere."""
    steps = [(s.act.kind, s.act.who, s.act.other) for s in generate(4, count=6).moves]
    assert steps == [
        (Kind.FORK, "a", "b"), (Kind.FORK, "a", "c"), (Kind.DAEMON, "a", "d"),
        (Kind.IS_ALIVE, "a", "b"), (Kind.FORK, "c", "e"), (Kind.IS_ALIVE, "a", "c")]


def test_start_reaps_the_starters_zombies_and_orphans_go_to_the_subreaper(lab, tmp_path):
    """What the kernel and multiprocessing really do, read back from a teacher's file:
    b exits (a zombie of a); c forked by b is adopted by a when b is killed; a's next
    start() reaps b (_cleanup) before d exists; join() gives the exit code; SIGSTOP is T."""
    path = tmp_path / "ex.toml"
    path.write_text("""title = "facts"
[[step]]
do = "a forks b"
[[step]]
do = "b forks c"
[[step]]
do = "kill b"
ask = "adopter"
[[step]]
do = "a forks d"
[[step]]
do = "d exits 7"
ask = "state"
[[step]]
do = "a joins d"
[[step]]
do = "stop c"
""")
    run = play(lab, load_exercise(str(path)), first_choice)
    real = [outcome.real for outcome in run.outcomes]
    assert real[2] == "a"  # c's parent after b died: the subreaper
    assert "b" not in real[3] and parse_tree_text(real[3]) == {
        ("a", None, ""), ("c", "a", ""), ("d", "a", "")}  # start() reaped the zombie b
    assert real[4] == "Z"
    assert real[5] == "7"
    assert run.outcomes[6].question.ask is Ask.STATE and real[6] == "T"


def test_reverse_and_final_modes(lab):
    reverse = play(lab, generate(4, count=4, mode=Mode.REVERSE), lambda i, q: None)
    # The first fork is the only thing that can happen to a lone a: nothing to ask.
    assert reverse.outcomes[0].question.ask is Ask.NONE
    for outcome in reverse.outcomes[1:]:
        assert outcome.question.ask is Ask.ACTION
        assert outcome.real == outcome.move.act.describe("en") and outcome.real in outcome.question.choices
        assert len(outcome.question.choices) >= 2
    final = play(lab, generate(4, count=4, mode=Mode.FINAL), first_choice)
    asked = [o for o in final.outcomes if o.correct is not None]
    assert len(asked) == 1 and asked[0].question.ask is Ask.TREE and asked[0] is final.outcomes[-1]


def test_the_transcript_says_each_question_answer_and_outcome(lab):
    exercise = generate(4, count=4)
    run = play(lab, exercise, first_choice)
    for lang, heading, verdicts in (("en", "# proctui practice: seed 4", ("right", "wrong")),
                                    ("zh", "# proctui 练习：seed 4", ("对", "错"))):
        text = transcript(exercise, run.outcomes, lang)
        assert text.startswith(heading)
        right, asked = run.score
        assert (f"score: {right} of {asked}" if lang == "en" else f"{right} / {asked}") in text
        for number, outcome in enumerate(run.outcomes, 1):
            assert f"## {number}. {outcome.move.act.describe(lang)}" in text
            assert outcome.real in text
        assert any(word in text for word in verdicts)


@pytest.mark.parametrize(("body", "line", "says"), [
    ('title = "x"\n[[step]]\ndo = "a forks b"\n[[step]]\ndo = "a flies"\n', 5, "no action proctui knows"),
    ('title = "x"\n[[step]]\ndo = "a forks b"\n\n[[step]]\ndo = "a joins b"\n', 6, "join() would wait for ever"),
    ('title = "x"\n[[step]]\ndo = "a forks b"\nask = "colour"\n', 4, "none of tree"),
    ('title = "x"\nmode = "sideways"\n[[step]]\ndo = "a forks b"\n', 2, "none of forward"),
    ('title = "x"\n[[step]]\ndo = "c forks d"\n', 3, "no process c"),
    ('title = "x"\n[[step]]\ndo = "a forks b"\ncolour = 3\n', 4, "not a key of a step"),
])
def test_a_malformed_exercise_file_names_its_line_and_key(tmp_path, body, line, says):
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(ExerciseFileError) as raised:
        load_exercise(str(path))
    message = str(raised.value)
    assert message.startswith(f"{path}:{line}: ") and says in message, message


_RETURN_WITH_A_STOPPED_DAEMON = """title = "x"
[[step]]
do = "a forks b"
[[step]]
do = "b forks daemon c"
[[step]]
do = "stop c"
[[step]]
do = "b returns"
"""


@pytest.mark.parametrize(("lang", "says"), [
    ("en", ("b's daemon child c is stopped: its exit handler's terminate() leaves SIGTERM pending, and its join() "
           "would wait for ever")),
    ("zh", "b 的守护子进程 c 被暂停了"),
])
def test_a_return_with_a_stopped_daemon_child_is_refused_with_its_line(tmp_path, lang, says):
    """The exit handler terminate()s a daemon child and join()s it: stopped, the daemon
    keeps SIGTERM pending and never exits, so b's return would wait for ever
    (test_multiprocessing_facts.test_a_stopped_daemon_keeps_its_parent_s_exit_handler_waiting)."""
    path = tmp_path / "bad.toml"
    path.write_text(_RETURN_WITH_A_STOPPED_DAEMON)
    with pytest.raises(ExerciseFileError) as raised:
        load_exercise(str(path), lang)
    assert str(raised.value).startswith(f"{path}:9: do: ") and says in str(raised.value), str(raised.value)
    path.write_text(_RETURN_WITH_A_STOPPED_DAEMON.replace('do = "b returns"', 'do = "continue c"\n[[step]]\n'
                                                                            'do = "b returns"'))
    assert load_exercise(str(path), lang).moves[-1].act.kind is Kind.RETURN  # continued, it can end


def test_generation_never_lets_a_process_return_while_its_daemon_child_is_stopped():
    """Seeds 4223 and 4905 made such an exercise before the model knew (count=12)."""
    for seed in range(5000):
        model = Model()
        for step in generate(seed, count=12).moves:
            act = step.act
            if act.kind is Kind.RETURN:
                stopped = [child for child in model.started_by(act.who)
                           if model.procs[child].daemon and model.procs[child].stopped]
                assert not stopped, (seed, act, stopped)
            model.apply(act)


def test_a_file_that_is_no_toml_says_where(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\n[[step]\n')
    with pytest.raises(ExerciseFileError, match="line 2"):
        load_exercise(str(path))


def test_the_shipped_exercises_load():
    from importlib import resources

    shipped = [entry for entry in resources.files("proctui.exercises").iterdir() if entry.name.endswith(".toml")]
    assert shipped
    for entry in shipped:
        exercise = load_exercise(str(entry))
        assert exercise.moves



@pytest.mark.parametrize(("method", "subreaper"), [("spawn", False), ("forkserver", True), ("fork", False)])
def test_leaving_an_exercise_leaves_nothing_whatever_the_lab(method, subreaper):
    """a reaps the others before it goes: nothing is handed to init (which, in a
    container, may never reap) nor left to proctui."""
    from helpers.waiting import wait_until
    from proctui.core.lab.lab import Lab

    lab = Lab(start_method=method, subreaper=subreaper)
    try:
        run = play(lab, generate(11, count=8), first_choice)
        # The run's own identity-checked read: by start time too, as a PID may be reused.
        wait_until(lambda: all(run._current(pid) is None for pid in run.pids.values()),
                   what="every process of the exercise reaped")
    finally:
        lab.shutdown()
