# Sourced by the scripts that build Go tools into .tools/bin (release-tools-build.sh,
# olm-tools-build.sh): the stamp that says a binary is up to date. Needs `out` (the bin directory)
# and `stamp_prefix` (the stamp file's prefix) set by the caller.

# The stamp of a module directory: the calling script, go.mod, go.sum and its *.go files, and the Go version.
stamp_of() { # module-dir
  local sources=("$1"/go.mod "$1"/go.sum)
  sources+=($(find "$1" -maxdepth 1 -name '*.go' | sort))
  cat "$0" "${sources[@]}" | sha256sum | cut -c1-16
  go version
}

# True when `binary` exists in $out and was built from the module directory as it is now.
up_to_date() { # module-dir name binary
  [ -f "$out/.$stamp_prefix-$2.stamp" ] && [ "$(cat "$out/.$stamp_prefix-$2.stamp")" = "$(stamp_of "$1")" ] && [ -x "$out/$3" ]
}
