import sys

from kepu.cli import main

sys.exit(main())
