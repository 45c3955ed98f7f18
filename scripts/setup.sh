#!/usr/bin/env bash
# Sets up aeviz in ./.venv on a fresh clone: the package and its dependencies, and with
# --test the test tools too, including Debian's Chromium for the browser tests.
#   bash scripts/setup.sh           # to run the dashboard
#   bash scripts/setup.sh --test    # to run the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi

extras=""
if [ "${1:-}" = "--test" ]; then
  extras="[test]"
  if ! command -v chromium >/dev/null 2>&1; then
    # The end-to-end tests drive the system's Chromium (Playwright cannot download its own here).
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "Installing Chromium for the browser tests (apt-get)..."
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  fi
fi

# Plain lower bounds: pip resolves a torch and a torchvision built for each other.
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
.venv/bin/python -c "import torch, torchvision, aeviz" \
  || { echo "setup: torch/torchvision failed to import; see the README's troubleshooting." >&2; exit 1; }
echo "aeviz is set up in .venv"
