// Package version: -X cannot set a constant, so the binary prints "dev".
package version

const Version = "dev"
