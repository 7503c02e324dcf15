// Package lib is a dependency replaced by a local directory, so BuildInfo records a `=>` line.
package lib

func Greeting() string { return "hello from a replaced dependency" }
