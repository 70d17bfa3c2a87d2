"""A writer process for the durability test (run as a script, killed with SIGKILL).

    python writer.py DATA_DIR WRITER RUN SEED     (or forked by forkserver.py)

Opens the Store on the shipped curriculum, then forever: picks 1-3 milestones from its own
half (writer 0 the even ones, writer 1 the odd ones, so it knows their state), moves each to
another state with one ``set_states`` call whose event source is ``W-RUN-SEQ-N`` (N = how
many milestones the call changes), and prints ``SOURCE STATE ID...`` once the call returned,
i.e. once the change was committed.
"""

import random
import sys

from tracker.db.store import Store


def main() -> None:
    write_forever(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))


def write_forever(folder: str, writer: int, run: int, seed: int) -> None:
    store = Store.open(folder)
    mine = [m.id for i, m in enumerate(store.curriculum().milestones) if i % 2 == writer]
    states = {m: "todo" for m in mine}
    states.update({m: st for m, st in store.states().items() if m in states})
    rng = random.Random(seed)
    print("ready", flush=True)
    seq = 0
    while True:
        seq += 1
        ids = rng.sample(mine, rng.randint(1, 3))
        new = rng.choice([s for s in ("done", "learning", "todo") if s != states[ids[0]]])
        ids = [m for m in ids if states[m] != new]
        source = f"{writer}-{run}-{seq}-{len(ids)}"
        previous = store.set_states({m: new for m in ids}, source=source)
        assert all(previous[m] != new for m in ids), (previous, new)
        for m in ids:
            states[m] = new
        print(source, new, *ids, flush=True)


if __name__ == "__main__":
    main()
