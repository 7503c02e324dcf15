// Package version: a string variable, which -X sets.
package version

var Version = "dev"
