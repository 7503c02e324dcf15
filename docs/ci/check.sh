#!/bin/sh
# Any CI, plain shell: install a pinned shiplint, check the repository, fail on warnings.
set -eu
python3 -m pip install --quiet "shiplint==0.1.0"
shiplint check --fail-on warning .
