#!/usr/bin/env bash
# Set up (JupyterLab, GoNB kernel) and open JupyterLab on notebooks/ (its root is the repository).
# Extra arguments go to `jupyter lab`, e.g. --port 8890 or --ip 0.0.0.0.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --jupyter
. scripts/env.sh
# JupyterLab refuses to start as root without --allow-root (a container or a lab machine).
root_flag=()
if [ "$(id -u)" = 0 ]; then root_flag=(--allow-root); fi
# The root is the repository, so that the file browser shows runs/ (the run store and
# the figures) next to notebooks/; JupyterLab opens on notebooks/, without the pop-up that
# asks whether to fetch Jupyter's news (as the browser test starts it).
exec .venv/bin/jupyter lab --ServerApp.root_dir="$(pwd)" --ServerApp.default_url=/lab/tree/notebooks \
	--LabApp.news_url= "${root_flag[@]}" "$@"
