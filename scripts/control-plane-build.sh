#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kube-controller-manager from the upstream Go modules pinned in
# test/control-plane/{etcd,kube}/go.mod into .tools/bin/. Does nothing when the binaries were built
# from the same go.mod/go.sum, Go version and this script (a stamp file records that).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
out=.tools/bin
mkdir -p "$out"

module_version() { # dir module
  (cd "test/control-plane/$1" && go list -m -f '{{.Version}}' "$2")
}
kube_version=$(module_version kube k8s.io/kubernetes)
etcd_version=$(module_version etcd go.etcd.io/etcd/server/v3)
stamp_of() {
  cat "$0" "test/control-plane/$1/go.mod" "test/control-plane/$1/go.sum" | sha256sum | cut -c1-16
  go version
}
up_to_date() { # dir binaries...
  local dir=$1; shift
  [ -f "$out/.$dir.stamp" ] && [ "$(cat "$out/.$dir.stamp")" = "$(stamp_of "$dir")" ] || return 1
  for b in "$@"; do [ -x "$out/$b" ] || return 1; done
}

if up_to_date etcd etcd; then
  echo "etcd $etcd_version: up to date in $out"
else
  echo "building etcd $etcd_version ..."
  start=$SECONDS
  (cd test/control-plane/etcd && go build -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$etcd_version" -o "../../../$out/etcd" go.etcd.io/etcd/server/v3)
  stamp_of etcd > "$out/.etcd.stamp"
  echo "etcd built in $((SECONDS - start)) s"
fi

if up_to_date kube kube-apiserver kube-controller-manager; then
  echo "kube-apiserver, kube-controller-manager $kube_version: up to date in $out"
else
  minor=$(echo "$kube_version" | cut -d. -f2)
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$kube_version -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  for cmd in kube-apiserver kube-controller-manager; do
    echo "building $cmd $kube_version ..."
    start=$SECONDS
    (cd test/control-plane/kube && go build -ldflags "$ldflags" -o "../../../$out/$cmd" "k8s.io/kubernetes/cmd/$cmd")
    echo "$cmd built in $((SECONDS - start)) s"
  done
  stamp_of kube > "$out/.kube.stamp"
fi
