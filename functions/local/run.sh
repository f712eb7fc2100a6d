#!/usr/bin/env bash
# The README's run command: the whole platform on this machine, from a fresh clone.
#
# Besides building and starting ticedu-local (`cargo run -p ticedu-local`, arguments passed on), it
# makes sure the certificate font is there, so that the learner's journey ends with a printed
# certificate: Noto Sans CJK from Debian's fonts-noto-cjk, installed while cargo compiles (with
# apt-get, as root or through password-less sudo). Elsewhere it says what to install, and
# TICEDU_CERT_FONT names any other .ttc/.otf with Simplified Chinese.
#
#   --font-only    only the font step (the test command runs it, so CI checks it on a fresh machine)
#   --print-font   prints the font file printing reads and the Debian package that holds it
set -euo pipefail
cd "$(dirname "$0")/../.."

# Where Printer::from_env looks by default (ticedu_certificate_pdf::DEBIAN_NOTO_CJK); the test
# `the_run_command_installs_the_font_printing_reads` keeps the two the same.
font_file=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
font_package=fonts-noto-cjk

ensure_font() {
  if [ -n "${TICEDU_CERT_FONT:-}" ]; then
    [ -f "$TICEDU_CERT_FONT" ] || echo "run: TICEDU_CERT_FONT=$TICEDU_CERT_FONT is not a file; certificates will not print" >&2
    return 0
  fi
  [ -f "$font_file" ] && return 0
  local sudo=""
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "run: certificates print with Noto Sans CJK: install it (macOS: brew install --cask font-noto-sans-cjk-sc) and set TICEDU_CERT_FONT to its .ttc/.otf" >&2
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "run: certificates print with Noto Sans CJK: sudo apt-get install $font_package (no restart needed)" >&2
      return 0
    fi
  fi
  echo "run: installing $font_package (the certificate font) while cargo builds"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$font_package" >/dev/null; }; then
    echo "run: could not install $font_package; certificates will not print until it is installed" >&2
  fi
}

case "${1:-}" in
  --font-only)
    ensure_font
    [ -n "${TICEDU_CERT_FONT:-}" ] || [ -f "$font_file" ]
    exit
    ;;
  --print-font)
    echo "$font_file $font_package"
    exit
    ;;
esac

font_log="$(mktemp)"
ensure_font >"$font_log" 2>&1 &
font_pid=$!
cargo build -p ticedu-local
wait "$font_pid" || true
cat "$font_log"
rm -f "$font_log"
exec cargo run -p ticedu-local -- "$@"
