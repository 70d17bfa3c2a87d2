"""Fork writers cheaply for the durability test: the imports happen once, here.

    python forkserver.py DATA_DIR OUT_DIR

Reads ``WRITER RUN SEED`` lines on stdin; for each, forks a child that runs
``writer.write_forever`` with stdout and stderr in ``OUT_DIR/WRITER-RUN.out``, and answers
with the child's pid. The test kills children with SIGKILL; they are reaped automatically.
No database connection is ever open in this process, so forking is safe.
"""

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import writer  # noqa: E402  (imports the Store, SQLAlchemy, the curriculum loader)


def main() -> None:
    folder, out_dir = sys.argv[1], Path(sys.argv[2])
    # Warm up (lazy imports, mapper configuration), then close every connection.
    store = writer.Store.open(folder, daily_backup=False)
    store.curriculum()
    store.states()
    store.warm_up()  # the write side (SQLAlchemy) loads lazily: import it before forking
    store.close()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        w, run, seed = (int(x) for x in line.split())
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                fd = os.open(out_dir / f"{w}-{run}.out",
                             os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                writer.write_forever(folder, w, run, seed)
            except BaseException:
                import traceback

                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(code)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
