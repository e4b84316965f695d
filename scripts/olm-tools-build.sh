#!/usr/bin/env bash
# Builds the OLM tools the bundle tests run, from the Go modules pinned in test/olm-validate and
# test/olm-opm into .tools/bin/: olm-validate (our program running operator-framework/api's bundle,
# OperatorHub, capabilities, categories, good-practices and deprecated-API validators) and opm
# (operator-framework/operator-registry, for `opm validate` / `opm render` of the catalog). Does
# nothing when a binary was built from the same go.mod/go.sum/*.go, Go version and this script.
# Also copies OLM's CRDs from operator-framework/api into .tools/olm-crds/ and prometheus-operator's
# ServiceMonitor and PrometheusRule CRDs into .tools/monitoring-crds/.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
out=.tools/bin
mkdir -p "$out"

stamp_prefix=olm-tools
# shellcheck source=scripts/go-tool-stamp.sh
source scripts/go-tool-stamp.sh

api_version=$(cd test/olm-validate && go list -m -f '{{.Version}}' github.com/operator-framework/api)
if up_to_date test/olm-validate olm-validate olm-validate; then
  echo "olm-validate (operator-framework/api $api_version): up to date in $out"
else
  echo "building olm-validate (operator-framework/api $api_version) ..."
  start=$SECONDS
  (cd test/olm-validate && go build -ldflags "-s -w" -o ../../$out/olm-validate .)
  stamp_of test/olm-validate > "$out/.olm-tools-olm-validate.stamp"
  echo "olm-validate built in $((SECONDS - start)) s"
fi

registry_version=$(cd test/olm-opm && go list -m -f '{{.Version}}' github.com/operator-framework/operator-registry)
if up_to_date test/olm-opm olm-opm opm; then
  echo "opm (operator-registry $registry_version): up to date in $out"
else
  echo "building opm (operator-registry $registry_version) ..."
  start=$SECONDS
  # containers_image_openpgp: the signature code without gpgme (which needs cgo), as upstream's release build.
  (cd test/olm-opm && go build -tags containers_image_openpgp \
    -ldflags "-s -w -X github.com/operator-framework/operator-registry/cmd/opm/version.opmVersion=$registry_version" \
    -o ../../$out/opm github.com/operator-framework/operator-registry/cmd/opm)
  stamp_of test/olm-opm > "$out/.olm-tools-olm-opm.stamp"
  echo "opm built in $((SECONDS - start)) s"
fi

# OLM's own CRDs (CatalogSource, Subscription, OperatorGroup, ClusterServiceVersion, ...) from the same
# operator-framework/api module: the install test serves them from the real kube-apiserver.
crds=$(cd test/olm-validate && go list -m -f '{{.Dir}}' github.com/operator-framework/api)/crds
mkdir -p .tools/olm-crds
cp "$crds"/operators.coreos.com_*.yaml .tools/olm-crds/
chmod u+w .tools/olm-crds/*.yaml
echo "OLM CRDs (operator-framework/api $api_version): $(ls .tools/olm-crds | wc -l) in .tools/olm-crds"

# prometheus-operator's CRDs (ServiceMonitor, PrometheusRule), from its Go module zip (the proxy
# serves the repository), for the server-side check of config/prometheus and the bundle's objects.
prometheus_operator=v0.85.0
dir=$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$prometheus_operator" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
mkdir -p .tools/monitoring-crds
cp "$dir"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,prometheusrules}.yaml .tools/monitoring-crds/
chmod u+w .tools/monitoring-crds/*.yaml
echo "monitoring CRDs (prometheus-operator $prometheus_operator): $(ls .tools/monitoring-crds | wc -l) in .tools/monitoring-crds"
