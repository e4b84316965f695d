// Command cvo-load loads a release payload directory with the Cluster Version Operator's own loader
// (pkg/payload.LoadUpdate, default cluster profile, no exclude identifier, no tech preview, no
// capability filter) and prints one JSON object on stdout:
//
//   - release: version, channels and errata URL as the CVO read them from release-metadata;
//   - imageReferences: tag name -> pullspec from image-references;
//   - manifests: every document found in the manifest files (.yaml/.yml/.json, top level only, the
//     two metadata files skipped, the same files LoadUpdate reads), each marked loaded or with the
//     reason the CVO's inclusion filter excluded it;
//   - filesPresent, documentsPresent, manifestsLoaded: counts, so a caller can check that every
//     manifest shipped is one the CVO will apply;
//   - error: the loader's error, if any (the exit status is then 1).
//
// Usage: cvo-load DIR, where DIR holds manifests/ and release-manifests/ as in a release image.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/openshift/cluster-version-operator/pkg/payload"
	"github.com/openshift/library-go/pkg/manifest"
)

type document struct {
	File      string `json:"file"`
	Group     string `json:"group"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Loaded    bool   `json:"loaded"`
	Excluded  string `json:"excluded,omitempty"`
}

type release struct {
	Version  string   `json:"version"`
	Channels []string `json:"channels"`
	URL      string   `json:"url"`
}

type report struct {
	Profile          string            `json:"profile"`
	Release          *release          `json:"release,omitempty"`
	ImageReferences  map[string]string `json:"imageReferences,omitempty"`
	FilesPresent     int               `json:"filesPresent"`
	DocumentsPresent int               `json:"documentsPresent"`
	ManifestsLoaded  int               `json:"manifestsLoaded"`
	ManifestHash     string            `json:"manifestHash,omitempty"`
	Manifests        []document        `json:"manifests"`
	Errors           []string          `json:"errors"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cvo-load DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	profile := payload.DefaultClusterProfile
	out := report{Profile: profile, Manifests: []document{}, Errors: []string{}}

	update, err := payload.LoadUpdate(dir, "", "", false, profile, nil)
	if err != nil {
		out.Errors = append(out.Errors, err.Error())
	}
	loaded := map[string]bool{}
	if update != nil {
		out.Release = &release{Version: update.Release.Version, Channels: update.Release.Channels, URL: string(update.Release.URL)}
		if out.Release.Channels == nil {
			out.Release.Channels = []string{}
		}
		out.ImageReferences = map[string]string{}
		if update.ImageRef != nil {
			for _, tag := range update.ImageRef.Spec.Tags {
				if tag.From != nil {
					out.ImageReferences[tag.Name] = tag.From.Name
				}
			}
		}
		out.ManifestHash = update.ManifestHash
		out.ManifestsLoaded = len(update.Manifests)
		for _, m := range update.Manifests {
			loaded[documentKey(m)] = true
		}
	}

	for _, sub := range []string{payload.CVOManifestDir, payload.ReleaseManifestDir} {
		docs, files, errs := readDocuments(filepath.Join(dir, sub), sub, profile, loaded)
		out.Manifests = append(out.Manifests, docs...)
		out.FilesPresent += files
		out.Errors = append(out.Errors, errs...)
	}
	out.DocumentsPresent = len(out.Manifests)

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if len(out.Errors) > 0 {
		os.Exit(1)
	}
}

// readDocuments parses every file LoadUpdate reads in one directory, without the inclusion filter,
// and marks each document loaded or excluded (with the filter's reason). Files in manifests/ are Go
// templates; they are parsed raw here, so only their count is reported when they do not parse.
func readDocuments(dir, sub, profile string, loaded map[string]bool) ([]document, int, []string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, []string{err.Error()}
	}
	names := []string{}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "release-metadata" || e.Name() == "image-references" {
			continue
		}
		switch filepath.Ext(e.Name()) {
		case ".yaml", ".yml", ".json":
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	docs := []document{}
	errs := []string{}
	exclude := ""
	techPreview := false
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		ms, err := manifest.ParseManifests(bytes.NewReader(raw))
		if err != nil {
			if sub == payload.ReleaseManifestDir {
				errs = append(errs, fmt.Sprintf("parse %s/%s: %v", sub, name, err))
			}
			continue
		}
		for i := range ms {
			m := &ms[i]
			m.OriginalFilename = name
			d := document{
				File:      sub + "/" + name,
				Group:     m.GVK.Group,
				Kind:      m.GVK.Kind,
				Namespace: m.Obj.GetNamespace(),
				Name:      m.Obj.GetName(),
				Loaded:    loaded[documentKey(*m)],
			}
			if !d.Loaded {
				if err := m.Include(&exclude, &techPreview, &profile, nil); err != nil {
					d.Excluded = err.Error()
				} else {
					d.Excluded = "not loaded"
				}
			}
			docs = append(docs, d)
		}
	}
	return docs, len(names), errs
}

func documentKey(m manifest.Manifest) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s", m.OriginalFilename, m.GVK.Group, m.GVK.Kind, m.Obj.GetNamespace(), m.Obj.GetName())
}
