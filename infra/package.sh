#!/usr/bin/env bash
# Builds every function as an arm64 Lambda package (bootstrap.zip) with
# cargo-lambda, and the certificate font layer, under infra/build/; prints
# each package's zipped size against the 4 MB goal.
#
#   bash infra/package.sh             # arm64 (what the template deploys)
#   ARCH=x86_64 bash infra/package.sh # x86_64, for comparison only
#
# `sam build` builds the same binaries itself (BuildMethod rust-cargolambda);
# this script is for measuring, for deploying without SAM (aws lambda
# update-function-code --zip-file fileb://infra/build/lambda/<fn>/bootstrap.zip),
# and it makes infra/build/cert-font/, the layer `sam build` packages.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ticedu/target}"
ARCH="${ARCH:-arm64}"
FUNCTIONS=(accounts learning payments admin certificates)
BUILD=infra/build
LIMIT=$((4 * 1000 * 1000))

case "$ARCH" in
  arm64) triple=aarch64-unknown-linux-gnu; arch_flag=--arm64 ;;
  x86_64) triple=x86_64-unknown-linux-gnu; arch_flag=--x86-64 ;;
  *) echo "ARCH must be arm64 or x86_64" >&2; exit 2 ;;
esac

# cargo-lambda from PyPI bundles zig as the cross linker: seconds to install.
if ! command -v cargo-lambda >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check 'cargo-lambda>=1,<2'
  hash -r
fi
if ! rustup target list --installed | grep -qx "$triple"; then
  rustup target add "$triple" || {
    echo "the Rust standard library for $triple is missing and could not be installed;" >&2
    echo "run: rustup target add $triple (or ARCH=x86_64 for a comparison build)" >&2
    exit 1
  }
fi

packages=()
for f in "${FUNCTIONS[@]}"; do packages+=(-p "ticedu-$f"); done
rm -rf "$BUILD/lambda-$ARCH"
cargo lambda build --release "$arch_flag" --locked --output-format zip \
  --lambda-dir "$BUILD/lambda-$ARCH" "${packages[@]}"

# The certificates function's CJK font, as a layer mounted at /opt/fonts/.
# Debian's fonts-noto-cjk (SIL OFL 1.1); taken from the system if installed,
# otherwise downloaded (apt-get download needs no root) and unpacked.
FONT=NotoSansCJK-Regular.ttc
font_dir="$BUILD/cert-font/fonts"
if [ ! -f "$font_dir/$FONT" ]; then
  mkdir -p "$font_dir"
  system_font=/usr/share/fonts/opentype/noto/$FONT
  if [ ! -f "$system_font" ]; then
    work=$(mktemp -d)
    (cd "$work" && apt-get download fonts-noto-cjk >/dev/null && dpkg-deb -x fonts-noto-cjk_*.deb root)
    system_font="$work/root/usr/share/fonts/opentype/noto/$FONT"
  fi
  cp "$system_font" "$font_dir/$FONT"
  cp /usr/share/doc/fonts-noto-cjk/copyright "$font_dir/LICENSE-fonts-noto-cjk" 2>/dev/null || true
fi
rm -f "$BUILD/cert-font.zip"
(cd "$BUILD/cert-font" && python3 -m zipfile -c ../cert-font.zip fonts)

echo
echo "zipped packages ($ARCH, cargo lambda build --release; goal ≤ 4 MB each, the font aside):"
status=0
for f in "${FUNCTIONS[@]}"; do
  zip="$BUILD/lambda-$ARCH/$f/bootstrap.zip"
  size=$(stat -c %s "$zip")
  verdict=ok
  if [ "$size" -gt "$LIMIT" ]; then verdict="OVER 4 MB"; status=1; fi
  printf '  %-13s %9d bytes  %5.2f MB  %s\n' "$f" "$size" "$(awk "BEGIN{print $size/1000000}")" "$verdict"
done
size=$(stat -c %s "$BUILD/cert-font.zip")
printf '  %-13s %9d bytes  %5.2f MB  (layer: %s)\n' "font layer" "$size" "$(awk "BEGIN{print $size/1000000}")" "$FONT"
exit "$status"
