#!/usr/bin/env bash
# Sets up aeviz in ./.venv on a fresh clone: the package and its dependencies, and with
# --test the test tools too, including Debian's Chromium for the browser tests and the Debian
# packages whose photos make the debian-photos dataset.
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
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  apt_updated=""
  apt_install() {  # apt-get install "$@", after one apt-get update for the whole script
    [ -n "$apt_updated" ] || { $sudo_cmd apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
  }
  if ! command -v chromium >/dev/null 2>&1; then
    # The end-to-end tests drive the system's Chromium (Playwright cannot download its own here).
    echo "Installing Chromium for the browser tests (apt-get)..."
    apt_install chromium
  fi
  # The debian-photos dataset reads the photos these packages install (see the README's Photo
  # credits), and fashion-mnist the real 70,000 images of dataset-fashion-mnist; a package is
  # installed only when the file it is checked by is missing.
  photo_pkgs=""
  for pkg_file in gcompris-qt-data:gcompris-qt/rcc/categorization.rcc \
                  dataset-fashion-mnist:datasets/fashion-mnist/train-images-idx3-ubyte.gz \
                  lomiri-wallpapers-16.04:backgrounds/Bridge_by_Sander_Klootwijk.jpg \
                  mate-backgrounds:backgrounds/mate/nature/Aqua.jpg \
                  palapeli-data:palapeli/collection/citrus-fruits.jpg \
                  plasma-workspace-wallpapers:wallpapers/Path/contents/images/2560x1600.jpg \
                  tuxpaint-data:tuxpaint/templates/ocean_waves.jpg; do
    [ -f "/usr/share/${pkg_file#*:}" ] || photo_pkgs="$photo_pkgs ${pkg_file%%:*}"
  done
  if [ -n "$photo_pkgs" ]; then
    echo "Installing the real datasets' Debian packages (apt-get):$photo_pkgs"
    # shellcheck disable=SC2086  # one word per package
    apt_install --no-install-recommends $photo_pkgs
  fi
  if command -v npm >/dev/null 2>&1; then
    # The browser code's own tests, lint and type check (web/); the dashboard needs no Node.
    (cd web && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
  fi
fi

# Plain lower bounds: pip resolves a torch and a torchvision built for each other.
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
.venv/bin/python -c "import torch, torchvision, aeviz" \
  || { echo "setup: torch/torchvision failed to import; see the README's troubleshooting." >&2; exit 1; }
echo "aeviz is set up in .venv"
