// Package version holds the release tag; -X needs its full import path,
// example.com/xflags/internal/version.Tag, not version.Tag.
package version

var Tag = "dev"
