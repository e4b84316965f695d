// olm-validate runs the validators OperatorHub runs on an OLM bundle directory (manifests/ and
// metadata/), from operator-framework/api: the default bundle validators (CSV, CRD, bundle) plus the
// optional OperatorHub (v2), standard capabilities, standard categories, good practices,
// alpha-deprecated-APIs and community-operators validators, as `operator-sdk bundle validate
// --select-optional` would. The community validator reads the bundle image's labels from the
// bundle.Dockerfile (default: BUNDLE_DIR/../bundle.Dockerfile when present).
//
// Usage: olm-validate [-k8s-version 1.37] [-index-path FILE] BUNDLE_DIR
//
// It prints one JSON object per line for each finding ({"level","validator","type","field","detail"})
// and a summary line, and exits 1 if any finding has level "error" (2 when the bundle cannot be loaded).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/operator-framework/api/pkg/manifests"
	"github.com/operator-framework/api/pkg/validation"
	"github.com/operator-framework/api/pkg/validation/errors"
	interfaces "github.com/operator-framework/api/pkg/validation/interfaces"
)

type finding struct {
	Level     string `json:"level"`
	Validator string `json:"validator"`
	Type      string `json:"type"`
	Field     string `json:"field,omitempty"`
	Detail    string `json:"detail"`
}

func main() {
	k8sVersion := flag.String("k8s-version", "", "Kubernetes version the deprecated-API check targets (default: the CSV's minKubeVersion)")
	indexPath := flag.String("index-path", "", "the bundle.Dockerfile whose labels the community validator checks")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: olm-validate [-k8s-version X.Y] BUNDLE_DIR")
		os.Exit(2)
	}
	bundle, err := manifests.GetBundleFromDir(flag.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "olm-validate: cannot load the bundle in %s: %v\n", flag.Arg(0), err)
		os.Exit(2)
	}
	objects := bundle.ObjectsToValidate()
	optional := map[string]string{}
	if *k8sVersion != "" {
		optional["k8s-version"] = *k8sVersion
	}
	if *indexPath == "" {
		if candidate := filepath.Join(flag.Arg(0), "..", "bundle.Dockerfile"); fileExists(candidate) {
			*indexPath = candidate
		}
	}
	if *indexPath != "" {
		optional["index-path"] = *indexPath
	}
	objects = append(objects, optional)
	suites := []struct {
		name       string
		validators interfaces.Validators
	}{
		{"default", validation.DefaultBundleValidators},
		{"operatorhub", interfaces.Validators{validation.OperatorHubV2Validator}},
		{"capabilities", interfaces.Validators{validation.StandardCapabilitiesValidator}},
		{"categories", interfaces.Validators{validation.StandardCategoriesValidator}},
		{"good-practices", interfaces.Validators{validation.GoodPracticesValidator}},
		{"alpha-deprecated-apis", interfaces.Validators{validation.AlphaDeprecatedAPIsValidator}},
		{"community", interfaces.Validators{validation.CommunityOperatorValidator}},
	}
	out := json.NewEncoder(os.Stdout)
	errorsFound, warnings := 0, 0
	for _, suite := range suites {
		for _, result := range suite.validators.Validate(objects...) {
			for _, e := range append(append([]errors.Error{}, result.Errors...), result.Warnings...) {
				level := "warning"
				if e.Level == errors.LevelError {
					level = "error"
					errorsFound++
				} else {
					warnings++
				}
				_ = out.Encode(finding{Level: level, Validator: suite.name, Type: string(e.Type), Field: e.Field, Detail: e.Error()})
			}
		}
	}
	_ = out.Encode(map[string]any{"summary": true, "bundle": bundle.Name, "errors": errorsFound, "warnings": warnings})
	if errorsFound > 0 {
		os.Exit(1)
	}
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}
