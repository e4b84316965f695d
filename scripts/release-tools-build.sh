#!/usr/bin/env bash
# Builds the real `oc` and the Cluster Version Operator's payload loader (cvo-load) from the upstream
# Go modules pinned in test/release-tools/{oc,cvo-load}/go.mod into .tools/bin/. Does nothing when the
# binaries were built from the same go.mod/go.sum (and cvo-load's main.go), Go version and this
# script (a stamp file records that). The release-image fidelity tests and bench/assemble use them.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
out=.tools/bin
mkdir -p "$out"

stamp_prefix=release-tools
# shellcheck source=scripts/go-tool-stamp.sh
source scripts/go-tool-stamp.sh

oc_version=$(cd test/release-tools/oc && go list -m -f '{{.Version}}' github.com/openshift/oc)
if up_to_date test/release-tools/oc oc oc; then
  echo "oc $oc_version: up to date in $out"
else
  echo "building oc $oc_version ..."
  start=$SECONDS
  k8s=$(cd test/release-tools/oc && go list -m -f '{{.Version}}' k8s.io/client-go | sed 's/^v0\./v1./')
  minor=$(echo "$k8s" | cut -d. -f2)
  ldflags="-s -w -X github.com/openshift/oc/pkg/version.versionFromGit=$oc_version -X github.com/openshift/oc/pkg/version.commitFromGit=${oc_version##*-} -X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitVersion=$k8s"
  (cd test/release-tools/oc && go build -tags 'include_gcs include_oss containers_image_openpgp' -ldflags "$ldflags" -o "../../../$out/oc" github.com/openshift/oc/cmd/oc)
  stamp_of test/release-tools/oc > "$out/.release-tools-oc.stamp"
  echo "oc built in $((SECONDS - start)) s"
fi

cvo_version=$(cd test/release-tools/cvo-load && go list -m -f '{{.Version}}' github.com/openshift/cluster-version-operator)
if up_to_date test/release-tools/cvo-load cvo-load cvo-load; then
  echo "cvo-load (cluster-version-operator $cvo_version): up to date in $out"
else
  echo "building cvo-load (cluster-version-operator $cvo_version) ..."
  start=$SECONDS
  (cd test/release-tools/cvo-load && go build -ldflags "-s -w" -o "../../../$out/cvo-load" .)
  stamp_of test/release-tools/cvo-load > "$out/.release-tools-cvo-load.stamp"
  echo "cvo-load built in $((SECONDS - start)) s"
fi
