#!/usr/bin/env bash
# Build the one-folder bundle dist/Screener/ with PyInstaller, in a build venv of its own,
# then smoke-test the bundle the way a user would run it. Exits non-zero on any failure.
#
#   bash packaging/build_and_check.sh            # build, then check
#   bash packaging/build_and_check.sh --check    # only check an existing dist/Screener/
#
# Environment: SCREENER_BUILD_VENV (default /tmp/screener-build-venv),
#              SCREENER_BUILD_WORK (PyInstaller's work folder, default /tmp/screener-build-work),
#              PYTHON (the interpreter for the build venv; it needs a shared libpython).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${SCREENER_BUILD_VENV:-/tmp/screener-build-venv}"
WORK="${SCREENER_BUILD_WORK:-/tmp/screener-build-work}"
DIST="$ROOT/dist"
APP="$DIST/Screener"
EXE="$APP/screener"
PYTHON="${PYTHON:-python3}"
CHECK_ONLY=0
[ "${1:-}" = "--check" ] && CHECK_ONLY=1

FAILURES=()
say() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; FAILURES+=("$*"); }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

cd "$ROOT" || die "no $ROOT"

# ---------------------------------------------------------------------------- build
if [ "$CHECK_ONLY" = 0 ]; then
  BUILD_START=$(now)
  say "system libraries (Qt's xcb runtime, fonts): .ci/system-deps.sh"
  # Installed here so that PyInstaller finds them and copies them into the bundle.
  [ -f .ci/system-deps.sh ] && sh .ci/system-deps.sh
  # ...and the Wayland client libraries Qt's wayland platform plugin links, which the tests
  # never need (they run offscreen) but a Wayland desktop without XWayland does.
  BUNDLE_DEBS="libwayland-client0 libwayland-cursor0 libwayland-egl1"
  missing=""
  for p in $BUNDLE_DEBS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ] && command -v apt-get >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; } \
        || die "apt-get install$missing"
    else
      echo "note: install$missing (sudo apt-get install$missing) to bundle them" >&2
    fi
  fi

  say "build venv: $VENV"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" || die "could not create $VENV"
    "$VENV/bin/pip" install -q --upgrade pip || die "pip upgrade"
  fi
  # The project's runtime dependencies (with the PostgreSQL driver, so that the bundle opens
  # postgresql+psycopg:// projects too), PyInstaller, and Pillow for the .ico/.icns only.
  # Screener itself is not installed: the spec analyses this working tree (pathex), so the
  # bundle is always built from the checked-out sources, and nothing is written into them.
  mkdir -p "$WORK"
  "$VENV/bin/python" - >"$WORK/requirements.txt" <<'EOF' || die "could not read pyproject.toml"
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["postgres"]))
EOF
  "$VENV/bin/pip" install -q -r "$WORK/requirements.txt" "pyinstaller>=6.10" pillow \
    || die "pip install into $VENV"

  say "icons: packaging/make_icons.py"
  "$VENV/bin/python" packaging/make_icons.py >/dev/null || die "make_icons.py"

  say "pyinstaller packaging/screener.spec"
  "$VENV/bin/pyinstaller" packaging/screener.spec --noconfirm --log-level WARN \
    --workpath "$WORK" --distpath "$DIST" || die "pyinstaller failed"
  BUILD_END=$(now)
  echo "build took $(elapsed "$BUILD_START" "$BUILD_END") s"
fi

[ -x "$EXE" ] || die "$EXE is missing: build first"

# ---------------------------------------------------------------------------- checks
TMP="$(mktemp -d /tmp/screener-bundle-check.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
# A user with no settings yet, whose files go nowhere near the real home folder.
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" \
       XDG_CACHE_HOME="$TMP/cache" XDG_STATE_HOME="$TMP/state" XDG_RUNTIME_DIR="$TMP/run"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export QT_QPA_PLATFORM=offscreen
PY="$VENV/bin/python"; [ -x "$PY" ] || PY=python3

# run NAME CMD...: run a check, keep its output in $TMP/NAME.{out,err}, time it.
run() {
  local name="$1"; shift
  local t0 t1 rc
  t0=$(now)
  timeout 120 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  rc=$?
  t1=$(now)
  LAST_SECONDS=$(elapsed "$t0" "$t1")
  if [ "$rc" != 0 ]; then
    fail "$name: exit $rc after ${LAST_SECONDS}s: $*"
    sed 's/^/  | /' "$TMP/$name.err" | tail -25 >&2
    return 1
  fi
  echo "ok   $name (${LAST_SECONDS}s)"
}

say "smoke tests of $APP"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' screener/__init__.py)"

# First start after a build touches every file once (cold cache); the second is the warm one.
run version-cold "$EXE" --version && VERSION_COLD=$LAST_SECONDS
run version "$EXE" --version && VERSION_WARM=$LAST_SECONDS
grep -qx "screener $VERSION" "$TMP/version.out" || fail "--version printed '$(cat "$TMP/version.out")', not 'screener $VERSION'"

# Resources (demo RIS files), migrations (a new project), readers, dedup: all in the bundle.
if run demo "$EXE" demo "$TMP/demo" --no-gui; then
  PROJECT="$(tail -1 "$TMP/demo.out")"
  [ -s "$PROJECT" ] || fail "demo printed '$PROJECT', which is not a project file"
  DEMO_SECONDS=$LAST_SECONDS
else
  PROJECT="$TMP/demo/demo.screener"
fi

if run prisma-json "$EXE" prisma "$PROJECT" --json; then
  "$PY" - "$TMP/prisma-json.out" <<'EOF' || fail "prisma --json: the demo project's counts are wrong"
import json, sys
counts = json.load(open(sys.argv[1]))
assert counts["database_results"] > 0, counts
print(f"     demo project: {counts['database_results']} records from databases")
EOF
fi
# PNG and PDF are drawn by QtSvg/QtGui inside the bundle, with the offscreen platform plugin.
if run prisma-png "$EXE" prisma "$PROJECT" --png "$TMP/prisma.png" --pdf "$TMP/prisma.pdf" --svg "$TMP/prisma.svg"; then
  head -c 8 "$TMP/prisma.png" | od -An -c | grep -q 'P   N   G' || fail "prisma --png did not write a PNG"
  head -c 5 "$TMP/prisma.pdf" | grep -q '%PDF-' || fail "prisma --pdf did not write a PDF"
  [ "$(stat -c %s "$TMP/prisma.png")" -gt 20000 ] || fail "prisma --png: the PNG is suspiciously small"
fi

# PDFs: PDFium (pypdfium2) and its reading processes inside the bundle. The PRISMA PDF just
# written stands in for a report: three copies in a folder are read by the reading processes
# (its text cites the PRISMA statement's DOI, which no record has, so none is matched: the
# reason says so only if the text was read), then one is attached to a record at full text.
if [ -s "$TMP/prisma.pdf" ] && run ft-records "$EXE" records "$PROJECT" --json; then
  FT_ID="$("$PY" -c 'import json,sys; print(next(r["record_id"] for r in json.load(open(sys.argv[1])) if r["status"] == "undecided"))' "$TMP/ft-records.out")"
  run ft-include-ana "$EXE" decide "$PROJECT" "$FT_ID" include --reviewer ana
  run ft-include-ben "$EXE" decide "$PROJECT" "$FT_ID" include --reviewer ben
  mkdir -p "$TMP/pdfs/A1" "$TMP/pdfs/B2"
  for name in A1/flow.pdf B2/flow.pdf B2/flow-copy.pdf; do cp "$TMP/prisma.pdf" "$TMP/pdfs/$name"; done
  if run pdf-folder "$EXE" retrieval "$PROJECT" --from-folder "$TMP/pdfs" --json; then
    "$PY" - "$TMP/pdf-folder.out" <<'EOF2' || fail "retrieval --from-folder: the PDFs were not read in the bundle"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["files"] == 3 and len(out["unmatched"]) == 3, out
assert all("DOIs are not those of any record" in why for why in out["why"].values()), out
print("     3 PDFs read by the reading processes (PDFium found their DOI)")
EOF2
  fi
  run pdf-attach "$EXE" retrieval "$PROJECT" "$FT_ID" retrieved --pdf "$TMP/prisma.pdf" --json \
    && grep -q '"pdf": "pdfs/' "$TMP/pdf-attach.out" || fail "retrieval --pdf: the PDF was not attached"
fi

# The other readers (MEDLINE .nbib, CSV) and the ranking model (scikit-learn) in the bundle.
if run new "$EXE" new "$TMP/check.screener" --title "Bundle check"; then
  run import-nbib "$EXE" import "$TMP/check.screener" tests/data/nbib/*.nbib --source PubMed --json
  run import-csv "$EXE" import "$TMP/check.screener" tests/data/csv/Cohen_2006_ADHD.csv --source CSV --dedup --json
  run records "$EXE" records "$TMP/check.screener" --json
fi
# Relevance order (the ranking model) and the stopping figures (scipy.stats) on the demo
# project: ana's include above, and one exclude of hers now.
if [ -n "${FT_ID:-}" ]; then
  EX_ID="$("$PY" -c 'import json,sys; print(next(r["record_id"] for r in json.load(open(sys.argv[1])) if r["status"] == "undecided" and r["record_id"] != int(sys.argv[2])))' "$TMP/ft-records.out" "$FT_ID")"
  run order-exclude "$EXE" decide "$PROJECT" "$EX_ID" exclude --reviewer ana
  if run order-relevance "$EXE" records "$PROJECT" --order relevance --reviewer ana --json; then
    grep -q "ranked by relevance" "$TMP/order-relevance.err" \
      || fail "records --order relevance: not ranked in the bundle ($(cat "$TMP/order-relevance.err"))"
  fi
fi
if run stopping "$EXE" stopping "$PROJECT" --json; then
  grep -q '"recall_target"' "$TMP/stopping.out" || fail "stopping --json printed no figures"
fi
if run simulate "$EXE" simulate tests/data/csv/Cohen_2006_ADHD.csv --seed 1 --output "$TMP/sim.csv" --json; then
  grep -q '"wss95"' "$TMP/simulate.out" && [ -s "$TMP/sim.csv" ] || fail "simulate wrote no ranking"
fi

# A project file from an earlier release opens (Alembic reads the migrations from the bundle).
cp tests/data/projects/schema_0001.screener "$TMP/old.screener"
run old-project "$EXE" batches "$TMP/old.screener" --json

# The PostgreSQL driver is in: a refused connection, not a missing module.
"$EXE" batches "postgresql+psycopg://screener@127.0.0.1:1/none" >"$TMP/pg.out" 2>"$TMP/pg.err"
if grep -qiE "no module named|NoSuchModuleError|can't load plugin" "$TMP/pg.err" \
   || ! grep -qiE "connection refused|connection failed" "$TMP/pg.err"; then
  fail "postgresql+psycopg URL: the driver did not load"; tail -3 "$TMP/pg.err" >&2
else
  echo "ok   postgresql+psycopg driver loads (connection refused, as it should be)"
fi

# Every Qt platform plugin's libraries resolve (inside the bundle or on this system).
for plugin in "$APP"/_internal/PySide6/Qt/plugins/platforms/*.so; do
  missing="$(LD_LIBRARY_PATH="$APP/_internal:$APP/_internal/PySide6/Qt/lib" ldd "$plugin" | grep 'not found')"
  [ -z "$missing" ] || fail "$(basename "$plugin") needs libraries that are not there: $missing"
done
for must in platforms/libqxcb.so platforms/libqoffscreen.so platforms/libqwayland.so \
            imageformats/libqsvg.so iconengines/libqsvgicon.so; do
  [ -f "$APP/_internal/PySide6/Qt/plugins/$must" ] || fail "the bundle has no Qt plugin $must"
done
for must in resources/demo resources/prisma/PRISMA2020_template.csv screener/store/migrations/env.py \
            screener/store/migrations/script.py.mako; do
  [ -e "$APP/_internal/$must" ] || fail "the bundle has no $must"
done
ls "$APP"/_internal/screener/store/migrations/versions/0*.py >/dev/null 2>&1 \
  || fail "the bundle has no migration scripts in screener/store/migrations/versions"

# The GUI: opens the demo project offscreen and quits by itself with status 0.
if grep -qs SCREENER_QUIT_AFTER_MS screener/gui/app.py; then
  run gui env SCREENER_QUIT_AFTER_MS=3000 "$EXE" gui "$PROJECT" && GUI_SECONDS=$LAST_SECONDS
  # A desktop's "open this file" (Windows association, macOS open event): the bare path.
  run gui-open-file env SCREENER_QUIT_AFTER_MS=1000 "$EXE" "$PROJECT"
else
  fail "GUI not checked: screener/gui/app.py does not honour SCREENER_QUIT_AFTER_MS (yet)"
fi

# Linux desktop integration: the files validate, and once installed (into this check's
# throwaway HOME) a project file is of type application/x-screener-project, opened by Screener.
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate packaging/linux/io.github.screener.Screener.desktop >"$TMP/dfv.out" 2>&1 \
    && echo "ok   desktop-file-validate" || { fail "desktop-file-validate"; cat "$TMP/dfv.out" >&2; }
else
  echo "skip desktop-file-validate (apt-get install desktop-file-utils)"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net packaging/linux/io.github.screener.Screener.metainfo.xml >"$TMP/asv.out" 2>&1 \
    && echo "ok   appstreamcli validate" || { fail "appstreamcli validate"; cat "$TMP/asv.out" >&2; }
else
  echo "skip appstreamcli validate (apt-get install appstream)"
fi
if run install sh packaging/linux/install.sh "$APP"; then
  run installed-version "$HOME/.local/bin/screener" --version
  if command -v xdg-mime >/dev/null; then
    [ "$(xdg-mime query filetype "$PROJECT")" = application/x-screener-project ] \
      || fail "installed: $PROJECT is not application/x-screener-project"
    [ "$(xdg-mime query default application/x-screener-project)" = io.github.screener.Screener.desktop ] \
      || fail "installed: Screener is not the default application for its projects"
  fi
  run uninstall sh packaging/linux/install.sh --uninstall
  [ ! -e "$HOME/.local/lib/screener" ] || fail "uninstall left $HOME/.local/lib/screener"
fi

# ---------------------------------------------------------------------------- report
say "summary"
SIZE="$(du -sh "$APP" | cut -f1)"
echo "bundle:            $APP ($SIZE)"
echo "files:             $(find "$APP" -type f | wc -l)"
[ -n "${BUILD_START:-}" ] && echo "build time:        $(elapsed "$BUILD_START" "$BUILD_END") s"
echo "--version:         ${VERSION_COLD:-?} s cold, ${VERSION_WARM:-?} s warm"
echo "demo --no-gui:     ${DEMO_SECONDS:-?} s"
echo "gui (3 s open):    ${GUI_SECONDS:-not run} s in all"
if [ "${#FAILURES[@]}" -gt 0 ]; then
  printf '\n%d check(s) failed:\n' "${#FAILURES[@]}" >&2
  printf '  - %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
echo "all checks passed"
