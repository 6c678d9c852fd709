"""The questions of an exercise, and the exercises made from a seed: what is asked
before each action, the plausible wrong answers a learner picks among, and the actions
chosen (the same for the same seed on every machine)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from proctui.core.i18n import N_, words
from proctui.core.practice.model import (
    INIT,
    PROCTUI,
    ROOT,
    STATES,
    Act,
    Ask,
    Exercise,
    Kind,
    Mode,
    Model,
    Move,
    Node,
    Tree,
    canonical,
    tree_text,
)


@dataclass(frozen=True)
class Question:
    ask: Ask
    about: str | None = None  # the process a STATE, ADOPTER question is about
    choices: tuple[str, ...] = ()  # what a learner picks among (trees: drawn, joined by newlines)

    def text(self, act: Act | None, lang: str) -> str:
        _ = words(lang)
        return _(_ASK_WORDS[self.ask]).format(about=self.about, who=act.who if act else "",
                                              other=act.other if act else "")


_ASK_WORDS = {
    Ask.TREE: N_("Process tree after it?"),
    Ask.STATE: N_("State of {about} after it, in /proc?"),
    Ask.EXITCODE: N_("What does {other}.exitcode say after join()?"),
    Ask.ADOPTER: N_("Whose child is {about} after it?"),
    Ask.ALIVE: N_("What does {other}.is_alive() return?"),
    Ask.ACTION: N_("Which action turned the first tree into the second?"),
    Ask.NONE: N_("Watch it happen."),
}



def _tree_variants(before: Model, after: Model, act: Act) -> list[Tree]:
    """Plausible wrong trees: nothing changed; zombies shown as gone or gone as zombies;
    orphans under their grandparent instead of a."""
    variants = [before.tree()]
    right = after.tree()
    no_zombies = {name: node for name, node in right.items() if node.mark != "Z"}
    variants.append(no_zombies)
    if act.kind in (Kind.EXIT, Kind.TERMINATE, Kind.KILL, Kind.RETURN):
        grandparent = before.procs[act.who].parent
        moved = {name: (Node(grandparent, node.mark) if before.procs.get(name) and before.procs[name].parent == act.who
                        else node) for name, node in right.items()}
        variants.append(moved)
        kept = dict(right)
        kept[act.who] = Node(before.procs[act.who].parent, "Z")
        for name in before.children(act.who):
            if name in right:
                kept[name] = Node(act.who, right[name].mark)
        variants.append(kept)
    if act.kind in (Kind.FORK, Kind.DAEMON):
        with_zombies = before.tree()
        with_zombies[act.other or "?"] = Node(act.who)
        variants.append(with_zombies)
    return variants


def ask_for(act: Act, before: Model, after: Model, rng: random.Random, ask: Ask | None = None) -> Question:
    """The question of the forward mode for act (or the one a teacher chose)."""
    if ask is None:
        ask = _default_ask(act, before)
    if ask is Ask.TREE:
        right = after.tree()
        trees = [right]
        for variant in _tree_variants(before, after, act):
            if all(canonical(variant) != canonical(tree) for tree in trees):
                trees.append(variant)
        trees = trees[:4]
        rng.shuffle(trees)
        return Question(Ask.TREE, choices=tuple(tree_text(tree) for tree in trees))
    if ask is Ask.STATE:
        return Question(Ask.STATE, about=act.other if act.kind in (Kind.JOIN, Kind.IS_ALIVE) else act.who,
                        choices=STATES)
    if ask is Ask.EXITCODE:
        other = before.procs.get(act.other or "")
        expected = other.exitcode if other is not None else None
        wrong: list[int | None] = [0, 1, -15, -9, 143, 137, 255, None]
        rng.shuffle(wrong)
        choices: list[str] = []
        for code in [expected, *wrong]:
            if str(code) not in choices:
                choices.append(str(code))
        picked = choices[:4]
        rng.shuffle(picked)
        return Question(Ask.EXITCODE, choices=tuple(picked))
    if ask is Ask.ALIVE:
        return Question(Ask.ALIVE, choices=("True", "False"))
    if ask is Ask.ADOPTER:
        orphan = before.live_children(act.who)[0]
        grandparent = before.procs[act.who].parent
        choices = []
        for who in (ROOT, act.who, grandparent, INIT, PROCTUI):
            if who is not None and who not in choices:
                choices.append(who)
        return Question(Ask.ADOPTER, about=orphan, choices=tuple(choices[:4]))
    return Question(Ask.NONE)


def _default_ask(act: Act, before: Model) -> Ask:
    if act.kind in (Kind.FORK, Kind.DAEMON, Kind.RETURN):
        return Ask.TREE
    if act.kind in (Kind.EXIT, Kind.TERMINATE, Kind.KILL):
        return Ask.ADOPTER if before.live_children(act.who) else Ask.STATE
    if act.kind is Kind.JOIN:
        return Ask.EXITCODE
    if act.kind is Kind.IS_ALIVE:
        return Ask.ALIVE
    return Ask.STATE


def generate(seed: int, count: int = 6, mode: Mode = Mode.FORWARD) -> Exercise:
    """count actions, the same for the same seed on every machine (and Python: only
    random.Random's documented reproducible methods are used)."""
    rng = random.Random(seed)
    model = Model()
    moves = []
    weights = {Kind.FORK: 6, Kind.DAEMON: 1, Kind.EXIT: 3, Kind.RETURN: 1, Kind.TERMINATE: 2, Kind.KILL: 1,
               Kind.STOP: 1, Kind.CONT: 3, Kind.JOIN: 4, Kind.IS_ALIVE: 2}
    for number in range(count):
        possible = list(model.possible())
        if number < 2:  # the first actions make a tree to play with
            possible = [act for act in possible if act.kind is Kind.FORK] or possible
        chosen = _choose(rng, possible, weights)
        if chosen.kind is Kind.EXIT:
            chosen = replace(chosen, code=rng.choice((0, 1, 2, 3, 7, 42)))
        moves.append(Move(chosen))
        model.apply(chosen)
    return Exercise(title=f"seed {seed}", moves=tuple(moves), mode=mode, seed=seed)


def _choose(rng: random.Random, possible: list[Act], weights: dict[Kind, int]) -> Act:
    total = sum(weights[act.kind] for act in possible)
    pick = rng.randrange(total)
    for act in possible:
        pick -= weights[act.kind]
        if pick < 0:
            return act
    return possible[-1]


def other_actions(model: Model, performed: Act, rng: random.Random, count: int = 3) -> list[Act]:
    """Reverse mode's wrong answers: actions possible now whose tree would differ."""
    after = model.copy()
    after.apply(performed)
    seen = {canonical(after.tree())}
    others = []
    candidates = list(model.possible())
    rng.shuffle(candidates)
    for act in candidates:
        trial = model.copy()
        trial.apply(act)
        key = canonical(trial.tree())
        if key not in seen:
            seen.add(key)
            others.append(act)
        if len(others) == count:
            break
    return others
