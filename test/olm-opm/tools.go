//go:build tools

// Package tools pins opm (github.com/operator-framework/operator-registry/cmd/opm) in go.mod/go.sum;
// scripts/olm-tools-build.sh builds it into .tools/bin/opm.
package tools

import _ "github.com/operator-framework/operator-registry/cmd/opm"
