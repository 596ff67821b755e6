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
# What the installers are checked with (dpkg-deb is always there; rpm reads the .rpm), and
# sudo, through which the updater plugin installs an update of the installed .deb (`sudo dpkg
# -i`, after pkexec, which a container lacks) in tests/tests/e2e/installed.rs.
INSTALLER_TEST_PACKAGES=(rpm sudo)

step() { printf '\n==> %s\n' "$*"; }

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_update_once() {
  ((apt_updated == 0)) || return 0
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -q
  apt_updated=1
}

ensure_apt_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  step "Installing system packages: ${missing[*]}"
  apt_update_once
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
# With --bundles, also its Linux installers from the same debug build (the bundle step adds
# about half a minute): DEB_BUNDLE and RPM_BUNDLE name them.
build_desktop_app() {
  local bundle_dir="$CARGO_TARGET_DIR/debug/bundle"
  if [[ "${1:-}" == --bundles ]]; then
    step "Building the desktop app and its installers (tauri build --debug --bundles deb,rpm)"
    rm -rf "$bundle_dir/deb" "$bundle_dir/rpm"
    (cd "$ROOT/ui" && TAURI_APP_PATH=../src-tauri npx --no-install tauri build --debug --bundles deb,rpm)
    DEB_BUNDLE=$(only_file "$bundle_dir"/deb/*.deb)
    RPM_BUNDLE=$(only_file "$bundle_dir"/rpm/*.rpm)
    export DEB_BUNDLE RPM_BUNDLE
  else
    step "Building the desktop app (tauri build --debug --no-bundle)"
    (cd "$ROOT/ui" && TAURI_APP_PATH=../src-tauri npx --no-install tauri build --debug --no-bundle)
  fi
  export TAURI_APP="$CARGO_TARGET_DIR/debug/portal-desktop"
}

# The one file a glob matched (exits with a message when it matched none or several).
only_file() {
  if (($# != 1)) || [[ ! -f "$1" ]]; then
    echo "Expected one file, found: $*" >&2
    exit 1
  fi
  printf '%s\n' "$1"
}

# Installs the .deb $1 with apt (its dependencies from Debian's archive), as a person would.
# Refuses when its package is installed already (this would replace and then remove it).
# Sets INSTALLED_PACKAGE; remove_installed_package removes it again.
INSTALLED_PACKAGE=""
install_deb() {
  local deb="$1" package dep missing=0
  package=$(dpkg-deb -f "$deb" Package)
  if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    echo "The package $package is installed on this machine already; the test installs its own build and removes it afterwards. Remove it first: apt-get remove $package" >&2
    exit 1
  fi
  # Its dependencies come from the archive: refresh the package lists if one is missing.
  while read -r dep; do
    dep="${dep%% *}"
    [[ -z "$dep" ]] && continue
    dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed" || missing=1
  done < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//')
  ((missing == 0)) || apt_update_once
  INSTALLED_PACKAGE="$package"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "$(realpath "$deb")"
}

remove_installed_package() {
  if [[ -n "$INSTALLED_PACKAGE" ]]; then
    step "Removing the package $INSTALLED_PACKAGE"
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 purge -y -q "$INSTALLED_PACKAGE" || true
    INSTALLED_PACKAGE=""
  fi
}

has_display() {
  [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]
}
