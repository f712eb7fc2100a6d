#!/usr/bin/env bash
# Encodes a recorded lecture for the platform:
#
#   bash site/lessons/encode-lecture.sh recording.mov site/lessons/<course>/<n>/lecture.mp4
#
# The output is a progressive MP4 (H.264 + AAC-LC, moov atom first). WeChat's
# browser on Android (XWeb/X5, Chromium-based), iOS's WKWebView and desktop
# Chromium all play that natively in <video>, seeking with HTTP range
# requests that S3 and CloudFront answer out of the box; HLS would need
# hls.js (Media Source Extensions) on Android and desktop, a segmenter, and
# a signed URL per playlist and segment. infra/README.md ("Lesson media")
# gives the reasons and the bytes per class hour these settings produce.
set -euo pipefail

input=${1:?usage: encode-lecture.sh <recording> <lecture.mp4>}
output=${2:?usage: encode-lecture.sh <recording> <lecture.mp4>}

# A lecture is slides and a speaker: little motion, text that must stay
# sharp. 1280×720 keeps a slide's small print legible on a phone held
# sideways; 15 frames a second is plenty for a talking head and halves the
# frames a 30 fps camera would send. Any input size is letterboxed, never
# stretched.
video_filter="fps=15,scale=1280:720:force_original_aspect_ratio=decrease:flags=lanczos"
video_filter+=",pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=white,setsar=1,format=yuv420p"

# x264:
# - preset slow: a lecture is encoded once and sent tens of thousands of
#   times; CPU spent here comes back as egress saved.
# - tune stillimage: x264's psychovisual settings for slide shows (weaker
#   deblocking, so glyph edges stay crisp).
# - CRF 28 with a 400 kb/s peak (VBV): quality-targeted, so a static slide
#   costs almost nothing, while the cap bounds what a noisy camera or a
#   full-screen demo can cost: at most ≈ 150 MB per 45-minute class hour
#   with the audio, whatever the recording.
# - High profile, level 3.1: what every phone since ~2012 decodes in
#   hardware at 720p; yuv420p because browsers decode nothing else.
# - a keyframe at least every 10 s (150 frames): seeking lands within 10 s
#   of decoding, for ~1% more bytes than x264's default 250-frame cap at
#   15 fps would cost.
# Audio: AAC-LC (ffmpeg's native encoder has no HE-AAC), mono, 40 kb/s.
# Speech needs no stereo; 40 kb/s keeps a lecturer clear where 32 kb/s LC
# starts to sound watery, and audio is a third of the bytes.
# +faststart moves the index (moov) to the front, so playback starts after
# the first range request instead of a second one to the file's end.
ffmpeg -hide_banner -loglevel error -nostdin -y -i "$input" \
  -map 0:v:0 -map '0:a:0?' -map_metadata -1 \
  -vf "$video_filter" \
  -c:v libx264 -preset slow -tune stillimage -crf 28 -maxrate 400k -bufsize 800k \
  -profile:v high -level:v 3.1 -g 150 \
  -c:a aac -b:a 40k -ac 1 -ar 44100 \
  -movflags +faststart \
  "$output"
