# Shared by scripts/run-demo and scripts/test-all: install what is missing, nothing more.
# Sourced, not run. Everything it installs comes from Debian's archive, npm or crates.io.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/patient-portal/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
mkdir -p "$CARGO_TARGET_DIR"

# Build and run dependencies of the desktop app (Tauri 2 on WebKitGTK 4.1), and test tools.
BUILD_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config)
DISPLAY_TEST_PACKAGES=(xvfb xauth webkit2gtk-driver dbus-x11 x11-utils imagemagick chromium)
# The real SMTP server the API tests deliver mail to (tests/smtp/mail_catcher.py).
MAIL_TEST_PACKAGES=(python3-aiosmtpd)

step() { printf '\n==> %s\n' "$*"; }

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
ensure_apt_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  step "Installing system packages: ${missing[*]}"
  if ((apt_updated == 0)); then
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -q
    apt_updated=1
  fi
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
}

ensure_toolchains() {
  command -v cargo >/dev/null || { echo "Rust (cargo) is needed: see https://rustup.rs" >&2; exit 1; }
  command -v node >/dev/null || ensure_apt_packages nodejs npm
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if ((node_major < 20)); then
    echo "Node.js 20 or newer is needed for the UI build (found $(node --version))." >&2
    exit 1
  fi
}

ensure_ui_packages() {
  step "Installing UI packages (npm ci)"
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
}

ensure_tauri_driver() {
  if ! command -v tauri-driver >/dev/null; then
    step "Installing tauri-driver (cargo install)"
    cargo install tauri-driver --locked --quiet
  fi
}

# Build the desktop app with the UI bundled in (a plain cargo build would look for a dev server).
build_desktop_app() {
  step "Building the desktop app (tauri build --debug --no-bundle)"
  (cd "$ROOT/ui" && TAURI_APP_PATH=../src-tauri npx --no-install tauri build --debug --no-bundle)
  export TAURI_APP="$CARGO_TARGET_DIR/debug/portal-desktop"
}

has_display() {
  [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]
}
