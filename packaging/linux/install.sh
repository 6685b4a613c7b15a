#!/bin/sh
# Install the bundle for the current user: the program in ~/.local/lib/screener with
# ~/.local/bin/screener pointing at it, plus the menu entry, the icons, the AppStream
# metadata and the *.screener file type, so that double-clicking a project opens it.
#
#   sh packaging/linux/install.sh [BUNDLE]        # BUNDLE defaults to dist/Screener
#   sh packaging/linux/install.sh --uninstall
#
# Uses xdg-utils (xdg-mime, xdg-icon-resource, xdg-desktop-menu) in user mode when they are
# there, and otherwise copies the files to the same places and refreshes the caches itself.
# Honours XDG_DATA_HOME; never writes outside the user's home folder.
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
APP_ID=io.github.screener.Screener
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
LIB="$HOME/.local/lib/screener"
BIN="$HOME/.local/bin"
SIZES="16 24 32 48 64 128 256 512"
have() { command -v "$1" >/dev/null 2>&1; }

refresh() {
  have update-mime-database && update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
  have update-desktop-database && update-desktop-database "$DATA/applications" >/dev/null 2>&1 || true
  have gtk-update-icon-cache && gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" >/dev/null 2>&1 || true
}

if [ "${1:-}" = "--uninstall" ]; then
  if have xdg-desktop-menu; then
    xdg-desktop-menu uninstall --mode user "$APP_ID.desktop" || true
    xdg-mime uninstall --mode user "$HERE/screener-mime.xml" || true
    for s in $SIZES; do
      xdg-icon-resource uninstall --mode user --noupdate --context apps --size "$s" "$APP_ID" || true
    done
  fi
  rm -f "$DATA/applications/$APP_ID.desktop" "$DATA/mime/packages/screener-mime.xml" \
        "$DATA/metainfo/$APP_ID.metainfo.xml" "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
  for s in $SIZES; do rm -f "$DATA/icons/hicolor/${s}x${s}/apps/$APP_ID.png"; done
  [ -L "$BIN/screener" ] && rm -f "$BIN/screener"
  rm -rf "$LIB"
  refresh
  echo "Screener uninstalled"
  exit 0
fi

BUNDLE="$(cd "${1:-$ROOT/dist/Screener}" && pwd)"
[ -x "$BUNDLE/screener" ] || { echo "no bundle at $BUNDLE: build it first (packaging/README.md)" >&2; exit 1; }

# The program
mkdir -p "$LIB" "$BIN"
if [ "$BUNDLE" != "$LIB" ]; then
  rm -rf "$LIB"
  cp -a "$BUNDLE" "$LIB"
fi
ln -sf "$LIB/screener" "$BIN/screener"

# The menu entry, pointing at this copy of the program (a desktop session's PATH may not
# have ~/.local/bin in it).
TMPD="$(mktemp -d)"
trap 'rm -rf "$TMPD"' EXIT
sed -e "s|^Exec=screener |Exec=\"$LIB/screener\" |" -e "s|^TryExec=screener\$|TryExec=$LIB/screener|" \
  "$HERE/$APP_ID.desktop" >"$TMPD/$APP_ID.desktop"

ICONS="$ROOT/resources/icons/hicolor"
[ -d "$ICONS" ] || ICONS="$LIB/_internal/resources/icons/hicolor"

if have xdg-mime && have xdg-icon-resource && have xdg-desktop-menu; then
  xdg-mime install --mode user --novendor "$HERE/screener-mime.xml"
  for s in $SIZES; do
    xdg-icon-resource install --mode user --noupdate --novendor --context apps --size "$s" \
      "$ICONS/${s}x${s}/apps/$APP_ID.png" "$APP_ID"
  done
  xdg-icon-resource forceupdate --mode user
  xdg-desktop-menu install --mode user --novendor "$TMPD/$APP_ID.desktop"
else
  mkdir -p "$DATA/mime/packages" "$DATA/applications"
  cp "$HERE/screener-mime.xml" "$DATA/mime/packages/"
  for s in $SIZES; do
    mkdir -p "$DATA/icons/hicolor/${s}x${s}/apps"
    cp "$ICONS/${s}x${s}/apps/$APP_ID.png" "$DATA/icons/hicolor/${s}x${s}/apps/"
  done
  cp "$TMPD/$APP_ID.desktop" "$DATA/applications/"
fi
if [ -f "$ICONS/scalable/apps/$APP_ID.svg" ]; then
  mkdir -p "$DATA/icons/hicolor/scalable/apps"
  cp "$ICONS/scalable/apps/$APP_ID.svg" "$DATA/icons/hicolor/scalable/apps/"
fi
mkdir -p "$DATA/metainfo"
cp "$HERE/$APP_ID.metainfo.xml" "$DATA/metainfo/"
refresh
# Make Screener the default for its own file type (the user can change it later).
have xdg-mime && xdg-mime default "$APP_ID.desktop" application/x-screener-project || true

echo "Screener installed: $BIN/screener -> $LIB/screener"
case ":$PATH:" in
  *":$BIN:"*) ;;
  *) echo "note: add $BIN to your PATH to run 'screener' in a terminal" >&2 ;;
esac
