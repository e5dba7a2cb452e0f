"""The command-line tools, one short module each; ``tools/*.py`` at the
repository root call their ``main``. Every tool starts with
:func:`~input_iba.tools.prologue.prepare_run`."""
