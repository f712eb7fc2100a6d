#!/usr/bin/env bash
# Measures what one class hour of lecture video costs in bytes: draws a
# 45-minute synthetic lecture (site/lessons/synthetic-lecture.sh: a new
# slide every 30–60 s, a speaker inset with motion and camera noise, a
# voice-like track with pauses), encodes it with
# site/lessons/encode-lecture.sh, and prints the file's size and bit rates.
#
#   bash infra/media/bytes-per-class-hour.sh           # 2700 s, ~10 min on one core
#   bash infra/media/bytes-per-class-hour.sh 600       # a shorter run, scaled to 45 min
#   KEEP=/tmp/hour.mp4 bash infra/media/bytes-per-class-hour.sh
#
# infra/README.md ("Lesson media") records the figures and prices them.
set -euo pipefail
cd "$(dirname "$0")/../.."
source site/lessons/synthetic-lecture.sh

seconds=${1:-2700}
class_hour=2700
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Slides of 30–60 s, each with different text (a repeated slide would be
# cheaper than real ones); 45 minutes take about 60 of them.
phrases=(
  "法定检验：列入目录的进出口商品必须经检验"
  "抽查检验：目录外商品按国家规定抽查"
  "合格评定：抽样、检验和检查；评估、验证和合格保证"
  "样本量字码由批量和检验水平查得"
  "接收质量限 AQL：可容忍的最差过程平均"
  "转移规则：正常、加严与放宽检验"
  "检验证单须如实载明检验依据与结果"
  "不合格品的处置：技术处理、退运或销毁"
  "检验鉴定机构及其人员的法律责任"
  "复验：对检验结果有异议可申请复验"
  "残损鉴定：查明残损原因、程度与责任"
  "重量鉴定：水尺计重、衡器计重与容量计重"
)
list="$work/slides.ffconcat"
echo "ffconcat version 1.0" >"$list"
total=0
slide=0
while [ "$total" -lt "$seconds" ]; do
  slide=$((slide + 1))
  duration=$((30 + (slide * 17) % 31))
  printf '第%d节  检验鉴定实务要点\n' "$slide" >"$work/heading.txt"
  : >"$work/body.txt"
  for line in 0 1 2 3; do
    printf '• %s（%d.%d）\n' "${phrases[$(((slide * 5 + line * 7) % ${#phrases[@]}))]}" "$slide" $((line + 1)) >>"$work/body.txt"
  done
  render_slide "$work/slide-$slide.png" "$work/heading.txt" "$work/body.txt" "CIQ大讲堂 · 基准测试 · $slide"
  printf "file '%s'\nduration %d\n" "$work/slide-$slide.png" "$duration" >>"$list"
  total=$((total + duration))
done
printf "file '%s'\n" "$work/slide-$slide.png" >>"$list"

output=${KEEP:-$work/lecture.mp4}
started=$SECONDS
# Drawn frames go straight into the encoder: 45 minutes of raw 720p would
# take ~55 GB on disk.
synthetic_lecture "$list" "$seconds" pipe:1 | bash site/lessons/encode-lecture.sh pipe:0 "$output"
elapsed=$((SECONDS - started))

bytes=$(stat -c %s "$output")
read -r duration < <(ffprobe -v error -show_entries format=duration -of csv=p=0 "$output")
video=$(ffprobe -v error -select_streams v:0 -show_entries stream=bit_rate -of csv=p=0 "$output")
audio=$(ffprobe -v error -select_streams a:0 -show_entries stream=bit_rate -of csv=p=0 "$output")
python3 - "$bytes" "$duration" "$video" "$audio" "$class_hour" "$slide" "$elapsed" <<'PY'
import sys
size, duration, video, audio, hour, slides, elapsed = sys.argv[1:]
size, duration, video, audio, hour = int(size), float(duration), int(video), int(audio), int(hour)
per_hour = size * hour / duration
print(f"encoded        {duration:.0f} s ({slides} slides) in {elapsed} s of wall time")
print(f"file           {size} bytes = {size / 1e6:.2f} MB")
print(f"average        {size * 8 / duration / 1000:.1f} kb/s (video {video / 1000:.1f} kb/s, audio {audio / 1000:.1f} kb/s)")
scaled = "" if round(duration) == hour else f" (scaled linearly from {duration:.0f} s)"
print(f"class hour     {per_hour:.0f} bytes = {per_hour / 1e6:.1f} MB per 45 minutes{scaled}")
PY
