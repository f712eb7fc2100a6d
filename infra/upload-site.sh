#!/usr/bin/env bash
# Builds the site and uploads it to the stack's bucket, with the public
# certificate key at /.well-known/jwks.json, publishes the lesson media to
# the media bucket (under media/, served at /media/ to signed URLs only),
# then invalidates the CDN.
#
#   bash infra/upload-site.sh <stack-name> <jwks.json>
#
# Needs the AWS CLI with credentials for the stack's account and region.
set -euo pipefail
cd "$(dirname "$0")/.."

stack=${1:?usage: upload-site.sh <stack-name> <jwks.json>}
jwks=${2:?usage: upload-site.sh <stack-name> <jwks.json>}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ticedu/target}"

output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
bucket=$(output SiteBucketName)
media_bucket=$(output MediaBucketName)
distribution=$(output DistributionId)

cargo run --quiet --release -p ticedu-site -- build # site/ → site/public/

# Order matters while viewers browse: the certificate key first (it is
# never removed, not even for a moment: offline verifiers fetch it), then
# the assets the new pages link, then everything but pages, then the pages;
# only then what the build no longer has is deleted, never jwks.json (not in
# site/public) nor the China regions' folder keys (below).
# Fingerprinted assets (linked as ?h=<hash>) may be cached for a year;
# everything else revalidates within CloudFront's short HTML TTL.
aws s3 cp "$jwks" "s3://$bucket/.well-known/jwks.json" \
  --content-type application/json --cache-control 'public, max-age=300'
aws s3 sync site/public/ "s3://$bucket/" --exclude '*' --include '*.css' --include '*.js' \
  --cache-control 'public, max-age=31536000, immutable'
aws s3 sync site/public/ "s3://$bucket/" --exclude '*.css' --exclude '*.js' --exclude '*.html' \
  --cache-control 'public, max-age=300'
# The 404 page carries the metadata the distribution's NotFoundStatusFunction
# turns into the status 404.
aws s3 cp site/public/404.html "s3://$bucket/404.html" --metadata ticedu-not-found=1 \
  --content-type 'text/html; charset=utf-8' --cache-control 'public, max-age=300'
aws s3 sync site/public/ "s3://$bucket/" --exclude '*' --include '*.html' --exclude '404.html' \
  --cache-control 'public, max-age=300'

# CloudFront China has no CloudFront Functions, so nothing maps /guide/ to
# /guide/index.html there: store each folder's index.html under the
# folder's own key as well.
if [ "$(aws sts get-caller-identity --query Arn --output text | cut -d: -f2)" = aws-cn ]; then
  (cd site/public && find . -mindepth 2 -name index.html) | while read -r page; do
    folder=${page#./}
    folder=${folder%index.html}
    aws s3 cp "site/public/${folder}index.html" "s3://$bucket/$folder" \
      --content-type 'text/html; charset=utf-8' --cache-control 'public, max-age=300' --only-show-errors
  done
fi

# The keys the distribution serves pages for (others get the 404 page):
# the new ones added before the old ones leave the bucket.
site_keys=$(output SiteKeysArn)
if [ -n "$site_keys" ] && [ "$site_keys" != None ]; then
  python3 infra/site-keys.py "$site_keys" site/public
fi

aws s3 sync site/public/ "s3://$bucket/" --delete --size-only \
  --exclude '.well-known/jwks.json' --exclude '*/' --exclude '404.html'

# Lesson media: site/lessons/ → site/public-media/lessons/<course>/<n>/
# (courseware rendered to courseware.html), stored under the keys
# media/lessons/… that /media/lessons/… reaches. Content types are set, not
# guessed from the local machine's MIME table. A year's Cache-Control, as
# the /media/* cache policy allows: a changed file reaches viewers through
# the invalidation below, and each learner's signed URL is new anyway.
# Videos and handouts are compared by size only: a publish that writes
# them anew moves their mtime, and sync would then send the whole
# catalogue's video every time.
cargo run --quiet --release -p ticedu-site -- media --output site/public-media
sync_media() {
  local pattern=$1 type=$2
  shift 2
  aws s3 sync site/public-media/ "s3://$media_bucket/media/" --delete --only-show-errors \
    --exclude '*' --include "$pattern" --content-type "$type" --cache-control 'max-age=31536000' "$@"
}
sync_media '*.mp4' video/mp4 --size-only
sync_media '*.pdf' application/pdf --size-only
sync_media '*.html' 'text/html; charset=utf-8'
sync_media '*.svg' image/svg+xml
sync_media '*.png' image/png
sync_media '*.jpg' image/jpeg
aws s3 sync site/public-media/ "s3://$media_bucket/media/" --delete --only-show-errors \
  --exclude '*.mp4' --exclude '*.pdf' --exclude '*.html' --exclude '*.svg' --exclude '*.png' --exclude '*.jpg' \
  --cache-control 'max-age=31536000'

aws cloudfront create-invalidation --distribution-id "$distribution" --paths '/*' \
  --query Invalidation.Id --output text
