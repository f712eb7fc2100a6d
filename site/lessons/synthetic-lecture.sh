# Sourced, not run: draws synthetic lectures with ffmpeg, for the demo
# lessons (make-demo-lessons.sh) and the bytes-per-class-hour bench
# (infra/media/bytes-per-class-hour.sh). A synthetic lecture looks like
# the real thing to an encoder: white slides with Chinese text that change
# every few tens of seconds, a picture-in-picture speaker whose "head" and
# background keep moving under light camera noise, and a voice-like track
# (a gliding pitch with harmonics, syllables at ~4 Hz, pauses between
# phrases, a little hiss) rather than silence, which would flatter the
# audio encoder. Every random source has a fixed seed, so the same script
# draws the same lecture and the committed demos do not change on a re-run.
#
#   render_slide out.png heading.txt body.txt footer
#   synthetic_lecture slides.ffconcat seconds out.nut   # rawvideo + PCM, for encode-lecture.sh

SYNTHETIC_FONT=${SYNTHETIC_FONT:-Noto Sans CJK SC}

# Text comes from files (textfile=) so no Chinese punctuation ever needs
# filtergraph escaping; expansion=none keeps a literal % as it is.
render_slide() {
  local out=$1 heading=$2 body=$3 footer=$4
  ffmpeg -hide_banner -loglevel error -nostdin -y \
    -f lavfi -i "color=c=white:s=1280x720:d=1" \
    -vf "drawbox=x=0:y=0:w=iw:h=112:color=0x1f4e79:t=fill,\
drawbox=x=0:y=ih-8:w=iw:h=8:color=0xc00000:t=fill,\
drawtext=font='$SYNTHETIC_FONT':textfile='$heading':expansion=none:fontsize=36:fontcolor=white:x=48:y=36,\
drawtext=font='$SYNTHETIC_FONT':textfile='$body':expansion=none:fontsize=32:line_spacing=22:fontcolor=0x222222:x=64:y=168,\
drawtext=font='$SYNTHETIC_FONT':text='$footer':expansion=none:fontsize=20:fontcolor=0x666666:x=48:y=h-44" \
    -frames:v 1 "$out"
}

# The voice: the phase is the integral of a pitch gliding around 130 Hz,
# so the pitch stays speech-like for any length (sin(2π·f(t)·t) would
# chirp further and further off as t grows).
synthetic_speech() {
  local seconds=$1
  local phase="2*PI*130*t-(25/0.7)*cos(2*PI*0.7*t)-(10/2.9)*cos(2*PI*2.9*t)"
  local voiced="sin($phase)+0.6*sin(2*($phase))+0.4*sin(3*($phase))+0.25*sin(4*($phase))+0.15*sin(5*($phase))"
  local syllables="sqrt(max(0,sin(2*PI*4.3*t)))"
  local phrases="gt(sin(2*PI*0.23*t)+sin(2*PI*0.071*t)+0.6,0)"
  local hiss="0.05*(2*random(0)-1)*gt(sin(2*PI*1.7*t),0.7)"
  echo "aevalsrc=exprs='$phrases*(0.18*$syllables*($voiced)+$hiss)':s=44100:c=mono:d=$seconds"
}

# The speaker: a 256×192 inset (moving gradients for a background, a head
# and shoulders that sway and nod, temporal noise like a webcam's), set in
# the slide's lower right corner and drifting a few pixels.
synthetic_lecture() {
  local slides=$1 seconds=$2 out=$3
  ffmpeg -hide_banner -loglevel error -nostdin -y \
    -f concat -safe 0 -i "$slides" \
    -f lavfi -i "gradients=s=256x192:r=15:c0=0x6d7f8f:c1=0xa9b6c2:speed=0.01:seed=1:d=$seconds" \
    -f lavfi -i "color=c=0xd9ae8c:s=72x88:r=15:d=$seconds" \
    -f lavfi -i "color=c=0x2b3a55:s=176x72:r=15:d=$seconds" \
    -f lavfi -i "$(synthetic_speech "$seconds")" \
    -filter_complex "\
[1:v][3:v]overlay=x='40+6*sin(2*PI*t/6)':y=128:eval=frame[body];\
[body][2:v]overlay=x='92+14*sin(2*PI*t/6)+3*sin(2*PI*t/1.3)':y='44+5*sin(2*PI*t/2.1)':eval=frame,\
noise=alls=${SYNTHETIC_NOISE:-10}:allf=t:all_seed=1,format=yuv420p[speaker];\
[0:v]fps=15,format=yuv420p[slides];\
[slides][speaker]overlay=x='W-w-32+4*sin(2*PI*t/17)':y='H-h-40':eval=frame:shortest=1[v]" \
    -map '[v]' -map 4:a -t "$seconds" \
    -c:v rawvideo -c:a pcm_s16le -f nut "$out"
}
