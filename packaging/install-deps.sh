#!/usr/bin/env bash
# Installs the Debian 12 packages MoE Workbench needs to build and test.
# Idempotent: packages already present are skipped, so a second run does nothing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config git clang-format
  # engine libraries
  libspdlog-dev libfmt-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev
  libxxhash-dev libzstd-dev libpcre2-dev libutf8proc-dev
  # Qt 6 (Qt Test for the suites; Widgets and Charts for the workbench)
  qt6-base-dev qt6-charts-dev qt6-svg-dev qt6-tools-dev qt6-l10n-tools libqt6opengl6-dev
  # a virtual display: `make run` with no screen, README screenshots
  xvfb xauth
  # the Debian package (`make package`, the package_contents test): manual
  # pages from --help, and Debian's checkers of desktop entries, AppStream
  # metainfo and packages
  help2man desktop-file-utils appstream lintian
  # independent references for the correctness tests
  python3 python3-numpy python3-torch
  # llama.cpp from the npm registry (tests/llamacpp/setup.sh)
  npm
)

# A package counts as present when dpkg has it, or, for npm, when an npm is
# already on the PATH: machines whose Node.js comes from NodeSource carry npm
# inside their nodejs package, and Debian's npm would conflict with it.
provided_elsewhere() {
  case "$1" in
    npm) command -v npm >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

missing=()
for p in "${packages[@]}"; do
  if provided_elsewhere "$p"; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
