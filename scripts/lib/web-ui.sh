# The dashboard's install and build steps, each skipped when its inputs are the ones it
# last ran on. Sourced by scripts/build and scripts/test from the repository root.
#
# Content hashes, not times: a checkout, a copy or a container build sets new times on
# unchanged files. The hashes live in web-ui/node_modules/.cache/vexil/, so they go with
# the installed packages they describe (npm ci empties node_modules).

WEB_UI_STAMPS=web-ui/node_modules/.cache/vexil

web_ui_need_npm() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "Node.js 20.19+ with npm is needed to build and test the dashboard, and was not found" >&2
    return 1
  fi
}

# `npm ci`, unless node_modules holds what package-lock.json asks for. One at a time:
# the test pipeline's release build (in the background) and its dashboard stage may
# both get here, and the second must find the first's install, not start another.
web_ui_install() {
  web_ui_need_npm || return 1
  (
    flock 9 || exit 1
    web_ui_install_now
  ) 9>"${TMPDIR:-/tmp}/vexil-web-ui-install.$(id -u).lock"
}

web_ui_install_now() {
  local want
  want=$(node scripts/lib/hash-files.mjs web-ui package.json package-lock.json) || return 1
  if [ -d web-ui/node_modules ] && [ "$(cat "$WEB_UI_STAMPS/installed" 2>/dev/null)" = "$want" ]; then
    echo "dashboard: packages up to date"
    return 0
  fi
  (cd web-ui && npm ci --no-audit --no-fund --loglevel=error) || return 1
  mkdir -p "$WEB_UI_STAMPS" && echo "$want" >"$WEB_UI_STAMPS/installed"
}

# Every file of web-ui/ that the build reads: all but the installed packages, the build
# itself, and the browser tests, tools and notes that only read the build.
web_ui_sources_hash() {
  node scripts/lib/hash-files.mjs web-ui --except node_modules dist e2e scripts README.md
}

# `npm run build` (type-check, then web-ui/dist), unless web-ui/dist was built from these
# very sources.
web_ui_build() {
  web_ui_install || return 1
  local want
  want=$(web_ui_sources_hash) || return 1
  if [ -f web-ui/dist/index.html ] && [ "$(cat "$WEB_UI_STAMPS/built" 2>/dev/null)" = "$want" ]; then
    echo "dashboard: web-ui/dist up to date"
    return 0
  fi
  rm -f "$WEB_UI_STAMPS/built"
  (cd web-ui && npm run build) || return 1
  echo "$want" >"$WEB_UI_STAMPS/built"
}
