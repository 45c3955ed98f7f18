"""`python -m aeviz`: the command line, as torchrun starts it (`torchrun ... -m aeviz train ...`)."""
import sys

from .cli import main

sys.exit(main())
