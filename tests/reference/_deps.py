"""Make sure numpy and torch import; they come from Debian's python3-numpy / python3-torch,
which only /usr/bin/python3 sees when a pyenv or venv python3 is first in PATH."""

import os
import sys

SKIP_CODE = 77   # CTest SKIP_RETURN_CODE


def ensure_deps():
    try:
        import numpy  # noqa: F401
        import torch  # noqa: F401
        return
    except ImportError as e:
        missing = str(e)
    system = "/usr/bin/python3"
    if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system) \
            and not os.environ.get("MOE_REF_REEXEC"):
        os.environ["MOE_REF_REEXEC"] = "1"
        os.execv(system, [system] + sys.argv)
    print(f"SKIP: the reference needs numpy and torch ({missing}); "
          "install Debian's python3-numpy and python3-torch", flush=True)
    sys.exit(SKIP_CODE)
