#!/usr/bin/env bash
# Makes the demo lectures (site/lessons/<course>/<n>/lecture.mp4) that
# the local platform shows: four slides of 8 s each, headed by the hour's
# title from site/data/catalog.toml, with a picture-in-picture speaker and
# a voice-like track, drawn by synthetic-lecture.sh and encoded by
# encode-lecture.sh exactly as a real lecture would be.
#
#   bash site/lessons/make-demo-lessons.sh
#
# The outputs are committed (each ≈ 0.3 MB, most of it the 40 kb/s voice),
# so nothing is generated at build or run time; a re-run gives the same
# bytes, so run it again only when the slides below change. The demo
# speaker has no camera noise (SYNTHETIC_NOISE=0): at the bench's level it
# adds ≈ 140 kb/s and would quadruple the committed files; the bench
# (infra/media/bytes-per-class-hour.sh) keeps it, to measure honestly.
set -euo pipefail
cd "$(dirname "$0")/../.."
source site/lessons/synthetic-lecture.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SYNTHETIC_NOISE=0
seconds_per_slide=8

# The hour's title, as the catalogue has it.
hour_title() {
  python3 - "$1" "$2" <<'PY'
import sys, tomllib
course, number = sys.argv[1], int(sys.argv[2])
with open("site/data/catalog.toml", "rb") as f:
    catalog = tomllib.load(f)
for entry in catalog["course"]:
    if entry["id"] == course:
        print(entry["hours"][number - 1]["title"])
        break
else:
    sys.exit(f"{course} is not in site/data/catalog.toml")
PY
}

# lesson <course> <n> <slide 2 heading> <slide 2 body> <slide 3 …> <slide 4 …>
# Bodies are lines separated by "|"; slide 1 is the hour's title.
lesson() {
  local course=$1 number=$2
  shift 2
  local title dir list slide=1 total=4
  title=$(hour_title "$course" "$number")
  dir="site/lessons/$course/$number"
  mkdir -p "$dir"
  list="$work/$course-$number.ffconcat"
  echo "ffconcat version 1.0" >"$list"

  printf '第%s学时\n' "$number" >"$work/h1.txt"
  printf '%s\n\n本讲要点见课件，视频为演示用合成讲座。\n' "$title" | fold -w 66 >"$work/b1.txt"
  render_slide "$work/$course-$number-1.png" "$work/h1.txt" "$work/b1.txt" "CIQ大讲堂 · 演示课程 · 1/$total"
  while [ $# -ge 2 ]; do
    slide=$((slide + 1))
    printf '%s\n' "$1" >"$work/h$slide.txt"
    printf '%s\n' "$2" | tr '|' '\n' | sed 's/^/• /' >"$work/b$slide.txt"
    render_slide "$work/$course-$number-$slide.png" "$work/h$slide.txt" "$work/b$slide.txt" \
      "CIQ大讲堂 · 演示课程 · $slide/$total"
    shift 2
  done
  for i in $(seq 1 "$slide"); do
    printf "file '%s'\nduration %s\n" "$work/$course-$number-$i.png" "$seconds_per_slide" >>"$list"
  done
  # The concat demuxer holds the last picture only if it is listed again.
  printf "file '%s'\n" "$work/$course-$number-$slide.png" >>"$list"

  synthetic_lecture "$list" $((slide * seconds_per_slide)) "$work/$course-$number.nut"
  bash site/lessons/encode-lecture.sh "$work/$course-$number.nut" "$dir/lecture.mp4"
  rm "$work/$course-$number.nut"
  printf '%-48s %8d bytes\n' "$dir/lecture.mp4" "$(stat -c %s "$dir/lecture.mp4")"
}

lesson inspection-laws-and-regulations 1 \
  "立法目的（第一条）" \
  "加强进出口商品检验工作，规范检验行为|维护社会公共利益和进出口贸易各方的合法权益|促进对外经济贸易关系的顺利发展" \
  "主管部门与检验主体" \
  "国家商检部门主管全国进出口商品检验工作|设在各地的商检机构管理所辖地区的检验工作|2018 年起由海关总署及各地海关承担" \
  "基本制度" \
  "目录内商品：法定检验（合格评定）|目录外商品：抽查检验|接受委托：进出口商品检验鉴定业务"

lesson inspection-laws-and-regulations 2 \
  "实施条例的地位" \
  "国务院制定，细化《进出口商品检验法》|规定法定检验、抽查检验、检验鉴定的程序|明确监督管理与法律责任" \
  "法定检验的程序" \
  "进口：收货人申报，在规定地点和期限内接受检验|出口：发货人申报，在产地或组织地检验|合格出具证单，不合格依法处理" \
  "抽查检验与检验鉴定" \
  "抽查检验：对法定检验以外的商品按计划抽查|检验鉴定：接受对外贸易关系人的委托办理|鉴定项目：质量、数量、重量、残损、货载衡量等"

lesson acceptance-sampling-gbt-2828-1 1 \
  "批与样本" \
  "批：同一条件下生产、汇集在一起的单位产品|批量 N：批中单位产品的数量|样本量 n：从批中随机抽取的单位产品数" \
  "不合格与不合格品" \
  "不合格：单位产品不满足规定要求|不合格品：有一个或一个以上不合格的单位产品|A 类最被关注，其次 B 类、C 类" \
  "质量的表示" \
  "不合格品百分数 = 100 × 不合格品数 ÷ 样本量|每百单位产品不合格数 = 100 × 不合格数 ÷ 样本量|样本须随机抽取，必要时分层按比例抽取"

lesson acceptance-sampling-gbt-2828-1 2 \
  "检验水平" \
  "一般检验水平 I、II、III，无特别规定时用 II|特殊检验水平 S-1 至 S-4，用于必须小样本的场合|水平越高，判别能力越强，样本量越大" \
  "样本量字码" \
  "由批量和检验水平查表 1 得字码|例：N = 2000，水平 II，字码 K|字码 K 对应样本量 n = 125（表 2-A）" \
  "接收质量限 AQL" \
  "连续系列批可容忍的最差过程平均质量水平|例：字码 K，AQL = 1.0，Ac = 3，Re = 4|AQL 不是单批的质量保证，要看 OC 曲线"
