#!/bin/sh
# Debian packages Screener needs: Qt's offscreen/X11 runtime libraries, fonts, and
# PostgreSQL (the store tests start a throwaway server). Installs only what is missing,
# and only as root; otherwise it says what to install.
PACKAGES="libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 \
fonts-dejavu-core libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-xkb1 libx11-xcb1 postgresql openssl"
command -v dpkg-query >/dev/null 2>&1 || exit 0
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "Screener needs these Debian packages: sudo apt-get install$missing" >&2
fi
