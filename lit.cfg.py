# lit configuration for repros/: see reducer/lit_setup.py (the same code configures any repros folder).
# ruff: noqa: F821  (lit injects `config` and `lit_config`)

import os
import sys

root = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, root)

from reducer.repro.lit_setup import configure  # noqa: E402

configure(config, lit_config, __file__, exec_root=os.path.join(root, "build", "lit"))
