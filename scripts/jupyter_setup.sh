#!/usr/bin/env bash
# Sets up the notebooks: JupyterLab, nbclient and papermill (PyPI, pinned in
# notebooks/requirements.txt) in .venv; GoNB, goimports and gopls (pinned in
# tools/go.mod) in bin/; and the GoNB kernel registered with Jupyter, with the
# Go settings eegkit needs. Called by scripts/setup.sh --jupyter.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
root=$(pwd)

# Go tools: GoNB kernel, goimports and gopls (GoNB needs both on its PATH).
if [ ! -x bin/gonb ] || [ ! -x bin/goimports ] || [ ! -x bin/gopls ] || [ tools/go.mod -nt bin/gonb ]; then
	(cd tools && GOBIN="$root/bin" go install tool)
	echo "jupyter setup: built bin/gonb, bin/goimports, bin/gopls"
fi

# Python: JupyterLab and the notebook runners.
python=${PYTHON:-python3}
if [ ! -x .venv/bin/jupyter ] || [ notebooks/requirements.txt -nt .venv/bin/jupyter ]; then
	"$python" -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r notebooks/requirements.txt
	touch .venv/bin/jupyter
	echo "jupyter setup: installed $(.venv/bin/jupyter lab --version | head -1 | sed 's/^/JupyterLab /') in .venv"
fi

# JupyterLab in .venv never asks whether to fetch Jupyter's news (a pop-up that
# covers every screen; --LabApp.news_url= alone leaves it): the setting, as an
# override of the application in .venv.
mkdir -p .venv/share/jupyter/lab/settings
printf '%s\n' '{ "@jupyterlab/apputils-extension:notification": { "fetchNews": "false", "checkForUpdates": false } }' \
	>.venv/share/jupyter/lab/settings/overrides.json

# Register a GoNB kernel named for eegkit ("Go (eegkit)", kernels/eegkit), with
# the Go settings and tools eegkit needs, in this checkout's .venv: each
# checkout's JupyterLab and notebook runs use its own kernel (scripts/env.sh
# puts .venv/share/jupyter first on JUPYTER_PATH), so that setting up another
# checkout never re-points this one's. A GoNB kernel of the user's own
# (kernels/gonb) is left alone.
data_dir="$root/.venv/share/jupyter"
staging=$(mktemp -d)
PATH="$root/bin:$PATH" JUPYTER_DATA_DIR="$staging" bin/gonb --install >/dev/null 2>&1
mkdir -p "$data_dir/kernels/eegkit"
cp "$staging"/kernels/gonb/* "$data_dir/kernels/eegkit/"
rm -rf "$staging"
kernel="$data_dir/kernels/eegkit/kernel.json"
.venv/bin/python - "$kernel" "$root" <<'PY'
import json, os, sys
path, root = sys.argv[1], sys.argv[2]
k = json.load(open(path))
# Keep the kernel's own log out of notebook runs (klog writes it to files in /tmp instead).
k["argv"] = [a for a in k["argv"] if not a.startswith(("-logtostderr", "-stderrthreshold"))] + ["-logtostderr=false", "-stderrthreshold=3"]
k["display_name"] = "Go (eegkit)"
k["env"] = {
    "GOTOOLCHAIN": os.environ["GOTOOLCHAIN"],
    "GOEXPERIMENT": os.environ["GOEXPERIMENT"],
    "GOFLAGS": os.environ.get("GOFLAGS", ""),
    "PATH": root + "/bin:" + os.environ["PATH"],
}
json.dump(k, open(path, "w"), indent=1)
PY
# Earlier setups registered one eegkit kernel per user, shared by every
# checkout, which Jupyter finds before this one outside eegkit's scripts: it
# goes, with a line that says so.
user_kernel="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels/eegkit"
if [ -f "$user_kernel/.checkout" ]; then
	echo "jupyter setup: removed the per-user eegkit kernel of an earlier setup ($user_kernel, running $(cat "$user_kernel/.checkout")); every checkout now has its own in its .venv"
	rm -rf "$user_kernel"
fi
echo "jupyter setup: \"Go (eegkit)\" kernel registered for this checkout ($kernel); a kernel of your own named gonb is not touched"
